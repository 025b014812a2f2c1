"""Hostile input, round two (issue 11): one test per class, each through the real CLI.

Every case runs ``edaadvisor`` in a subprocess capped at 30 s of CPU and 1 GiB of address
space (``resource`` limits, not elapsed time: a busy machine slows a run but does not make it
do more work). A runaway is killed by the kernel, which shows as a negative exit status, never
as a pass. Each refusal is exit 2 with one ``edaadvisor: error:`` line, no traceback, nothing
on stdout and no file changed.
"""

from __future__ import annotations

import json
import os
import re
import resource
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLES
from edaadvisor.core.terminal import UNSAFE

ORDER = EXAMPLES / "order-fulfilment.yaml"
LOYALTY = EXAMPLES / "loyalty-points.yaml"
POLICY = EXAMPLES / "policy-pack"
ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (30, 30))
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def bounded(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Any:
    full_env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "edaadvisor", *args],
        capture_output=True, text=True, timeout=300, cwd=cwd, env=full_env, preexec_fn=_limits,
    )  # fmt: skip


def refused(proc: subprocess.CompletedProcess[str], *words: str, prefix: str = "edaadvisor") -> str:
    """Exit 2, one clear line naming the problem, nothing else."""
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{prefix}: error: ") or lines[0].startswith(
        f"{prefix} check: error: "
    ), lines
    assert not UNSAFE.search(proc.stderr)
    for word in words:
        assert word in lines[0], lines[0]
    assert proc.stdout == ""
    return lines[0]


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.lstat().st_mode, p.lstat().st_size)
        for p in sorted(folder.rglob("*"))
    }


# --- huge integers: bounded at parse time, in every reader -------------------------------------

HUGE_HEX = "0x" + "f" * 5000
HUGE_BIN = "0b" + "1" * 5000
BASE_60 = "1" + ":59" * 330_000  # about 1 MiB: converting it took 37 s of CPU


def _pack_with(folder: Path, rules: str) -> Path:
    pack = folder / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text("name: big\nversion: '1'\n")
    (pack / "rules.yaml").write_text(rules)
    return pack


def _ge_rule(field: str, value: str) -> str:
    if field == "minimum":
        return (
            "questions:\n  - id: shards\n    section: scale\n    type: int\n"
            f"    title: Shards?\n    help: How many.\n    minimum: {value}\n"
        )
    return (
        "rules:\n  - id: big.rule\n    topic: event_driven\n    verdict: consider\n"
        f"    when: {{answer: services, ge: {value}}}\n    summary: Big.\n"
        "    rationale: Big.\n    references: [{section: Events}]\n"
    )


@pytest.mark.parametrize(
    "case",
    ["answers-hex", "answers-binary", "answers-base60", "version-hex", "set-hex", "set-binary",
     "pack-ge", "pack-minimum", "check-provenance"],
)  # fmt: skip
def test_huge_integers_are_refused_at_parse_time_with_one_message(
    tmp_path: Path, case: str
) -> None:
    answers = tmp_path / "answers.yaml"
    args: list[str]
    if case.startswith("answers-"):
        value = {"answers-hex": HUGE_HEX, "answers-binary": HUGE_BIN}.get(case, BASE_60)
        answers.write_text(f"version: 1\nanswers:\n  services: {value}\n")
        args = ["-a", str(answers), "-f", "json"]
    elif case == "version-hex":
        answers.write_text(f"version: {HUGE_HEX}\nanswers: {{}}\n")
        args = ["-a", str(answers), "-f", "json"]
    elif case.startswith("set-"):
        args = ["-a", str(ORDER), "-f", "json", "--set", f"services={HUGE_HEX if 'hex' in case else HUGE_BIN}"]  # noqa: E501
    elif case.startswith("pack-"):
        pack = _pack_with(tmp_path, _ge_rule(case[5:], HUGE_HEX))
        args = ["-a", str(ORDER), "-f", "json", "-k", str(pack)]
    else:
        adr = tmp_path / "0001-x.md"
        adr.write_text(
            "---\nstatus: proposed\nedaadvisor:\n"
            f"  answers: {{services: {HUGE_HEX}}}\n  verdicts: {{event_driven: recommend}}\n"
            "---\n# x\n"
        )
        args = ["check", str(adr)]
    before = snapshot(tmp_path)
    proc = bounded(*args, cwd=tmp_path)
    refused(proc, "at most 18 digits")
    assert snapshot(tmp_path) == before


