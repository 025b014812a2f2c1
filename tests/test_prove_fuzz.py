"""Fuzzed knowledge packs and ADR files: no traceback, exit 0, 1 or 2, nothing written on error.

Answers files are fuzzed in ``test_cli_errors.py`` and ``test_core_answers.py``; this module
covers the other two inputs people hand to edaadvisor:

* knowledge packs (``--knowledge DIR`` and ``edaadvisor kb lint DIR``), generated from the
  shipped knowledge's and the example pack's own YAML, mutated line by line and byte by byte,
  or built from random structures shaped like knowledge files;
* ADR files for ``edaadvisor check``, from the committed example ADRs (MADR) and a Nygard
  render, with front matter, provenance and bytes mutated.

Most examples run in-process through ``edaadvisor.cli.main`` (an uncaught exception fails the
test just as a traceback would, at a fraction of the cost of a process); a bounded sample runs
the real command in a subprocess, because stderr is what a user sees.

CI runs a few dozen examples per test. ``EDAADVISOR_FUZZ_EXAMPLES=5000 pytest
tests/test_prove_fuzz.py`` runs that many per test instead (the long-run mode).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, REPO, run_cli
from edaadvisor.cli import main
from edaadvisor.core.terminal import UNSAFE
from mutation import HOSTILE_SNIPPETS, mutated_text

FUZZ_EXAMPLES = int(os.environ.get("EDAADVISOR_FUZZ_EXAMPLES", "0") or 0)
settings.register_profile(
    "edaadvisor-prove-long", max_examples=max(FUZZ_EXAMPLES, 1), deadline=None
)


def fuzz_settings(ci_examples: int) -> settings:
    """``ci_examples`` in CI; EDAADVISOR_FUZZ_EXAMPLES per test in the long-run mode."""
    return settings(
        settings.get_profile("edaadvisor-prove-long"),
        max_examples=FUZZ_EXAMPLES or ci_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


ORDER = str(EXAMPLES / "order-fulfilment.yaml")
PREFIXES = ("edaadvisor: error: ", "edaadvisor check: error: ", "edaadvisor check: note: ")


@pytest.fixture(autouse=True, scope="module")
def _private_cache() -> Iterator[None]:
    """Fuzzed packs must not fill the user's knowledge cache, in-process or in subprocesses."""
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        patch.setenv("EDAADVISOR_CACHE_DIR", folder)
        yield


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse usage errors exit 2 by themselves
        status = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    return status, out, err


def assert_plain_errors(err: str) -> None:
    assert "Traceback" not in err, err
    for line in err.split("\n")[:-1] if err else []:
        assert line.startswith(PREFIXES), f"not one of our error lines: {line!r}\n{err}"
        # a raw control character from a fuzzed key would break the line or drive the terminal
        assert line.isprintable(), f"unprintable character in {line!r}"
        assert not UNSAFE.search(line), f"terminal control in {line!r}"


# --- mutation machinery ---------------------------------------------------------------------

SNIPPETS = [
    "",
    "~",
    "null",
    "true",
    "no",
    "0",
    "-1",
    "1e999",
    "99999999999999999999",
    "[]",
    "{}",
    "[1, [2, [3]]]",
    "'x'",
    '"\\u0000"',
    "!!python/object/apply:os.system [id]",
    "!x 1",
    "&a 1",
    "*a",
    "*nope",
    "<<: {a: 1}",
    "2026-13-45",
    "!!int ''",
    "!!set {a}",
    "? x",
    "|\n  b",
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
    "é中😀",
    "recommend",
    "advise_against",
    "consider",
    "not_applicable",
    "strong",
    "eventual",
    "kafka",
    "none",
    "simple",
    "non_trivial",
    "services",
    "event_driven",
    "saga",
    "{answer: services, ge: 2}",
    "{topic: event_driven, is: recommend}",
    "{always: true}",
    "{all: []}",
    "{any: [{answer: nope, eq: 1}]}",
    "{not: {not: {always: true}}}",
    "{answer: broker, in: [kafka, nope]}",
    "replaces: true",
    "id: event_driven",
    "id: orch.small-simple-workflow",
    "topic: nowhere",
    "verdict: maybe",
    "{answer: services, ge: " + "9" * 30 + "}",
    *HOSTILE_SNIPPETS,
]


