"""The compiled-knowledge cache: reused when nothing changed, never when something did.

A stale entry would give advice from knowledge the user has edited away, so these tests
change files under a warm cache and check the advice follows.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, imported_by_json_run, run_cli

POLICY = EXAMPLES / "policy-pack"
LOYALTY = EXAMPLES / "loyalty-points.yaml"


@pytest.fixture
def cache(tmp_path: Path) -> dict[str, str]:
    return {"EDAADVISOR_CACHE_DIR": str(tmp_path / "cache")}


def verdict(pack: Path, env: dict[str, str], topic: str = "orchestration") -> str:
    proc = run_cli("-a", str(LOYALTY), "-k", str(pack), "-f", "json", env=env)
    assert proc.returncode == 0, proc.stderr
    return str(json.loads(proc.stdout)["decisions"][topic]["verdict"])


def test_a_warm_cache_skips_parsing_and_pydantic(cache: dict[str, str]) -> None:
    run_cli("-a", str(LOYALTY), "-f", "json", env=cache)  # fills the cache
    modules = ("pydantic", "edaadvisor.core.schema")
    assert imported_by_json_run(LOYALTY, cache, modules) == []


def test_editing_a_pack_under_a_warm_cache_changes_the_advice(
    tmp_path: Path, cache: dict[str, str]
) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(POLICY, pack)
    assert verdict(pack, cache) == "recommend"  # the pack orchestrates every saga
    sagas = pack / "sagas.yaml"
    text = sagas.read_text()
    sagas.write_text(text.replace("verdict: recommend", "verdict: consider", 1) + "\n")
    assert verdict(pack, cache) == "consider"


def test_a_corrupt_cache_entry_is_rebuilt_not_trusted(cache: dict[str, str]) -> None:
    first = run_cli("-a", str(LOYALTY), "-f", "json", env=cache)
    for entry in Path(cache["EDAADVISOR_CACHE_DIR"]).glob("knowledge-*.json"):
        entry.write_bytes(b"not json")
    again = run_cli("-a", str(LOYALTY), "-f", "json", env=cache)
    assert again.returncode == 0 and again.stdout == first.stdout, again.stderr


def test_an_unwritable_cache_folder_only_costs_speed(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would go")
    env = {"EDAADVISOR_CACHE_DIR": str(blocker / "cache")}
    proc = run_cli("-a", str(LOYALTY), "-f", "json", env=env)
    assert proc.returncode == 0 and proc.stderr == ""