def test_tui_numbers_are_exact_up_to_the_bound_and_refused_past_it() -> None:
    from edaadvisor.tui.numbers import NumberError, parse_number

    assert parse_number("999999999999999999") == 999_999_999_999_999_999  # 18 digits, exact
    assert parse_number("123,456,789,012,345,678") == 123_456_789_012_345_678
    for text in ("1" * 32, "9" * 4400, "999999999999B"):
        with pytest.raises(NumberError, match="at most 18 digits"):
            parse_number(text)  # never rounded, never a ValueError from formatting


async def test_typing_4400_digits_in_the_tui_is_a_message_not_an_exit(
    knowledge: Any, tmp_path: Path
) -> None:
    from edaadvisor.tui.app import AdvisorApp
    from edaadvisor.tui.state import StateStore

    app = AdvisorApp(knowledge, None, store=StateStore(tmp_path))
    async with app.run_test() as pilot:
        await pilot.pause()
        field = app.screen.query_one("Input")
        field.value = "9" * 4400
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running
        assert "services" not in app.session.answers
        assert "at most 18 digits" in str(app.screen.query_one("#feedback").render())
        field.value = "1" * 32  # not rounded to 1.111...e31: refused the same way
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running and "services" not in app.session.answers


# --- user templates: bounded in work and output ---------------------------------------------

TEMPLATES = {
    "power": "{{ 2**20000 }}",
    "printf-width": "{{ '%0999999999d' % 1 }}",
    "printf-star": "{{ '%*d' % (999999999, 1) }}",
    "format-width": "{{ '{:0999999999}'.format(1) }}",
    "nested-ranges": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}"
    "{% endfor %}",
    "lipsum": "{{ lipsum(n=10**7) }}",
    "indent": "{{ 'x'|indent(10**9) }}",
    "center": "{{ 'x'.center(10**9) }}",
    "doubling-tilde": '{% set ns = namespace(s="ab") %}{% for i in range(64) %}'
    "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
    "doubling-plus": '{% set ns = namespace(s="ab") %}{% for i in range(64) %}'
    "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s }}",
    "repeat": "{{ 'ab' * 10**9 }}",
    "list-extend": "{% set l = [1] %}{% for i in range(64) %}{{ l.extend(l) }}{% endfor %}",
    "replace": "{{ ('a' * 100000)|replace('a', 'a' * 100000) }}",
    "batch": "{{ [1]|batch(10**9, 0)|list }}",
    "output": "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
    # shared parts: cheap to build, ten billion characters once written out
    "shared-repetition": "{{ [[1] * 100000] * 100000 }}",
    "self-reference": "{% set l = [1] %}{% set _ = l.append(l) %}{{ l|tojson }}",
    "mutated-after-sharing": "{% set a = [] %}{% set b = [a, a, a, a, a, a, a, a, a, a] %}"
    "{% set c = [b, b, b, b, b, b, b, b, b, b] %}{% set _ = a.extend(range(100000)) %}{{ c }}",
    **{
        f"nested-literals-{way}": "{% set a = [1] * 100000 %}{% set b = [a, a, a, a, a] %}"
        "{% set c = [b, b, b, b, b] %}{% set d = [c, c, c, c, c] %}" + show
        for way, show in (
            ("output", "{{ d }}"), ("concat", "{{ 'x' ~ d }}"), ("percent", "{{ '%s' % [d] }}"),
            ("format", "{{ '{}'.format(d) }}"), ("join", "{{ d|join }}"),
            ("string", "{{ d|string|length }}"), ("sum", "{{ (d|sum(start=[]))|length }}"),
            ("namespace", "{% set ns = namespace(v=d) %}{{ ns }}"),
        )
    },
}


@pytest.mark.parametrize("source", list(TEMPLATES.values()), ids=list(TEMPLATES))
def test_hostile_templates_stop_with_one_message(tmp_path: Path, source: str) -> None:
    template = tmp_path / "team.md.j2"
    template.write_text(source)
    out = tmp_path / "adr.md"
    proc = bounded("-a", str(ORDER), "--template", str(template), "-o", str(out))
    refused(proc, "team.md.j2", "too much")
    assert not out.exists()