def mutated(text: str, *, lines_only: tuple[int, int] | None = None) -> st.SearchStrategy[bytes]:
    return mutated_text(text, SNIPPETS, lines_only=lines_only)


# --- knowledge packs ----------------------------------------------------------------------

POLICY = {p.name: p.read_text() for p in sorted((EXAMPLES / "policy-pack").glob("*.yaml"))}
SHIPPED = {
    str(p.relative_to(REPO / "knowledge")): p.read_text()
    for p in sorted((REPO / "knowledge").rglob("*.yaml"))
    if p.name != "knowledge.yaml"
}
PACK_META = POLICY["pack.yaml"]

IDS = st.sampled_from(
    ["event_driven", "saga", "services", "broker", "x", "orch.small-simple-workflow"]
)
HOSTILE_TEXT = st.text(
    alphabet=st.characters(codec="utf-8") | st.sampled_from("\x1b\x9b\u202e\u2066\x07\r"),
    max_size=12,
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-5, 10**6)
    | st.integers(-(10**40), 10**40)
    | st.text(max_size=12)
    | HOSTILE_TEXT
    | IDS
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "topic",
                    "verdict",
                    "when",
                    "answer",
                    "in",
                    "ge",
                    "all",
                    "any",
                    "not",
                    "summary",
                    "rationale",
                    "type",
                    "values",
                    "replaces",
                    "title",
                ]
            )
            | st.text(max_size=6),
            inner,
            max_size=5,
        )
    ),
    max_leaves=20,
)
RANDOM_FILE = st.dictionaries(
    st.sampled_from(["questions", "topics", "rules", "red_flags", "name", "version"]),
    st.lists(VALUES, max_size=3) | VALUES,
    max_size=4,
).map(lambda d: yaml.safe_dump(d, allow_unicode=True).encode("utf-8"))


@st.composite
def data_mutated(draw: st.DrawFn) -> bytes:
    """A real knowledge file with one field of one item changed: valid YAML, so the loader's
    and the linter's checks (schema, references, clashes, cycles) are what get exercised."""
    pool = draw(st.sampled_from([SHIPPED, POLICY]))
    data = yaml.safe_load(pool[draw(st.sampled_from(sorted(k for k in pool if k != "pack.yaml")))])
    for _ in range(draw(st.integers(1, 3))):
        kinds = sorted(
            k
            for k in ("questions", "topics", "rules", "red_flags", "conflicts", "brokers")
            if data.get(k)
        )
        kind = draw(st.sampled_from(kinds))
        item = draw(st.sampled_from(data[kind]))
        field = draw(st.sampled_from(sorted(item)) | st.text(max_size=6))
        if draw(st.integers(0, 4)) == 0:
            item.pop(field, None)
        else:
            item[field] = draw(VALUES | st.sampled_from(SNIPPETS))
    if draw(st.booleans()):
        # ids the shipped knowledge already uses clash unless they replace a rule
        for kind in ("rules", "red_flags", "conflicts", "brokers"):
            for item in data.get(kind, []):
                item["replaces"] = True
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


