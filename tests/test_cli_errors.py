"""Bad input: one clear message on stderr naming file, key and line, exit 2, nothing on stdout.

Most cases call ``edaadvisor.cli.main`` in-process (fast, and an uncaught exception fails the
test just as a traceback would); a sample runs the real command in a subprocess, including a
hypothesis sample of mutated files, because that is what a user sees.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, run_cli
from edaadvisor.cli import main
from mutation import HOSTILE_SNIPPETS, mutated_text

FUZZ_EXAMPLES = int(os.environ.get("EDAADVISOR_FUZZ_EXAMPLES", "0") or 0)
settings.register_profile("edaadvisor-cli-long", max_examples=max(FUZZ_EXAMPLES, 1), deadline=None)

ERROR_PREFIX = "edaadvisor: error: "

BILLION_LAUGHS = """\
version: 1
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
answers: *i
"""

V1 = "version: 1\nanswers:\n"

# (id, file content, words the message must contain, line it must name or None)
CASES: list[tuple[str, str | bytes, list[str], int | None]] = [
    ("empty", "", ["is empty", "version: 1"], None),
    ("only-comments", "# nothing here yet\n\n", ["is empty"], None),
    ("non-utf8", b"version: 1\nproject: Caf\xe9\n", ["not UTF-8", "0xe9"], None),
    ("broken-yaml", V1 + "  services: 3\n   consumers: [2\n", ["not valid YAML"], 4),
    ("unclosed-quote", 'version: 1\nproject: "Checkout\n', ["not valid YAML"], 3),
    ("nul-byte", "version: 1\nproject: a\x00b\n", ["not valid YAML", "0x00"], 2),
    ("top-level-list", "- version: 1\n- answers: {}\n", ["is a list", "mapping"], 1),
    ("scalar-document", "just some words\n", ["single str value", "mapping"], 1),
    ("number-document", "42\n", ["single int value"], 1),
    (
        "duplicate-answer",
        V1 + "  services: 3\n  consumers: 2\n  services: 4\n",
        ["duplicate key 'services'", "first on line 3", "answers.services"],
        5,
    ),
    (
        "duplicate-top-level",
        "version: 1\nanswers: {}\nversion: 1\n",
        ["duplicate key 'version'", "first on line 1"],
        3,
    ),
    (
        "python-apply",
        V1 + '  services: !!python/object/apply:os.system ["echo pwned"]\n',
        ["!!python/object/apply:os.system", "not allowed", "answers.services"],
        3,
    ),
    (
        "python-apply-document",
        '!!python/object/apply:os.system ["echo pwned"]\n',
        ["!!python/object/apply:os.system", "not allowed"],
        1,
    ),
    (
        "python-name",
        "version: 1\nanswers: !!python/name:os.system\n",
        ["!!python/name:os.system", "not allowed"],
        2,
    ),
    (
        "python-object-new",
        V1 + "  services: !!python/object/new:builtins.int [3]\n",
        ["!!python/object/new:builtins.int", "not allowed"],
        3,
    ),
    ("python-tuple", V1 + "  services: !!python/tuple [1, 2]\n", ["!!python/tuple"], 3),
    ("custom-tag", V1 + "  services: !count 3\n", ["'!count'", "not allowed"], 3),
    ("custom-tag-mapping", "version: 1\nanswers: !mine {services: 3}\n", ["'!mine'"], 2),
    ("custom-tag-list", "version: 1\nadr:\n  deciders: !team [ana]\n", ["'!team'"], 3),
    ("binary-tag", V1 + "  services: !!binary aGVsbG8=\n", ["'!!binary'"], 3),
    ("set-tag", V1 + "  services: !!set {3}\n", ["'!!set'"], 3),
    ("bad-int-tag", V1 + '  services: !!int ""\n', ["cannot read", "whole number"], 3),
    ("bad-bool-tag", V1 + "  crud_only: !!bool maybe\n", ["cannot read 'maybe'"], 3),
    ("merge-key", "version: 1\n<<: {answers: {}}\n", ["merge keys"], 2),
    ("list-as-key", "version: 1\n? [a, b]\n: 1\n", ["keys must be plain names"], 2),
    ("alias-bomb", BILLION_LAUGHS, ["aliases", "more than"], None),
    (
        "unknown-question",
        V1 + "  services: 3\n  event_per_day: 500\n",
        ["answers.event_per_day", "unknown question", "did you mean events_per_day?"],
        4,
    ),
    (
        "unknown-question-far-off",
        V1 + "  colour_of_bikeshed: red\n",
        ["unknown question 'colour_of_bikeshed'", "known: services"],
        3,
    ),
    (
        "string-for-int",
        V1 + '  services: "3"\n',
        ["answers.services", "'3' is not allowed", "whole number of at least 1"],
        3,
    ),
    (
        "int-for-bool",
        V1 + "  crud_only: 1\n",
        ["answers.crud_only", "1 is not allowed", "true or false"],
        3,
    ),
    (
        "bool-for-int",
        V1 + "  consumers: true\n",
        ["answers.consumers", "True is not allowed", "whole number of at least 0"],
        3,
    ),
    ("float-for-int", V1 + "  services: 2.5\n", ["2.5 is not allowed", "whole number"], 3),
    ("list-for-int", V1 + "  services: [1, 2]\n", ["a list is not allowed"], 3),
    (
        "out-of-domain",
        V1 + "  consistency: sometimes\n",
        ["answers.consistency", "'sometimes'", "one of: strong, eventual, mixed"],
        3,
    ),
    ("wrong-case-enum", V1 + "  broker: Kafka\n", ["'Kafka'", "kafka"], 3),
    (
        "negative-count",
        V1 + "  consumers: -1\n",
        ["answers.consumers", "-1 is not allowed", "at least 0"],
        3,
    ),
    ("zero-services", V1 + "  services: 0\n", ["0 is not allowed", "at least 1"], 3),
    (
        "missing-version",
        "answers:\n  services: 3\n",
        ["'version' is required", "version: 1"],
        1,
    ),
    ("version-2", "version: 2\nanswers: {}\n", ["version 2 is not supported", "version 1"], 1),
    ("version-string", 'version: "1"\nanswers: {}\n', ["version '1' is not supported"], 1),
    ("version-float", "project: x\nversion: 1.0\n", ["version 1.0 is not supported"], 2),
    ("version-bool", "version: true\n", ["version True is not supported"], 1),
    (
        "two-documents",
        "version: 1\nanswers: {}\n---\nversion: 1\n",
        ["single document", "another document"],
        3,
    ),
    (
        "unknown-top-level-key",
        "version: 1\nanswer:\n  services: 3\n",
        ["unknown top-level key 'answer'", "did you mean answers?"],
        2,
    ),
    ("answers-is-a-list", "version: 1\nanswers: [services]\n", ["'answers' is a mapping"], 2),
    (
        "bad-adr-status",
        "version: 1\nadr:\n  status: maybe\n",
        ["adr.status", "'maybe' is not a status", "proposed, accepted"],
        3,
    ),
    (
        "bad-adr-date-word",
        "version: 1\nadr:\n  date: next tuesday\n",
        ["adr.date", "not a date", "YYYY-MM-DD"],
        3,
    ),
    ("bad-adr-date-month", "version: 1\nadr:\n  date: 2026-13-45\n", ["adr.date", "date"], 3),
    ("bad-adr-deciders", "version: 1\nadr:\n  deciders: bob\n", ["'deciders' is a list"], 3),
    ("unknown-adr-field", "version: 1\nadr:\n  titel: X\n", ["did you mean title?"], 3),
]


def _run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _assert_one_clear_error(code: int, out: str, err: str) -> str:
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one message, got {lines}"
    assert lines[0].startswith(ERROR_PREFIX)
    return lines[0]


@pytest.mark.parametrize(
    ("content", "words", "line"), [pytest.param(*case[1:], id=case[0]) for case in CASES]
)
def test_bad_answers_file(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | bytes,
    words: list[str],
    line: int | None,
) -> None:
    path = tmp_path / "answers.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    # bounded work for each of these is proved in test_prove_security (CPU and memory limits)
    message = _assert_one_clear_error(
        *_run_main(["--answers", str(path), "--format", "json"], capsys)
    )
    where = f"{path}:{line}:" if line is not None else f"{path}:"
    assert message.startswith(ERROR_PREFIX + where), message
    for word in words:
        assert word in message


def _cpu_limit(seconds: int) -> Callable[[], None]:
    """A ``preexec_fn`` capping the child's CPU time: work, unlike elapsed time, does not
    grow when the machine is busy."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))

    return limit