# --- paths: long names, missing permissions, a removed working folder, special targets -------


def test_names_too_long_for_the_file_system_are_one_message(tmp_path: Path) -> None:
    long = "x" * 300
    refused(bounded("-a", str(ORDER), "-o", str(tmp_path / long)), "too long")
    refused(bounded("-a", str(ORDER), "--adr-dir", str(tmp_path / long)), "too long")
    # and wherever else a path is taken: every one is a message, none a traceback
    for args in (
        ["-a", str(ORDER), "--template", long],
        ["-a", str(ORDER), "-k", long],
        ["-a", long],
        ["check", long],
        ["kb", "lint", long],
        ["kb", "diff", long, long, "--answers", long],
    ):
        refused(bounded(*args, cwd=tmp_path), prefix="edaadvisor")
    assert list(tmp_path.iterdir()) == []


def test_a_removed_working_folder_writes_one_adr_or_nothing(tmp_path: Path) -> None:
    gone, adrs = tmp_path / "gone", tmp_path / "adrs"
    gone.mkdir()
    code = (
        "import os, sys; os.chdir(sys.argv[1]); os.rmdir(sys.argv[1]);"
        "from edaadvisor.cli import main; sys.exit(main(sys.argv[2:]))"
    )
    run = [sys.executable, "-c", code, str(gone), "-a", str(ORDER)]
    first = subprocess.run([*run, "--adr-dir", str(adrs)], capture_output=True, text=True)
    assert first.returncode == 0 and "Traceback" not in first.stderr, first.stderr
    # the overview and one record per decided topic, each path printed once, nothing more
    written = sorted(p.name for p in adrs.iterdir())
    assert written == sorted(Path(line).name for line in first.stdout.split())
    gone.mkdir()
    relative = subprocess.run([*run, "-o", "out.md"], capture_output=True, text=True)
    refused(relative, "no longer exists")
    gone.mkdir()
    implicit = subprocess.run([*run, "--adr-dir"], capture_output=True, text=True)
    refused(implicit, "working folder")
    assert sorted(p.name for p in adrs.iterdir()) == written