@st.composite
def pack_files(draw: st.DrawFn) -> dict[str, bytes]:
    """A pack folder's files: pack.yaml (usually sane) plus 1-3 rule files of any origin."""
    files: dict[str, bytes] = {}
    meta = draw(st.sampled_from(["keep", "keep", "keep", "mutate", "missing", "random"]))
    if meta == "keep":
        files["pack.yaml"] = PACK_META.encode()
    elif meta == "mutate":
        files["pack.yaml"] = draw(mutated(PACK_META))
    elif meta == "random":
        files["pack.yaml"] = draw(RANDOM_FILE)
    for n in range(draw(st.integers(1, 3))):
        origin = draw(
            st.sampled_from(
                ["policy", "shipped", "random", "policy-mutated", "data", "data", "special"]
            )
        )
        if origin == "special":
            content = draw(st.sampled_from(SPECIAL_FILES))
        elif origin == "random":
            content = draw(RANDOM_FILE)
        elif origin == "data":
            content = draw(data_mutated())
        else:
            pool = SHIPPED if origin == "shipped" else POLICY
            name = draw(st.sampled_from(sorted(k for k in pool if k != "pack.yaml")))
            text = pool[name]
            if origin == "shipped" and draw(st.booleans()):
                # a shipped item re-declared as an override, which is legal for rules only
                text = text.replace("  - id:", "  - replaces: true\n    id:", 1)
            content = draw(mutated(text)) if origin != "policy" else text.encode()
        files[f"{'sub/' if n == 2 else ''}part{n}.yaml"] = content
    return files


SPECIAL_FILES = [b"<fifo>", b"<link:/dev/zero>", b"<link:.>", b"<link:/>", b"<link:part0.yaml>"]
"""Markers ``write_pack`` turns into a FIFO or a symbolic link instead of a file."""


def write_pack(folder: Path, files: dict[str, bytes]) -> Path:
    for name, content in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if content == b"<fifo>":
            os.mkfifo(target)
        elif content.startswith(b"<link:"):
            target.symlink_to(content[6:-1].decode())
        else:
            target.write_bytes(content)
    return folder


def check_pack_run(status: int, out: str, err: str, output: Path) -> None:
    assert_plain_errors(err)
    assert status in (0, 2), err
    if status == 0:
        assert err == "" and out == ""
        assert len(json.loads(output.read_text())["decisions"]) >= 14
    else:
        assert not output.exists(), "nothing is written when the input is refused"
        assert out == ""


def check_lint_run(status: int, out: str, err: str) -> None:
    assert_plain_errors("\n".join(line for line in err.splitlines() if "finding(s)" not in line))
    assert status in (0, 1, 2), err
    if status == 1:
        assert out.strip() and err.strip().endswith("finding(s)")
    elif status == 2:
        assert out == "" and err


