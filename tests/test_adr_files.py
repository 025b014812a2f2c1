"""Writing the ADR into a repository: atomic, no silent overwrite, numbered like adr-tools."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from conftest import EXAMPLES, run_cli
from edaadvisor.adr.files import find_adr_dir, next_adr_path
from edaadvisor.core.errors import EdaAdvisorError
from edaadvisor.core.files import write_file

ORDER = str(EXAMPLES / "order-fulfilment.yaml")
LOYALTY = str(EXAMPLES / "loyalty-points.yaml")


def test_write_file_creates_then_refuses_then_replaces_with_force(tmp_path: Path) -> None:
    target = tmp_path / "adr.md"
    write_file(target, "first\n")
    assert target.read_bytes() == b"first\n"
    with pytest.raises(EdaAdvisorError) as refused:
        write_file(target, "second\n")
    assert refused.value.exit_code == 1 and "--force" in str(refused.value)
    assert target.read_text() == "first\n"
    write_file(target, "second\n", force=True)
    assert target.read_text() == "second\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adr.md"], "no temp file left behind"


def test_written_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_file(tmp_path / "adr.md", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "adr.md").stat().st_mode) == 0o644


@pytest.mark.parametrize(
    ("where", "message"),
    [("missing/adr.md", "does not exist"), ("folder", "is a folder")],
)
def test_write_file_unusable_destinations_are_exit_2(
    tmp_path: Path, where: str, message: str
) -> None:
    (tmp_path / "folder").mkdir()
    with pytest.raises(EdaAdvisorError) as err:
        write_file(tmp_path / where, "x")
    assert err.value.exit_code == 2 and message in str(err.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_write_file_read_only_folder_is_exit_2(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(EdaAdvisorError) as err:
            write_file(folder / "adr.md", "x")
    finally:
        folder.chmod(0o755)
    assert err.value.exit_code == 2 and "permission denied" in str(err.value)


def test_cli_output_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "adr.md"
    out.write_text("keep me\n")
    proc = run_cli("--answers", ORDER, "--output", str(out))
    assert proc.returncode == 1 and "already exists" in proc.stderr and "--force" in proc.stderr
    assert out.read_text() == "keep me\n"
    proc = run_cli("--answers", ORDER, "--output", str(out), "--force")
    assert proc.returncode == 0 and proc.stdout == ""
    assert out.read_text().startswith('---\nstatus: "proposed"\n')


def test_cli_output_takes_any_format(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    assert run_cli("--answers", ORDER, "--format", "json", "-o", str(out)).returncode == 0
    assert out.read_text().startswith("{\n")
    out = tmp_path / "summary.txt"
    assert run_cli("--answers", ORDER, "--format", "text", "-o", str(out)).returncode == 0
    assert out.read_text().startswith("edaadvisor ")


def test_bad_answers_write_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nanswers:\n  consistency: sometimes\n")
    out = tmp_path / "adr.md"
    proc = run_cli("--answers", str(bad), "--output", str(out))
    assert proc.returncode == 2 and "consistency" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()
    proc = run_cli("--answers", str(bad), "--adr-dir", str(tmp_path / "adrs"))
    assert proc.returncode == 2 and not (tmp_path / "adrs").exists()


def test_adr_dir_single_twice_gives_0001_then_0002(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    first = run_cli("--answers", ORDER, "--adr-dir", "docs/decisions", "--single", cwd=tmp_path)
    second = run_cli("--answers", LOYALTY, "--adr-dir", "docs/decisions", "--single", cwd=tmp_path)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert first.stdout == "docs/decisions/0001-event-driven-order-fulfilment.md\n"
    assert second.stdout == (
        "docs/decisions/0002-adopt-event-driven-architecture-for-loyalty-points.md\n"
    )
    assert (tmp_path / first.stdout.strip()).read_text().startswith("---\n")


def test_adr_dir_without_dir_finds_the_repository_folder(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "doc" / "adr").mkdir(parents=True)
    (tmp_path / "doc" / "adr" / "0007-use-postgres.md").write_text("# 7. Use Postgres\n")
    sub = tmp_path / "services" / "orders"
    sub.mkdir(parents=True)
    # a hand-written Nygard record (`# 7. Title`) in doc/adr: adr-tools' format, no flag needed
    proc = run_cli("--answers", ORDER, "--adr-dir", "--single", cwd=sub)
    assert proc.returncode == 0, proc.stderr
    written = tmp_path / "doc" / "adr" / "0008-event-driven-order-fulfilment.md"
    assert proc.stdout.strip() == str(written)  # outside the working directory: shown whole
    assert written.read_text().startswith("# 8. Event-driven order fulfilment\n")


def test_adr_dir_without_a_folder_to_find_is_a_clear_error(tmp_path: Path) -> None:
    proc = run_cli("--answers", ORDER, "--adr-dir", cwd=tmp_path)
    assert proc.returncode == 2 and "--adr-dir DIR" in proc.stderr
    assert "docs/decisions" in proc.stderr and "Traceback" not in proc.stderr


def test_adr_dir_with_json_format_is_refused(tmp_path: Path) -> None:
    proc = run_cli("--answers", ORDER, "--adr-dir", str(tmp_path), "--format", "json")
    assert proc.returncode == 2 and "--adr-dir writes the Markdown records" in proc.stderr


def test_find_adr_dir_order_and_repository_boundary(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "docs" / "adr").mkdir(parents=True)
    assert find_adr_dir(repo) == repo.resolve() / "docs" / "adr"
    (repo / "docs" / "decisions").mkdir()
    assert find_adr_dir(repo) == repo.resolve() / "docs" / "decisions"
    (repo / ".adr-dir").write_text("architecture/decisions\n")
    assert find_adr_dir(repo / "docs") == repo.resolve() / "architecture" / "decisions"
    # a folder above the repository root is someone else's
    (tmp_path / "docs" / "decisions").mkdir(parents=True)
    other = tmp_path / "other"
    (other / ".git").mkdir(parents=True)
    assert find_adr_dir(other) is None


def test_next_adr_path_numbers_after_the_highest(tmp_path: Path) -> None:
    assert next_adr_path(tmp_path, "Use Kafka!") == (1, tmp_path / "0001-use-kafka.md")
    for name in ("0001-a.md", "0012-b.md", "README.md", "0099-notes.txt", "template.md"):
        (tmp_path / name).write_text("x")
    number, path = next_adr_path(tmp_path, "Événements: «sagas» & CQRS")
    assert (number, path.name) == (13, "0013-evenements-sagas-cqrs.md")


def test_write_file_permission_denied_is_exit_2_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # root ignores folder permissions, so the refusal a user would get is simulated
    def denied(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(EdaAdvisorError) as err:
        write_file(tmp_path / "adr.md", "x")
    assert err.value.exit_code == 2 and "permission denied" in str(err.value)
    assert not (tmp_path / "adr.md").exists()