def test_alias_bomb_fails_fast_in_a_subprocess(tmp_path: Path) -> None:
    path = tmp_path / "lol.yaml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "edaadvisor", "--answers", str(path), "--format", "json"],
        capture_output=True, text=True, timeout=120, preexec_fn=_cpu_limit(30),
    )  # fmt: skip
    assert proc.returncode == 2, "a run over 30 s of CPU is killed (SIGXCPU), never a pass"
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert "aliases" in proc.stderr


def test_file_over_one_mebibyte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("version: 1\n# " + "x" * (1024 * 1024) + "\n", encoding="utf-8")
    message = _assert_one_clear_error(*_run_main(["--answers", str(path)], capsys))
    assert f"{path}:" in message
    assert "larger than 1024 KiB" in message


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "nope.yaml"
    message = _assert_one_clear_error(*_run_main(["--answers", str(path), "-f", "json"], capsys))
    assert message == f"{ERROR_PREFIX}{path}: no such answers file"


def test_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    message = _assert_one_clear_error(*_run_main(["--answers", str(tmp_path)], capsys))
    assert message == f"{ERROR_PREFIX}{tmp_path}: is a folder, not an answers file"


def test_several_problems_are_each_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(V1 + "  services: -3\n  consistency: maybe\n", encoding="utf-8")
    code, out, err = _run_main(["--answers", str(path), "--format", "json"], capsys)
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert lines == [
        f"{ERROR_PREFIX}{path}:3: answers.services: -3 is not allowed; services takes a whole "
        "number of at least 1",
        f"{ERROR_PREFIX}{path}:4: answers.consistency: 'maybe' is not allowed; consistency "
        "takes one of: strong, eventual, mixed",
    ]


