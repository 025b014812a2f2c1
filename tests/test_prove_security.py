"""Security promises, each as an attack that would succeed if the promise broke.

* A team's ``--template`` runs in Jinja2's sandbox: every escape from the published Jinja2
  sandbox advisories (and their usual variations) is one clear error, exit 2, with nothing of
  Python's internals on stdout, stderr or disk.
* Text from an answers file (project, ``adr.title``, ``adr.deciders``) cannot add HTML, links,
  headings or front-matter keys to the ADR: the front matter parses back to exactly the mapping
  we meant, and the Markdown parses to no HTML and no links but the knowledge base's own.
* YAML tags and alias bombs are refused, in every place edaadvisor reads YAML (answers files,
  ``--set``, knowledge packs, ADRs given to ``check``), within 2 s and 200 MB.
* File names derived from titles stay inside the ADR folder, whatever the title.

Most cases run in-process (``cli.main``) because an uncaught exception fails the test just as a
traceback would; the resource bounds are measured in a subprocess, where memory is the
process's own.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from conftest import EXAMPLES
from edaadvisor.adr.files import next_adr_path
from edaadvisor.adr.text import one_line, slugify
from edaadvisor.cli import main

ORDER = EXAMPLES / "order-fulfilment.yaml"
ORDER_DATA: dict[str, Any] = yaml.safe_load(ORDER.read_text())
ERROR = "edaadvisor: error: "


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        status = main(argv)
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    return status, out, err


# --- templates cannot reach Python internals --------------------------------------------------

# Payloads from the Jinja2 sandbox advisories and the public SSTI cheat sheets:
# CVE-2016-10745 (str.format), CVE-2019-10906 (str.format_map), CVE-2024-56326 (a stored
# reference to str.format), CVE-2025-27516 (|attr('format')), and the classic MRO/globals walks.
ESCAPES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ ().__class__.__bases__[0].__subclasses__() }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ title.__class__.__mro__ }}",
    "{{ groups.__class__.__base__.__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ joiner().__call__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ lipsum.__globals__ }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ lipsum.__builtins__ }}",
    "{{ range.__class__ }}",
    "{{ self.__init__ }}",
    "{{ self.__dict__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ self._TemplateReference__context.cycler.__init__.__globals__.os }}",
    "{{ title.__dict__ }}",
    "{{ groups.__getitem__ }}",
    "{{ title.__getattribute__('__class__') }}",
    "{{ '{0.__class__}'.format(title) }}",
    "{{ '{0.__class__.__mro__}'.format(title) }}",
    "{{ '{0.__globals__}'.format(lipsum) }}",
    "{{ '{x.__class__}'.format_map({'x': title}) }}",
    "{% set f = '{0.__class__.__mro__}'.format %}{{ f(title) }}",
    "{% set fm = '{x.__class__}'.format_map %}{{ fm({'x': title}) }}",
    "{{ ('{0.__class__}'|attr('format'))(title) }}",
    "{{ title|attr('__class__') }}",
    "{{ (title|attr('__class__')).__mro__ }}",
    "{{ lipsum|attr('__glo' ~ 'bals__') }}",
    "{{ ''|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
    "{{ '%s' % title.__class__ }}",
    "{{ '%(a)s'|format(a=title.__class__) }}",
    "{{ [title]|selectattr('__class__')|list }}",
    "{{ [title]|sum(attribute='__class__') }}",
    "{{ [title]|unique(attribute='__class__')|list }}",
    "{{ dict.__init__ }}",
    "{{ config }}",
    "{{ request.application.__globals__ }}",
    "{{ __builtins__ }}",
    "{% include '/etc/passwd' %}",
    "{% import 'os' as os %}{{ os }}",
    "{% extends '/etc/passwd' %}",
    "{{ range(10000000)|list }}",
]
LEAKS = re.compile(
    r"<class |<function |<module |<built-in|__subclasses__\(\)\s*\[|root:x:0:0|uid=\d|"
    r"'os'|posix|subprocess|Traceback"
)


@pytest.mark.parametrize("source", ESCAPES)
def test_template_escape_is_one_clear_error_and_leaks_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str
) -> None:
    template = tmp_path / "team.md.j2"
    template.write_text(f"# Our ADR\nline two\n{source}\n")
    out = tmp_path / "adr.md"
    argv = ["--answers", str(ORDER), "--template", str(template), "--output", str(out)]
    status, stdout, stderr = run_main(argv, capsys)
    assert status == 2, stderr
    assert stdout == "" and not out.exists()
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{ERROR}{template}:3: "), stderr
    assert not LEAKS.search(stderr), stderr


def test_a_real_process_refuses_the_classic_escape(tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    template = tmp_path / "team.md.j2"
    template.write_text(
        "{{ cycler.__init__.__globals__.os.system('touch " + str(marker) + "') }}\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "edaadvisor", "--answers", str(ORDER), "--template",
         str(template)],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert "sandbox forbids" in proc.stderr and "Traceback" not in proc.stderr
    assert not marker.exists()


# --- answers text cannot inject into the ADR ------------------------------------------------

HOSTILE_PARTS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</details>", "<!--", "-->",
    "<b>", "[x](javascript:alert(1))", "[x]: https://evil.example", "[x][x]",
    "![i](https://evil.example/i.png)", "<https://evil.example>", "https://evil.example",
    "www.evil.example", "mallory@evil.example", "\n---\n", "---", "...", "\n# ", "# ", "## ",
    "\n- ", "- ", "1. ", "1) ", "> ", "```", "~~~", "    ", "|", "&amp;", "&#60;", "&lt;", "\\",
    "`", "*", "**", "_", "__", "=", "===", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\t",
    "\x00", "\x1b[31m", "\x7f", '"', "'", ": ", "{", "}", "[", "]", "!!python/object:os.system",
    "&a ", "*a", "%YAML", "@", "#", "\ufeff", "\u202e", " ", "status: accepted",
    "edaadvisor: {}", "verdicts: {}", "\n  answers: {}", "$x$", "~~s~~", "Café ☕", "中文",
]
hostile_text = (
    st.lists(st.sampled_from(HOSTILE_PARTS) | st.text(max_size=4), min_size=1, max_size=8)
    .map("".join)
    .filter(lambda s: bool(one_line(s)) and len(s.strip()) <= 200)
)


def _front_and_body(text: str) -> tuple[dict[str, Any], str]:
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert match, "the ADR still starts with front matter"
    data = yaml.safe_load(match.group(1))
    assert isinstance(data, dict)
    return data, text[match.end() :]


def _markdown_shape(body: str) -> tuple[list[str], list[str], list[str]]:
    """(block token types, link targets, html tokens) as a Markdown renderer reads them."""
    tokens = MarkdownIt("commonmark").parse(body)
    blocks = [t.type for t in tokens]
    links: list[str] = []
    html: list[str] = [t.content for t in tokens if t.type == "html_block"]
    for tok in tokens:
        for child in tok.children or []:
            if child.type == "link_open":
                links.append(str(child.attrs.get("href")))
            elif child.type == "image":
                links.append(str(child.attrs.get("src")))
            elif child.type == "html_inline":
                html.append(child.content)
    return blocks, links, html


def _write_answers(folder: Path, project: str, title: str, deciders: list[str]) -> Path:
    data = dict(ORDER_DATA)
    data["project"] = project
    data["adr"] = {"title": title, "deciders": deciders, "date": "2026-11-29"}
    path = folder / "answers.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def clean_shape(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The ADR's Markdown shape with harmless text: what a hostile render must equal."""
    folder = tmp_path_factory.mktemp("clean")
    answers = _write_answers(folder, "Plain", "Plain title", ["Plain Name"])
    shapes: dict[str, Any] = {}
    for template in ("madr", "nygard"):
        out = folder / f"{template}.md"
        assert main(["--answers", str(answers), "--template", template, "--output", str(out)]) == 0
        text = out.read_text()
        body = _front_and_body(text)[1] if template == "madr" else text
        shapes[template] = _markdown_shape(body)
    return shapes


