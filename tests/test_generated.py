"""Files generated before release: current, used only while they match, and never different.

The validated snapshot of the shipped knowledge (``shipped-knowledge.json``) spares a first run
pydantic, and the precompiled shipped templates (``adr/compiled/``) spare every ADR run Jinja2's
compiler. Users must not be able to tell either apart from the work they save, except by speed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import jinja2
import pytest

from conftest import EXAMPLES, REPO, imported_by_json_run, run_cli
from edaadvisor.adr import precompiled, render
from edaadvisor.core import cache, knowledge, shipped
from edaadvisor.core.resources import templates_dir

ANSWERS = sorted(EXAMPLES.glob("*.yaml"))


def test_the_shipped_knowledge_snapshot_is_current() -> None:
    assert shipped.SNAPSHOT.read_text(encoding="utf-8") == shipped.build_current(), (
        "the knowledge or a record module changed: run tools/refresh_generated.py"
    )


@pytest.mark.parametrize("name", precompiled.SHIPPED)
def test_the_precompiled_templates_are_current(name: str) -> None:
    path = precompiled.module_path(name)
    recorded = path.read_text(encoding="utf-8").splitlines()[3]
    if recorded != f"JINJA2_VERSION = {jinja2.__version__!r}":
        # another Jinja2 compiles differently; the digest then sends every run to the compiler
        pytest.skip(f"generated with {recorded}, Jinja2 {jinja2.__version__} installed here")
    assert path.read_text(encoding="utf-8") == precompiled.build(name), (
        "a template, render.py or sandbox.py changed: run tools/refresh_generated.py"
    )


def test_the_refresh_tool_finds_nothing_stale() -> None:
    if Path(precompiled.__file__).resolve().parents[1] != REPO / "src" / "edaadvisor":
        pytest.skip("not an editable install: the tool refuses to describe another package")
    if any(
        f"JINJA2_VERSION = {jinja2.__version__!r}" not in precompiled.module_path(n).read_text()
        for n in precompiled.SHIPPED
    ):
        pytest.skip(f"the templates were precompiled with another Jinja2 than {jinja2.__version__}")
    tool = REPO / "tools" / "refresh_generated.py"
    proc = subprocess.run(
        [sys.executable, str(tool), "--check"], capture_output=True, text=True, timeout=120
    )
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stderr


def _probe(env: dict[str, str]) -> list[str]:
    """Which of pydantic and the schema module a JSON run imported."""
    modules = ("pydantic_core", "edaadvisor.core.schema")
    return imported_by_json_run(EXAMPLES / "order-fulfilment.yaml", env, modules)


def test_a_first_run_on_an_empty_cache_needs_no_validation(tmp_path: Path) -> None:
    empty = tmp_path / "cache"
    assert _probe({"EDAADVISOR_CACHE_DIR": str(empty)}) == []
    # and it filled the cache, so the second run reads the user's own entry
    assert len(list(empty.glob("knowledge-*.json"))) == 1
    assert _probe({"EDAADVISOR_CACHE_DIR": str(empty)}) == []


def test_a_pack_is_still_validated_on_its_first_run(tmp_path: Path) -> None:
    proc = run_cli(
        "-a",
        str(EXAMPLES / "order-fulfilment.yaml"),
        "-k",
        str(tmp_path / "no-such-pack"),
        env={"EDAADVISOR_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert proc.returncode == 2 and "no such folder" in proc.stderr


def _loaded(monkeypatch: pytest.MonkeyPatch, snapshot: Path) -> Any:
    monkeypatch.setenv("EDAADVISOR_CACHE_DIR", "")  # no user cache: the snapshot or pydantic
    monkeypatch.setattr(shipped, "SNAPSHOT", snapshot)
    return cache.encode(knowledge.load_knowledge())


def test_the_snapshot_holds_what_validation_gives(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from_snapshot = _loaded(monkeypatch, shipped.SNAPSHOT)
    validated = _loaded(monkeypatch, tmp_path / "missing.json")
    assert from_snapshot == validated


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text.replace('"digest": "', '"digest": "0', 1),  # made from other files
        lambda text: text[: len(text) // 2],  # cut short
        lambda text: '{"format": 1}\n' + text.split("\n", 1)[1],  # an older cache format
        lambda text: "",
    ],
)
def test_a_stale_or_damaged_snapshot_is_ignored_not_trusted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, damage: Any
) -> None:
    bad = tmp_path / "shipped-knowledge.json"
    bad.write_text(damage(shipped.SNAPSHOT.read_text(encoding="utf-8")), encoding="utf-8")
    monkeypatch.setattr(shipped, "SNAPSHOT", bad)
    files = knowledge._read_bytes(knowledge._read_folders((), None)[0])[0]
    assert shipped.load(files) is None
    assert _loaded(monkeypatch, bad) == _loaded(monkeypatch, shipped.SNAPSHOT)


def test_an_edited_knowledge_file_is_not_served_from_the_snapshot() -> None:
    files = knowledge._read_bytes(knowledge._read_folders((), None)[0])[0]
    assert shipped.load(files) is not None
    name, raw = files[0]
    assert shipped.load([(name, raw + b"\n# edited\n"), *files[1:]]) is None


@pytest.mark.parametrize("name", precompiled.SHIPPED)
def test_an_edited_template_is_compiled_not_served_precompiled(name: str) -> None:
    label = f"templates/{name}.md.j2"
    source = templates_dir().joinpath(f"{name}.md.j2").read_text(encoding="utf-8")
    env = render._environment()
    if f"{jinja2.__version__!r}" in precompiled.module_path(name).read_text():
        assert precompiled.namespace(name, source, label, env) is not None
    assert precompiled.namespace(name, source + "{# edited #}", label, env) is None


@pytest.mark.parametrize("template", precompiled.SHIPPED)
@pytest.mark.parametrize("answers", ANSWERS, ids=lambda p: p.stem)
def test_precompiled_and_compiled_templates_write_the_same_adr(
    tmp_path: Path, answers: Path, template: str
) -> None:
    fast = run_cli("-a", str(answers), "--template", template)
    # the same text from a file of the team's is always compiled, never precompiled
    copy = tmp_path / f"{template}.md.j2"
    copy.write_text(templates_dir().joinpath(f"{template}.md.j2").read_text(encoding="utf-8"))
    compiled = run_cli("-a", str(answers), "--template", str(copy))
    assert fast.returncode == compiled.returncode == 0, fast.stderr + compiled.stderr
    # a team's own template is marked as such in the record's metadata; nothing else differs
    mark = "  template: custom\n"
    assert fast.stdout == compiled.stdout.replace(mark, "")
    assert mark not in fast.stdout


def test_the_entry_a_snapshot_run_stores_is_read_back_from_the_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("EDAADVISOR_CACHE_DIR", str(tmp_path / "cache"))
    first = cache.encode(knowledge.load_knowledge())  # from the snapshot, then stored

    def no_snapshot(_: object) -> None:
        raise AssertionError("the second run read the snapshot, not its cache entry")

    monkeypatch.setattr(shipped, "load", no_snapshot)
    assert cache.encode(knowledge.load_knowledge()) == first