def test_bad_input_writes_no_output_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(V1 + "  consumers: -1\n", encoding="utf-8")
    target = tmp_path / "report.json"
    code, out, _ = _run_main(
        ["--answers", str(path), "--format", "json", "--output", str(target)], capsys
    )
    assert (code, out) == (2, "")
    assert not target.exists()


ORDER = str(EXAMPLES / "order-fulfilment.yaml")


@pytest.mark.parametrize(
    ("assignment", "words"),
    [
        ("services=many", ["--set", "answers.services", "'many'", "whole number"]),
        ("crud_only=1", ["answers.crud_only", "true or false"]),
        ("consumers=-2", ["answers.consumers", "at least 0"]),
        ("consistency=sometimes", ["one of: strong, eventual, mixed"]),
        ("services=2026-13-45", ["answers.services", "whole number"]),
        ("services=!!python/object/apply:os.system [ls]", ["answers.services"]),
        ("event_per_day=300", ["unknown question", "did you mean events_per_day?"]),
        ("services", ["--set takes QUESTION=VALUE"]),
        ("=3", ["--set takes QUESTION=VALUE"]),
    ],
)
def test_set_with_a_bad_value_or_unknown_question(
    capsys: pytest.CaptureFixture[str], assignment: str, words: list[str]
) -> None:
    message = _assert_one_clear_error(
        *_run_main(["--answers", ORDER, "--format", "json", "--set", assignment], capsys)
    )
    for word in words:
        assert word in message


def test_set_changes_the_answer(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run_main(
        ["--answers", ORDER, "--format", "json", "--set", "consistency=strong"], capsys
    )
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["answers"]["consistency"] == "strong"
    assert report["decisions"]["event_driven"]["verdict"] == "advise_against"


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c[0] in {"non-utf8", "duplicate-answer", "python-apply", "version-2"}],
    ids=lambda c: c[0],
)
def test_bad_input_in_a_real_process(tmp_path: Path, case: tuple[Any, ...]) -> None:
    name, content, words, _line = case
    path = tmp_path / f"{name}.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    proc = run_cli("--answers", str(path), "--format", "json")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1
    assert proc.stderr.startswith(f"{ERROR_PREFIX}{path}:")
    for word in words:
        assert word in proc.stderr


# --- hypothesis: mutated answers files never crash the command ------------------------------

SEEDS = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.yaml"))]
SNIPPETS = [
    *HOSTILE_SNIPPETS,
    "",
    "-1",
    "0",
    "1e9",
    "99999999999999999999999",
    "true",
    "no",
    "~",
    "null",
    "[]",
    "{}",
    "[1, [2, [3]]]",
    "'3'",
    '"\\u0000"',
    "!!python/object/apply:os.system [id]",
    "!x 1",
    "&a 1",
    "*a",
    "*nope",
    "2026-13-45",
    "!!int ''",
    "!!bool maybe",
    "!!timestamp x",
    "? x",
    "|\n  block",
    ">-",
    "%YAML 1.1",
    "---",
    "...",
    "\t",
    "a: b: c",
    "[",
    "}",
    "'",
    "\\",
    "#",
    "kafka",
    "strong",
    "non_trivial",
    "<<: {a: 1}",
    "\u00e9\u4e2d\U0001f600",
]


@st.composite
def mutated_files(draw: st.DrawFn) -> bytes:
    return draw(mutated_text(draw(st.sampled_from(SEEDS)), SNIPPETS))


def _check_process(path: Path, content: bytes) -> None:
    path.write_bytes(content)
    proc = run_cli("--answers", str(path), "--format", "json")
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 2), proc.stderr
    if proc.returncode == 0:
        assert len(json.loads(proc.stdout)["decisions"]) == 14
    else:
        assert proc.stdout == ""
        assert proc.stderr.startswith(ERROR_PREFIX)


BATCH = 5
"""Files per example, run as concurrent processes: 5 examples x 5 files = 25 real runs."""


@settings(
    settings.get_profile("edaadvisor-cli-long"),
    max_examples=max(FUZZ_EXAMPLES // BATCH, 1) if FUZZ_EXAMPLES else 5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(contents=st.lists(mutated_files(), min_size=BATCH, max_size=BATCH))
def test_mutated_files_exit_0_or_2_without_traceback(tmp_path: Path, contents: list[bytes]) -> None:
    paths = [tmp_path / f"answers-{i}.yaml" for i in range(len(contents))]
    with ThreadPoolExecutor(max_workers=BATCH) as pool:
        futures = [pool.submit(_check_process, p, c) for p, c in zip(paths, contents, strict=True)]
        for future in futures:
            future.result()


@pytest.mark.parametrize("args", [["--set", "services=3"], ["--format", "json"], ["--interactive"]])
def test_options_that_need_an_answers_file_say_so_instead_of_opening_the_tui(
    args: list[str],
) -> None:
    proc = run_cli(*args)
    assert proc.returncode == 2
    assert "--answers FILE is needed" in proc.stderr
    assert "Traceback" not in proc.stderr