@fuzz_settings(40)
@given(files=pack_files())
def test_fuzzed_packs_give_advice_or_a_plain_error_and_write_nothing_on_error(
    capsys: pytest.CaptureFixture[str], files: dict[str, bytes]
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        pack = write_pack(Path(scratch) / "pack", files)
        output = Path(scratch) / "out" / "report.json"
        output.parent.mkdir()
        argv = [
            "--answers",
            ORDER,
            "--knowledge",
            str(pack),
            "--format",
            "json",
            "--output",
            str(output),
        ]
        result = run_main(argv, capsys)
        check_pack_run(*result, output)
        lint = run_main(["kb", "lint", str(pack)], capsys)
        check_lint_run(*lint)
        # --hypothesis-show-statistics shows the mix, so a generator that only makes junk shows
        event(f"advice exit {result[0]}, lint exit {lint[0]}")
        assert sorted(p.name for p in output.parent.iterdir()) in ([], ["report.json"])


def test_the_unmutated_policy_pack_is_a_seed_that_works(capsys: pytest.CaptureFixture[str]) -> None:
    """Guards the generator: if the seed itself broke, every fuzz example would be an error."""
    with tempfile.TemporaryDirectory() as scratch:
        pack = write_pack(Path(scratch), {k: v.encode() for k, v in POLICY.items()})
        output = Path(scratch) / "report.json"
        status, _, err = run_main(
            [
                "--answers",
                ORDER,
                "--knowledge",
                str(pack),
                "--format",
                "json",
                "--output",
                str(output),
            ],
            capsys,
        )
        assert status == 0, err
        assert run_main(["kb", "lint", str(pack)], capsys)[0] == 0


BATCH = 4


@fuzz_settings(3)
@given(packs=st.lists(pack_files(), min_size=BATCH, max_size=BATCH))
def test_fuzzed_packs_in_a_real_process(packs: list[dict[str, bytes]]) -> None:
    """3 examples x 4 packs x 2 commands = 24 real runs, as concurrent processes."""
    with tempfile.TemporaryDirectory() as scratch:

        def one(index: int) -> None:
            pack = write_pack(Path(scratch) / f"pack{index}", packs[index])
            output = Path(scratch) / f"report{index}.json"
            proc = run_cli(
                "--answers",
                ORDER,
                "--knowledge",
                str(pack),
                "--format",
                "json",
                "--output",
                str(output),
            )
            check_pack_run(proc.returncode, proc.stdout, proc.stderr, output)
            proc = run_cli("kb", "lint", str(pack))
            check_lint_run(proc.returncode, proc.stdout, proc.stderr)

        with ThreadPoolExecutor(max_workers=BATCH) as pool:
            for future in [pool.submit(one, i) for i in range(BATCH)]:
                future.result()


# --- combinatorial packs: what-if and lint must stay bounded ---------------------------------

INT_QUESTIONS = ["services", "partitions", "teams", "consumers", "workflow_participants"]


@st.composite
def combinatorial_packs(draw: st.DrawFn) -> dict[str, bytes]:
    """Valid packs shaped to make what-if and lint combinatorial (issue 11): many rules on one
    topic with alternating verdicts, ``in:`` lists of up to 1,600 values and thresholds past
    them, over pairs of integer questions (a product search over such pairs took minutes)."""
    rules = []
    for i in range(draw(st.integers(2, 24))):
        first, second = draw(st.permutations(INT_QUESTIONS))[:2]
        size = draw(st.sampled_from([1, 10, 200, 1600]))
        start = draw(st.integers(1, 5000))
        tests = [
            {"answer": first, "ge": start + size + draw(st.integers(0, 10))},
            {"answer": second, "in": list(range(start, start + size))},
        ]
        rules.append(
            {
                "id": f"wide.r{i}",
                "topic": draw(st.sampled_from(["event_driven", "event_driven", "cqrs"])),
                "verdict": ["recommend", "advise_against"][i % 2],
                "when": {"all": tests} if draw(st.booleans()) else {"any": tests},
                "summary": f"Wide rule {i}.",
                "rationale": "Generated to make the search combinatorial.",
                "references": [{"section": "Events"}],
            }
        )
    text = yaml.safe_dump({"rules": rules}, sort_keys=False, width=1 << 20)
    return {"pack.yaml": b"name: wide\nversion: '1'\n", "rules.yaml": text.encode()}


def _cpu_and_memory_capped() -> None:
    # work, not elapsed time: a busy machine slows the run but cannot make it fail; a search
    # that grows with a product of value lists is killed by the kernel (a negative status)
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (20, 20))
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@settings(fuzz_settings(3), phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(pack=combinatorial_packs())
def test_combinatorial_packs_give_what_if_and_lint_in_bounded_work(
    pack: dict[str, bytes],
) -> None:
    import subprocess
    import sys

    with tempfile.TemporaryDirectory() as scratch:
        folder = write_pack(Path(scratch) / "pack", pack)
        for argv, allowed in (
            (["--answers", ORDER, "--knowledge", str(folder), "--format", "json"], (0, 2)),
            (["kb", "lint", str(folder)], (0, 1, 2)),
        ):
            proc = subprocess.run(
                [sys.executable, "-m", "edaadvisor", *argv],
                capture_output=True, text=True, timeout=900, preexec_fn=_cpu_and_memory_capped,
            )  # fmt: skip
            assert proc.returncode in allowed, (argv[0], proc.returncode, proc.stderr[-500:])
            if argv[0] == "kb":
                check_lint_run(proc.returncode, proc.stdout, proc.stderr)
            else:
                assert_plain_errors(proc.stderr)
                if proc.returncode == 0:  # said plainly when the search stopped early
                    assert "what_if_complete" in json.loads(proc.stdout)


WIDE_RULES = [  # found by the fuzzer: (topic, verdict, all/any, (q, ge), (q, first, count))
    ("cqrs", "recommend", "any", ("partitions", 5155), ("workflow_participants", 4948, 200)),
    ("event_driven", "advise_against", "all",
     ("workflow_participants", 3733), ("services", 2125, 1600)),
    ("cqrs", "recommend", "all", ("consumers", 2837), ("workflow_participants", 1234, 1600)),
    ("cqrs", "advise_against", "all", ("workflow_participants", 528), ("consumers", 525, 1)),
    ("cqrs", "recommend", "any", ("services", 6479), ("teams", 4873, 1600)),
    ("event_driven", "advise_against", "all",
     ("consumers", 2704), ("workflow_participants", 1099, 1600)),
]  # fmt: skip


def _five_cpu_seconds_and_1_gib() -> None:
    # the shipped knowledge's what-if takes milliseconds; six rules get a thousand times that
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (5, 5))
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def test_a_six_rule_wide_pack_gives_what_if_in_bounded_work(tmp_path: Path) -> None:
    import subprocess
    import sys

    rules = [
        {
            "id": f"wide.r{i}", "topic": topic, "verdict": verdict,
            "when": {how: [{"answer": q, "ge": ge}, {"answer": p, "in": list(range(a, a + n))}]},
            "summary": "Wide.", "rationale": "Wide.", "references": [{"section": "Events"}],
        }
        for i, (topic, verdict, how, (q, ge), (p, a, n)) in enumerate(WIDE_RULES)
    ]  # fmt: skip
    pack = write_pack(
        tmp_path / "pack",
        {"pack.yaml": b"name: wide\nversion: '1'\n",
         "rules.yaml": yaml.safe_dump({"rules": rules}, sort_keys=False, width=1 << 20).encode()},
    )  # fmt: skip
    proc = subprocess.run(
        [sys.executable, "-m", "edaadvisor", "-a", ORDER, "-k", str(pack), "-f", "json"],
        capture_output=True, text=True, timeout=900, preexec_fn=_five_cpu_seconds_and_1_gib,
    )  # fmt: skip
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-300:])
    assert_plain_errors(proc.stderr)