def test_an_unreadable_adr_folder_is_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from edaadvisor.cli import main

    def denied(self: Path) -> Any:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "iterdir", denied)  # root reads every folder; simulate a user
    assert main(["-a", str(ORDER), "--adr-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "permission denied" in err.lower() and "Traceback" not in err


@pytest.mark.skipif(ROOT, reason="root writes into read-only folders")
def test_a_folder_without_write_permission_is_a_message(tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        refused(bounded("-a", str(ORDER), "-o", str(tmp_path / "a.md")), "permission denied")
    finally:
        tmp_path.chmod(0o700)


def test_force_never_replaces_a_device_or_a_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    null_link = tmp_path / "null"
    null_link.symlink_to("/dev/null")
    for target in (fifo, null_link):
        for force in (["--force"], []):  # without --force: not advice to pass it
            refused(bounded("-a", str(ORDER), "-o", str(target), *force), "not a regular file")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert null_link.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_stale_temporary_files_of_a_killed_write_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out.md"
    stale = tmp_path / ".out.md.0123456789ab.tmp"
    fresh = tmp_path / ".out.md.ba9876543210.tmp"  # another run's, still being written
    other = tmp_path / ".notes.md.0123456789ab.tmp"
    for path in (stale, fresh, other):
        path.write_text("half an ADR")
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    os.utime(other, (an_hour_ago, an_hour_ago))
    proc = bounded("-a", str(ORDER), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [out.name, fresh.name, other.name]
    )


# --- reading: special files, sizes, links out of packs, linear parsing ------------------------


def _pack_copy(tmp_path: Path) -> Path:
    pack = tmp_path / "pack"
    subprocess.run(["cp", "-r", str(POLICY), str(pack)], check=True)
    return pack


@pytest.mark.parametrize(
    "case",
    ["link-to-self", "link-to-root", "link-to-dev-zero", "fifo", "sparse-2gib", "root-folder"],
)
def test_knowledge_folders_are_read_without_leaving_them(tmp_path: Path, case: str) -> None:
    pack = _pack_copy(tmp_path)
    words = {
        "link-to-self": "loop",
        "link-to-root": "links out",
        "link-to-dev-zero": "links out",
        "fifo": "not a regular file",
        "sparse-2gib": "larger than",
        "root-folder": "",
    }[case]
    if case == "link-to-self":
        (pack / "again").symlink_to(".")
    elif case == "link-to-root":
        (pack / "everything").symlink_to("/")
    elif case == "link-to-dev-zero":
        (pack / "zero.yaml").symlink_to("/dev/zero")
    elif case == "fifo":
        os.mkfifo(pack / "pipe.yaml")
    elif case == "sparse-2gib":
        with (pack / "huge.yaml").open("wb") as handle:
            handle.truncate(2 << 30)
    target = "/" if case == "root-folder" else str(pack)
    refused(bounded("-a", str(ORDER), "-f", "json", "-k", target), words)
    refused(bounded("kb", "lint", target), words)


@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "folder"])
def test_answers_and_adrs_must_be_regular_files(tmp_path: Path, special: str) -> None:
    path = tmp_path / "special"
    if special == "fifo":
        os.mkfifo(path)
    elif special == "folder":
        path.mkdir()
    else:
        path = Path(special)
    refused(bounded("-a", str(path), "-f", "json"))
    refused(bounded("check", str(path)), prefix="edaadvisor")


@pytest.mark.parametrize("special", ["fifo", "dev-zero", "sparse-2gib"])
def test_an_adr_folder_holding_special_files_is_written_without_reading_them(
    tmp_path: Path, special: str
) -> None:
    # the folder's records are peeked at for their format; a FIFO named like a record blocked
    # the write forever, and a 2 GiB marker was read whole
    adrs = tmp_path / "adrs"
    adrs.mkdir()
    record = adrs / "0001-odd.md"
    if special == "fifo":
        os.mkfifo(record)
    elif special == "dev-zero":
        record.symlink_to("/dev/zero")
    else:
        with record.open("wb") as handle:
            handle.truncate(2 << 30)
    proc = bounded("-a", str(ORDER), "--adr-dir", str(adrs), "--single")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stdout.split() == [str(adrs / "0002-event-driven-order-fulfilment.md")]
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    marker = repo / ".adr-dir"
    with marker.open("wb") as handle:
        handle.truncate(2 << 30)
    refused(bounded("-a", str(ORDER), "--adr-dir", cwd=repo), ".adr-dir", "larger than")


def test_kb_diff_does_not_block_on_a_fifo_among_the_answers(tmp_path: Path) -> None:
    answers = tmp_path / "answers"
    answers.mkdir()
    os.mkfifo(answers / "pipe.yaml")
    proc = bounded("kb", "diff", str(POLICY), str(POLICY), "--answers", str(answers))
    refused(proc, "not a regular file")


def test_check_parses_unclosed_provenance_comments_in_linear_time(tmp_path: Path) -> None:
    # 1 MiB of openers without a close was quadratic: 540 KB took 58 s; under the 30 s CPU
    # limit a quadratic parser is killed, a linear one answers at once
    adr = tmp_path / "0001-x.md"
    adr.write_text("<!-- edaadvisor provenance\n" * 38_000)
    refused(bounded("check", str(adr)), "no edaadvisor provenance")
    adr.write_text("<!-- edaadvisor provenance " * 38_000)
    refused(bounded("check", str(adr)), "no edaadvisor provenance")


# --- the TUI's state file --------------------------------------------------------------------


def test_a_second_session_on_the_same_state_file_is_told_and_saves_nothing(
    tmp_path: Path,
) -> None:
    from edaadvisor.tui.state import StateStore

    first, second = StateStore(tmp_path), StateStore(tmp_path)
    assert first.lock()
    assert not second.lock()
    first.unlock()
    assert second.lock()
    second.unlock()


async def test_the_tui_says_when_another_interview_holds_the_state_file(
    knowledge: Any, tmp_path: Path
) -> None:
    from edaadvisor.tui.app import AdvisorApp
    from edaadvisor.tui.state import StateStore

    other = StateStore(tmp_path)
    assert other.lock()
    other.save({"answers": {"services": 4}})
    before = other.path.read_bytes()
    app = AdvisorApp(knowledge, None, store=StateStore(tmp_path))
    async with app.run_test() as pilot:
        await pilot.pause()
        assert any("already open" in str(n.title) for n in app._notifications)
        app.session.set_answer("services", 9)
        app.persist()
    assert other.path.read_bytes() == before, "the other session's answers stay"
    other.unlock()


async def test_the_resume_dialog_shows_no_terminal_controls(
    knowledge: Any, tmp_path: Path
) -> None:
    from edaadvisor.tui.app import AdvisorApp
    from edaadvisor.tui.screens.dialogs import ConfirmScreen
    from edaadvisor.tui.state import StateStore

    hostile = f"\x1b]2;pane title\x07answers{ESCAPES}.yaml"
    StateStore(tmp_path).save({"source": hostile, "project": hostile, "answers": {"services": 3}})
    app = AdvisorApp(knowledge, None, store=StateStore(tmp_path))
    async with app.run_test() as pilot:
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        assert "answers" in dialog.text and not UNSAFE.search(dialog.text)
        app.notify(hostile, title=hostile)
        assert all(
            not UNSAFE.search(n.message + n.title) for n in app._notifications
        )


@pytest.mark.parametrize("special", ["fifo", "dev-zero"])
def test_a_state_file_that_is_not_a_file_is_set_aside(tmp_path: Path, special: str) -> None:
    from edaadvisor.tui.state import StateStore

    store = StateStore(tmp_path)
    if special == "fifo":
        os.mkfifo(store.path)
    else:
        store.path.symlink_to("/dev/zero")
    result = store.load()
    assert result.saved is None and result.message and "set aside" in result.message
    assert not os.path.lexists(store.path)


def test_a_resumed_state_never_saves_an_answers_file_that_answers_refuses(
    knowledge: Any,
) -> None:
    from edaadvisor.core.answers import dump_answers, parse_answers_text
    from edaadvisor.tui.session import Interview

    data = {"project": "p" * 300, "answers": {"services": 10**4000, "crud_only": True}}
    session, dropped = Interview.from_state(knowledge, data)
    assert session.project is None and dropped == 1
    text = dump_answers(session.answers_file())
    assert parse_answers_text(text, "saved.yaml", knowledge).answers == {"crud_only": True}


# --- the knowledge cache cannot run code -----------------------------------------------------


def test_a_crafted_cache_entry_runs_nothing(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {"EDAADVISOR_CACHE_DIR": str(cache)}
    first = bounded("-a", str(ORDER), "-f", "json", env=env)
    assert first.returncode == 0, first.stderr
    marker = tmp_path / "PWNED"
    import pickle

    class Boom:
        def __reduce__(self) -> Any:
            return (os.system, (f"touch {marker}",))

    for entry in cache.iterdir():
        # every name an old or new version might read, and a JSON entry naming a function
        entry.with_suffix(".pickle").write_bytes(pickle.dumps(Boom()))
        entry.write_text(json.dumps({"r": "system", "v": [f"touch {marker}"]}))
    again = bounded("-a", str(ORDER), "-f", "json", env=env)
    assert again.returncode == 0 and again.stdout == first.stdout, again.stderr
    assert not marker.exists()


def test_a_cache_folder_others_can_write_is_never_read(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {"EDAADVISOR_CACHE_DIR": str(cache)}
    first = bounded("-a", str(ORDER), "-f", "json", env=env)
    (entry,) = cache.iterdir()
    # someone else's words in our entry: served only if the folder were trusted
    entry.write_text(entry.read_text().replace("Event-driven architecture", "Planted"))
    cache.chmod(0o777)
    proc = bounded("-a", str(ORDER), "-f", "json", env=env)
    assert proc.returncode == 0 and proc.stdout == first.stdout, proc.stderr
    assert "Planted" not in proc.stdout
    assert stat.S_IMODE(cache.stat().st_mode) & 0o022 == 0, "our own folder is tightened"
    assert "Planted" not in next(cache.iterdir()).read_text(), "and its entries dropped"


@pytest.mark.skipif(not ROOT, reason="needs a folder owned by another user")
def test_a_cache_folder_owned_by_someone_else_is_not_used(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o755)
    os.chown(cache, 65534, 65534)
    proc = bounded("-a", str(ORDER), "-f", "json", env={"EDAADVISOR_CACHE_DIR": str(cache)})
    assert proc.returncode == 0, proc.stderr
    assert list(cache.iterdir()) == [], "nothing read from or written to a stranger's folder"


# --- terminal escapes: stripped on the way to the terminal, escaped once in Markdown ----------

ESCAPES = "\x1b]0;PWNED\x07\x1b[31m\x9b2J\u202e\u2066"


def _hostile_answers(folder: Path) -> Path:
    path = folder / "answers.yaml"
    text = json.dumps(
        {
            "version": 1,
            "project": f"Shop{ESCAPES}",
            "adr": {"title": f"Title{ESCAPES}<script>x</script>", "deciders": [f"ann{ESCAPES}"]},
            # loyalty-points' answers: the hostile pack's saga rule decides for them
            "answers": yaml.safe_load(LOYALTY.read_text())["answers"],
        }
    )
    path.write_text(text)  # JSON is YAML; its escapes put the raw characters in the values
    return path


def _hostile_pack(folder: Path, url: str = "https://example.com/ok") -> Path:
    pack = _pack_copy(folder)
    sagas = pack / "sagas.yaml"
    escaped = json.dumps(f"Acme{ESCAPES} <script>alert(1)</script>")[1:-1]
    sagas.write_text(
        sagas.read_text().replace("summary: Acme policy", f'summary: "{escaped}', 1)
        .replace("small ones included.", 'small ones included."', 1)
    )
    (pack / "refs.yaml").write_text(
        "red_flags:\n  - id: acme_ref\n    title: Ref\n    why: Why.\n    mitigation: Fix.\n"
        "    when: {always: true}\n"
        f"    references: [{{title: Link, url: {json.dumps(url)}}}]\n"
    )
    return pack


def test_text_output_check_diff_and_errors_carry_no_terminal_controls(tmp_path: Path) -> None:
    answers = _hostile_answers(tmp_path)
    pack = _hostile_pack(tmp_path)
    text = bounded("-a", str(answers), "-f", "text", "-k", str(pack))
    assert text.returncode == 0, text.stderr
    assert "Shop" in text.stdout and not UNSAFE.search(text.stdout)
    as_json = bounded("-a", str(answers), "-f", "json")
    assert not UNSAFE.search(as_json.stdout)
    assert json.loads(as_json.stdout)["project"].startswith("Shop\x1b")  # same data, escaped
    adr = tmp_path / f"0001-{ESCAPES}.md"
    adr.write_text(
        "---\nedaadvisor:\n  answers: {services: 4}\n"
        f"  verdicts: {{{json.dumps('topic' + ESCAPES)}: recommend}}\n---\n"
    )
    check = bounded("check", str(adr))
    assert check.returncode == 1 and "topic" in check.stdout
    assert not UNSAFE.search(check.stdout + check.stderr)
    folder = tmp_path / "answers"
    folder.mkdir()
    (folder / f"x{ESCAPES}.yaml").write_text(answers.read_text())
    diff = bounded("kb", "diff", str(POLICY), str(pack), "--answers", str(folder))
    assert diff.returncode in (0, 1), diff.stderr
    assert not UNSAFE.search(diff.stdout + diff.stderr)
    missing = bounded("-a", str(tmp_path / f"no{ESCAPES}.yaml"))
    refused(missing, "no such")


def test_the_adr_has_no_controls_no_raw_html_and_no_script_links(tmp_path: Path) -> None:
    answers = _hostile_answers(tmp_path)
    pack = _hostile_pack(tmp_path)
    adr = bounded("-a", str(answers), "-k", str(pack))
    assert adr.returncode == 0, adr.stderr
    assert not UNSAFE.search(adr.stdout)
    # people's "<" is escaped for Markdown ("\<"), a pack's becomes "&lt;": no raw tag either way
    assert not re.search(r"(?<!\\)<script", adr.stdout)
    assert "&lt;script>alert(1)" in adr.stdout
    assert "Acme" in adr.stdout
    for url in ("javascript:alert(1)", "https://x.test/a)[b](javascript:alert(1)"):
        bad = tmp_path / "bad"
        bad.mkdir()
        proc = bounded("-a", str(answers), "-k", str(_hostile_pack(bad, url)))
        assert proc.returncode == 2 and "url" in proc.stderr and "Traceback" not in proc.stderr
        subprocess.run(["rm", "-rf", str(bad)], check=True)