@settings(
    max_examples=int(os.environ.get("EDAADVISOR_FUZZ_EXAMPLES", "0") or 0) or 40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(project=hostile_text, title=hostile_text, decider=hostile_text)
def test_answers_text_cannot_inject_html_links_headings_or_front_matter(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    clean_shape: dict[str, Any],
    project: str,
    title: str,
    decider: str,
) -> None:
    folder = tmp_path_factory.mktemp("hostile")
    answers = _write_answers(folder, project, title, [decider, "Plain Name"])
    madr, nygard = folder / "madr.md", folder / "nygard.md"
    status, _, err = run_main(["--answers", str(answers), "--output", str(madr)], capsys)
    # the answers file itself may refuse text (e.g. a title over 200 characters once decoded);
    # that is a clean refusal, and the strategy keeps those rare
    assume(status == 0)
    assert err == ""
    front, body = _front_and_body(madr.read_text())
    assert list(front) == ["status", "date", "decision-makers", "edaadvisor"]
    assert front["status"] == "proposed"
    assert str(front["date"]) == "2026-11-29"
    assert front["decision-makers"] == [one_line(decider), "Plain Name"]
    assert front["edaadvisor"]["answers"] == ORDER_DATA["answers"]
    blocks, links, html = _markdown_shape(body)
    assert html == [], "no HTML reaches a renderer"
    assert links == clean_shape["madr"][1], "every link is the knowledge base's own"
    assert blocks == clean_shape["madr"][0], "no heading, list or break was added"

    status, _, err = run_main(
        ["--answers", str(answers), "--template", "nygard", "--output", str(nygard)], capsys
    )
    assert status == 0, err
    text = nygard.read_text()
    blocks, links, html = _markdown_shape(text)
    assert blocks == clean_shape["nygard"][0] and links == clean_shape["nygard"][1]
    (comment,) = html  # the provenance comment, and it closes only at the very end
    assert comment.startswith("<!-- edaadvisor provenance") and text.endswith("-->\n")
    recorded = yaml.safe_load(comment.split("\n", 1)[1].removesuffix("-->\n"))
    assert recorded["edaadvisor"]["answers"] == ORDER_DATA["answers"]

    # and the ADR still reads back for `edaadvisor check`: nothing was broken on the way
    status, out, err = run_main(["check", str(madr), str(nygard)], capsys)
    assert status == 0, err
    assert out.count("14 verdicts still hold") == 2


# --- YAML tags and alias bombs, in every place YAML is read ------------------------------------

PAIRS = list(zip("abcdefgh", "bcdefghi", strict=True))
LAUGHS = [
    'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    *(f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]" for p, n in PAIRS),
]
BOMB = "\n".join(LAUGHS)  # 9**9 = 387,420,489 strings once expanded
FLOW_BOMB = (  # the same bomb on one line, for --set
    "[&a [lol, lol, lol, lol, lol, lol, lol, lol, lol], "
    + ", ".join(f"&{n} [{', '.join([f'*{p}'] * 9)}]" for p, n in PAIRS)
    + "]"
)
DEEP = "[" * 3000 + "]" * 3000
PWN = "!!python/object/apply:os.system ['touch {marker}']"

MEASURED = textwrap.dedent(
    """
    import json, resource, sys, tracemalloc
    # a runaway is cut off at 1 GiB (MemoryError, a traceback the test sees) instead of
    # swapping the CI machine, and at 60 s of CPU (SIGXCPU: no MEASURED line, the test fails):
    # CPU time, not elapsed time, so a busy machine cannot make it fail; a bounded run needs
    # well under a second of it
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    resource.setrlimit(resource.RLIMIT_CPU, (60, 60))
    from edaadvisor.cli import main
    # Python's own allocation peak: ru_maxrss would not do, since Linux carries a forked
    # child's peak over from its parent (a big pytest process) across exec
    tracemalloc.start()
    try:
        status = main(sys.argv[1:])
    except SystemExit as exc:
        status = exc.code
    peak = tracemalloc.get_traced_memory()[1]
    sys.stderr.flush()
    print("MEASURED " + json.dumps({"status": status, "bytes": peak}))
    """
)


def _answers(extra: str) -> str:
    return f"version: 1\n{extra}\nanswers:\n  services: 3\n"


def _adr(front: str) -> str:
    return f"---\nstatus: proposed\n{front}\nedaadvisor:\n  answers: {{services: 3}}\n" \
        "  verdicts: {event_driven: recommend}\n---\n# x\n"


# (id, where the payload goes, file text or --set value, words the error must contain)
ATTACKS: list[tuple[str, str, str, str]] = [
    ("answers-bomb", "answers", _answers(BOMB), "aliases"),
    ("answers-bomb-in-answers", "answers", f"version: 1\n{BOMB}\nanswers: *i\n", "aliases"),
    ("answers-deep", "answers", _answers(f"project: {DEEP}"), "nest"),
    ("answers-python-tag", "answers", _answers(f"project: {PWN}"), "not allowed"),
    ("answers-python-name", "answers", _answers("project: !!python/name:os.system"), "tag"),
    ("set-bomb", "set", f"services={FLOW_BOMB}", "services"),
    ("set-python-tag", "set", f"services={PWN}", "services"),
    ("set-deep", "set", f"services={DEEP}", "services"),
    ("pack-bomb", "pack", f"{BOMB}\nrules: *i\n", "aliases"),
    ("pack-deep", "pack", f"rules: {DEEP}\n", "nest"),
    ("pack-python-tag", "pack", f"rules:\n  - {PWN}\n", "not allowed"),
    ("lint-bomb", "lint", f"{BOMB}\nrules: *i\n", "aliases"),
    ("lint-python-tag", "lint", f"red_flags: {PWN}\n", "not allowed"),
    ("check-bomb-in-verdicts", "check", _adr(BOMB).replace("event_driven: recommend",
                                                           "event_driven: *i"), "aliases"),
    ("check-bomb-in-answers", "check", _adr(BOMB).replace("{services: 3}", "*i"), "aliases"),
    ("check-deep", "check", _adr(f"x: {DEEP}"), "nest"),
    ("check-python-tag", "check", _adr(f"x: {PWN}"), "not allowed"),
    ("check-nygard-bomb", "check", "# 1. x\n\n<!-- edaadvisor provenance\n" + BOMB
     + "\nedaadvisor: {answers: *i, verdicts: *i}\n-->\n", "aliases"),
]


def _argv(where: str, payload: str, folder: Path) -> list[str]:
    if where == "answers":
        (folder / "answers.yaml").write_text(payload)
        return ["--answers", str(folder / "answers.yaml"), "--format", "json"]
    if where == "set":
        return ["--answers", str(ORDER), "--format", "json", "--set", payload]
    if where in ("pack", "lint"):
        pack = folder / "pack"
        pack.mkdir()
        (pack / "pack.yaml").write_text("name: hostile\nversion: '1'\n")
        (pack / "rules.yaml").write_text(payload)
        if where == "lint":
            return ["kb", "lint", str(pack)]
        return ["--answers", str(ORDER), "--format", "json", "--knowledge", str(pack)]
    (folder / "0001-x.md").write_text(payload)
    return ["check", str(folder / "0001-x.md")]


@pytest.mark.parametrize(("where", "payload", "words"), [a[1:] for a in ATTACKS],
                         ids=[a[0] for a in ATTACKS])
def test_yaml_tags_bombs_and_depth_are_refused_in_bounded_cpu_and_memory(
    tmp_path: Path, where: str, payload: str, words: str
) -> None:
    marker = tmp_path / "PWNED"
    payload = payload.replace("{marker}", str(marker))
    proc = subprocess.run(
        [sys.executable, "-c", MEASURED, *_argv(where, payload, tmp_path)],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    *output, measured_line = proc.stdout.splitlines()
    measured = json.loads(measured_line.removeprefix("MEASURED "))
    assert measured["status"] == 2, proc.stderr
    assert words in proc.stderr, proc.stderr
    assert output == [], "nothing on stdout but our measurement"
    assert not marker.exists(), "no tag was ever constructed"
    assert measured["bytes"] < 200 * 1024 * 1024, measured


# --- file names derived from titles stay inside the ADR folder --------------------------------

TITLES = [
    "../../etc/passwd",
    "..\\..\\windows\\system32",
    "/etc/passwd",
    "C:\\Windows\\evil",
    "~/.ssh/authorized_keys",
    "a\x00b",
    "..",
    ".",
    "-rf --no-preserve-root",
    "x" * 200,
    "Événements: «sagas» & CQRS ☕",
    "中文标题",
    "\u202egnp.exe",
    "CON",
    "%2e%2e%2fetc",
    "0001-existing.md",
    "title\nwith: newline",
]
SAFE_NAME = re.compile(r"^\d{4}-[a-z0-9]+(?:-[a-z0-9]+)*\.md$")


@pytest.mark.parametrize("title", TITLES)
def test_adr_file_names_from_titles_stay_inside_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], title: str
) -> None:
    folder = tmp_path / "repo" / "docs" / "decisions"
    folder.mkdir(parents=True)
    data = dict(ORDER_DATA, adr={"title": title, "date": "2026-11-29"})
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(data, allow_unicode=False))
    argv = ["--answers", str(answers), "--adr-dir", str(folder), "--single"]
    status, out, err = run_main(argv, capsys)
    assert status == 0, err
    (written,) = folder.iterdir()
    assert SAFE_NAME.fullmatch(written.name) and len(written.name) <= 70, written.name
    assert out.strip().endswith(written.name)
    everything = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert everything == [
        "answers.yaml", "repo", "repo/docs", "repo/docs/decisions",
        f"repo/docs/decisions/{written.name}",
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_title_gives_a_safe_name_in_the_folder(title: str) -> None:
    folder = Path("/srv/repo/docs/decisions")
    _, path = next_adr_path(folder, title)
    assert path.parent == folder
    assert SAFE_NAME.fullmatch(path.name), path.name
    assert len(slugify(title)) <= 60