def test_a_pack_file_that_cannot_be_read_is_a_plain_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = write_pack(tmp_path / "pack", {"pack.yaml": PACK_META.encode()})
    (pack / "rules.yaml").symlink_to(tmp_path / "gone.yaml")
    for argv in (["--answers", ORDER, "--knowledge", str(pack)], ["kb", "lint", str(pack)]):
        status, out, err = run_main(argv, capsys)
        assert status == 2 and out == ""
        assert_plain_errors(err)
        assert "rules.yaml" in err


# --- ADR files for `edaadvisor check` ------------------------------------------------------------


def _nygard() -> str:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "nygard.md"
        code = main(["--answers", ORDER, "--template", "nygard", "--output", str(out)])
        assert code == 0
        return out.read_text()


ADRS = {p.name: p.read_text() for p in sorted((EXAMPLES / "adr").glob("*.md"))}
ADRS["nygard.md"] = _nygard()


def _provenance_lines(text: str) -> tuple[int, int]:
    """The line range holding the YAML edaadvisor reads back (front matter or comment)."""
    lines = text.split("\n")
    if lines[0] == "---":
        return 1, lines.index("---", 1) - 1
    start = next(i for i, line in enumerate(lines) if line.startswith("<!-- edaadvisor"))
    return start + 1, len(lines) - 3


