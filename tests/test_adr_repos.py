"""Issue 10's "done when", as a team would do it: fresh git repositories of each kind, the real
command in a subprocess, the records written in that repository's convention, and ``check``
through the lifecycle (edit an answer, supersede, override). Plus ten writers at once."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from adr_metrics import repeated_sequences, word_count
from conftest import EXAMPLES, run_cli

HAND_NYGARD = "# 1. Record architecture decisions\n\nDate: 2024-01-01\n\n## Status\n\nAccepted\n"
HAND_MADR = '---\nstatus: "accepted"\ndate: 2024-01-01\n---\n\n# Use Markdown ADRs\n'
KINDS = {
    # kind: (files to seed, folder the records land in, name pattern, template)
    "adr-tools": (
        {".adr-dir": "doc/adr\n", "doc/adr/0001-record-architecture-decisions.md": HAND_NYGARD},
        "doc/adr", r"\d{4}-[a-z0-9-]+\.md", "nygard",
    ),
    "madr": (
        {"docs/decisions/001-use-markdown-adrs.md": HAND_MADR},
        "docs/decisions", r"\d{3}-[a-z0-9-]+\.md", "madr",
    ),
    "log4brains": (
        {"docs/adr/20240101-use-log4brains.md": HAND_MADR, ".log4brains.yml": "project: {}\n"},
        "docs/adr", r"20261129-[a-z0-9-]+\.md", "madr",
    ),
    "empty": ({}, "docs/decisions", r"\d{4}-[a-z0-9-]+\.md", "madr"),
}  # fmt: skip
ANSWERS = "examples/order-fulfilment.yaml"


def make_repo(tmp_path: Path, kind: str) -> Path:
    repo = tmp_path / kind
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    for name, text in KINDS[kind][0].items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    (repo / "examples").mkdir()
    shutil.copy(EXAMPLES / "order-fulfilment.yaml", repo / ANSWERS)
    return repo


def ours(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.md") if "edaadvisor:" in p.read_text())


def check(repo: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli("check", *extra, cwd=repo)


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_of_repository_gets_records_in_its_convention_through_the_lifecycle(
    tmp_path: Path, kind: str
) -> None:
    repo = make_repo(tmp_path, kind)
    seeded, folder_name, pattern, template = KINDS[kind]
    folder = repo / folder_name
    proc = run_cli("--answers", ANSWERS, "--adr-dir", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    written = [repo / line for line in proc.stdout.splitlines()]
    assert written == ours(folder) or sorted(written) == ours(folder)
    assert len(written) >= 3, "an overview and one record per decided topic"
    for path in written:
        assert path.parent == folder and re.fullmatch(pattern, path.name), path
        text = path.read_text()
        if template == "nygard":
            assert text.startswith("# ") and text.split(".", 1)[0][2:].isdigit()
            assert "<!-- edaadvisor provenance" in text
        else:
            assert text.startswith('---\nstatus: "proposed"\n')
    for name, text in seeded.items():
        assert (repo / name).read_text() == text, "existing records are left alone"
    # the targets hold in every convention
    topic_words = [word_count(p.read_text()) for p in written[1:]]
    assert statistics.median(topic_words) <= 450 and word_count(written[0].read_text()) <= 900
    assert all(repeated_sequences(p.read_text()) == [] for p in written)

    # check, as the pre-commit hook runs it (no arguments: it finds the folder itself)
    proc = check(repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    # the same command again writes nothing and names the record that holds the answers
    again = run_cli("--answers", ANSWERS, "--adr-dir", cwd=repo)
    assert again.returncode == 0 and again.stdout == ""
    assert f"unchanged: {written[0].relative_to(repo)}" in again.stderr
    assert ours(folder) == sorted(written)

    # --force rewrites in place: same names, same numbers
    forced = run_cli("--answers", ANSWERS, "--adr-dir", "--force", cwd=repo)
    assert forced.returncode == 0 and sorted(forced.stdout.split()) == sorted(
        str(p.relative_to(repo)) for p in written
    )

    # an answer is edited: every record written from it has drifted, and says why
    answers = repo / ANSWERS
    answers.write_text(answers.read_text().replace("audit_history: false", "audit_history: true"))
    proc = check(repo)
    assert proc.returncode == 1
    assert "audit history required no -> yes" in proc.stdout

    # a new set supersedes the old one, linked both ways; check passes again
    overview = written[0]
    anchor = overview.name.split("-", 1)[0] if kind != "log4brains" else overview.stem
    proc = run_cli("--answers", ANSWERS, "--adr-dir", "--supersedes", anchor, cwd=repo)
    assert proc.returncode == 0, proc.stderr
    new_overview = repo / proc.stdout.splitlines()[0]
    assert new_overview.name in overview.read_text() and "uperseded by" in overview.read_text()
    assert overview.name in new_overview.read_text()
    proc = check(repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "skipped (" in proc.stdout

    # the team overrides one verdict in its record: still passes
    outbox = next(
        p
        for p in ours(folder)
        if "record: outbox" in p.read_text() and "uperseded" not in p.read_text()
    )
    override = "  overrides: {outbox: {verdict: advise_against, reason: CDC already}}\n"
    text = outbox.read_text().replace(
        "  verdicts: {outbox: recommend}\n", "  verdicts: {outbox: recommend}\n" + override
    )
    outbox.write_text(text)
    proc = check(repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def ten_writers_at_once(
    tmp_path: Path, change: Callable[[dict[str, Any], int], dict[str, Any]], *extra: str
) -> tuple[Path, list[tuple[str, str, int]]]:
    """Ten real processes writing into one fresh ADR folder at the same moment."""
    repo = make_repo(tmp_path, "empty")
    folder = repo / "docs" / "decisions"
    folder.mkdir(parents=True)
    data = yaml.safe_load((repo / ANSWERS).read_text())
    procs = []
    for i in range(10):
        answers = repo / f"team-{i}.yaml"
        answers.write_text(yaml.safe_dump(change(data, i)))
        command = [sys.executable, "-m", "edaadvisor", "--answers", str(answers), "--adr-dir"]
        procs.append(
            subprocess.Popen(
                [*command, *extra], cwd=repo, text=True,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            )
        )  # fmt: skip
    results = [(*p.communicate(timeout=180), p.returncode) for p in procs]
    assert all(code == 0 for _, _, code in results), results
    return folder, results


def test_ten_writers_at_once_get_ten_distinct_numbers(tmp_path: Path) -> None:
    folder, _ = ten_writers_at_once(
        tmp_path, lambda data, i: {**data, "adr": {"title": f"Team {i}", "date": "2026-11-29"}},
        "--single",
    )  # fmt: skip
    names = [p.name for p in folder.iterdir()]
    numbers = sorted(int(n.split("-", 1)[0]) for n in names)
    assert numbers == list(range(1, 11)), names
    assert not [n for n in names if not n.endswith(".md")], "no claim is left behind"


def test_ten_split_writers_with_one_title_never_share_a_number(tmp_path: Path) -> None:
    folder, results = ten_writers_at_once(
        tmp_path, lambda data, i: {**data, "answers": {**data["answers"], "services": 2 + i}}
    )
    numbers = [int(p.name.split("-", 1)[0]) for p in folder.glob("*.md")]
    assert len(numbers) == len(set(numbers)) == sum(len(out.split()) for out, _, _ in results)


@pytest.mark.parametrize("named", ["/tmp/elsewhere", "../../outside", "../x"])
def test_adr_dir_file_pointing_out_of_the_repository_is_refused(tmp_path: Path, named: str) -> None:
    repo = make_repo(tmp_path, "empty")
    (repo / ".adr-dir").write_text(named + "\n")
    proc = run_cli("--answers", ANSWERS, "--adr-dir", cwd=repo)
    assert proc.returncode == 2 and "outside the repository" in proc.stderr
    assert ".adr-dir" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "outside").exists() and not (tmp_path / "x").exists()
    # named on the command line, the same place is the user's choice
    elsewhere = tmp_path / "chosen"
    proc = run_cli("--answers", ANSWERS, "--adr-dir", str(elsewhere), cwd=repo)
    assert proc.returncode == 0 and ours(elsewhere)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Événements für Bestellungen", "evenements-fuer-bestellungen"),
        ("Заказы через события", "zakazy-cherez-sobytiya"),
        ("Ærø ßtraße", "aero-sstrasse"),
    ],
)
def test_non_ascii_titles_get_readable_slugs(tmp_path: Path, title: str, slug: str) -> None:
    repo = make_repo(tmp_path, "empty")
    data = yaml.safe_load((repo / ANSWERS).read_text())
    (repo / ANSWERS).write_text(
        yaml.safe_dump({**data, "adr": {"title": title}}, allow_unicode=True)
    )
    proc = run_cli("--answers", ANSWERS, "--adr-dir", "--single", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"docs/decisions/0001-{slug}.md"