@st.composite
def adr_files(draw: st.DrawFn) -> bytes:
    name = draw(st.sampled_from(sorted(ADRS)))
    text = ADRS[name]
    kind = draw(st.sampled_from(["provenance", "anywhere", "answers", "verdicts", "framing"]))
    if kind == "provenance":
        return draw(mutated(text, lines_only=_provenance_lines(text)))
    if kind == "anywhere":
        return draw(mutated(text))
    if kind in ("answers", "verdicts"):
        # a plausible edit: one recorded answer or verdict set to another value
        data = _recorded(text)
        table = data[kind]
        key = draw(st.sampled_from(sorted(table)))
        table[key] = draw(VALUES | st.sampled_from(SNIPPETS))
        if draw(st.booleans()):
            table[draw(st.text(max_size=8))] = draw(SCALARS)
        block = yaml.safe_dump({"edaadvisor": data}, allow_unicode=True, sort_keys=False)
        lo, hi = _provenance_lines(text)
        lines = text.split("\n")
        start = next(i for i in range(lo, hi + 1) if lines[i].startswith("edaadvisor:"))
        return "\n".join([*lines[:start], block.rstrip("\n"), *lines[hi + 1 :]]).encode()
    framing = draw(st.sampled_from(["crlf", "bom", "truncate", "no-close", "double", "empty"]))
    if framing == "crlf":
        return text.replace("\n", "\r\n").encode()
    if framing == "bom":
        return b"\xef\xbb\xbf" + text.encode()
    if framing == "truncate":
        return text.encode()[: draw(st.integers(0, len(text.encode())))]
    if framing == "no-close":
        return text.replace("\n---\n", "\n", 1).replace("-->", "", 1).encode()
    if framing == "double":
        return (text + text).encode()
    return b""


def _recorded(text: str) -> dict[str, Any]:
    lo, hi = _provenance_lines(text)
    block = "\n".join(text.split("\n")[lo : hi + 1])
    data = yaml.safe_load(block)
    return dict(data["edaadvisor"])


def check_check_run(status: int, out: str, err: str, path: Path) -> None:
    assert_plain_errors(err)
    assert status in (0, 1, 2), err
    if status == 0:
        assert out == f"{path}: 14 verdicts still hold\n" or out == ""
    elif status == 1:
        assert out.startswith(f"{path}: drifted")
    else:
        assert out == "" and err


@fuzz_settings(60)
@given(content=adr_files(), skip=st.booleans())
def test_fuzzed_adrs_hold_drift_or_are_a_plain_error(
    capsys: pytest.CaptureFixture[str], content: bytes, skip: bool
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "0001-decision.md"
        path.write_bytes(content)
        argv = ["check", *(["--skip-unmarked"] if skip else []), str(path)]
        result = run_main(argv, capsys)
        check_check_run(*result, path)
        event(f"check exit {result[0]}")
        assert [p.name for p in Path(scratch).iterdir()] == ["0001-decision.md"]
        assert path.read_bytes() == content, "check never rewrites an ADR"


def test_the_adr_seeds_hold(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Guards the generator: every unmutated seed passes, so drift and errors come from edits."""
    for name, text in ADRS.items():
        path = tmp_path / name
        path.write_text(text)
        assert run_main(["check", str(path)], capsys)[0] == 0, name


@fuzz_settings(3)
@given(contents=st.lists(adr_files(), min_size=BATCH, max_size=BATCH))
def test_fuzzed_adrs_in_a_real_process(contents: list[bytes]) -> None:
    """3 examples x 4 ADRs = 12 real runs of `edaadvisor check`."""
    with tempfile.TemporaryDirectory() as scratch:

        def one(index: int) -> None:
            path = Path(scratch) / f"{index:04d}-decision.md"
            path.write_bytes(contents[index])
            proc = run_cli("check", str(path))
            check_check_run(proc.returncode, proc.stdout, proc.stderr, path)

        with ThreadPoolExecutor(max_workers=BATCH) as pool:
            for future in [pool.submit(one, i) for i in range(BATCH)]:
                future.result()
