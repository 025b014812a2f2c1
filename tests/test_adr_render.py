"""The ADR as a reader and a Markdown renderer see it: structure, wording, safety, determinism."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from conftest import EXAMPLES, run_cli
from edaadvisor.adr.render import TemplateError, adr_title, render_adr
from edaadvisor.core import Knowledge, build_report, load_answers_file, load_knowledge
from edaadvisor.core.answers import AdrMeta
from edaadvisor.core.report import Report
from edaadvisor.core.terminal import UNSAFE

MADR_SECTIONS = [
    "Context and Problem Statement",
    "Decision Drivers",
    "Considered Options",
    "Decision Outcome",
    "Pros and Cons of the Options",
    "Red Flags to Watch",
    "More Information",
]
NYGARD_SECTIONS = ["Status", "Context", "Decision", "Consequences"]
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
REGENERATE = (
    "examples/adr/ differs from a fresh render. If the change is intended, regenerate with\n"
    '  for f in examples/*.yaml; do .venv/bin/edaadvisor --answers "$f" '
    '--output "examples/adr/$(basename "$f" .yaml).md" --force; done\n'
    "and review the diff."
)
HOSTILE = [
    "</details><script>alert(1)</script>",
    "[x](javascript:alert(1))",
    '"\n---\nstatus: accepted',
    "--> <!-- ![img](https://evil.example/x.png) www.evil.example a@b.example",
    "# heading\n- list\n1. item\n> quote\n```\ncode",
    "*bold* _em_ `code` <b>b</b> &amp; \\",
]


def report_for(knowledge: Knowledge, path: Path) -> Report:
    return build_report(knowledge, load_answers_file(path, knowledge))


def with_meta(report: Report, *, project: str | None = None, **meta: object) -> Report:
    answers_file = report.answers_file.replace(
        project=project if project is not None else report.answers_file.project,
        adr=AdrMeta.from_data({"date": "2026-11-29", **meta}),
    )
    return report.replace(answers_file=answers_file)


def split_front_matter(text: str) -> tuple[dict[str, object], str]:
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert match, "the ADR starts with YAML front matter"
    data = yaml.safe_load(match.group(1))
    assert isinstance(data, dict)
    return data, text[match.end() :]


def headings(markdown: str) -> list[tuple[int, str]]:
    """(level, text as rendered): escapes resolved, as a reader sees the heading."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    return [
        (int(tok.tag[1]), "".join(c.content for c in tokens[i + 1].children or []))
        for i, tok in enumerate(tokens)
        if tok.type == "heading_open"
    ]


@functools.cache
def _loyalty() -> Report:
    knowledge = load_knowledge()
    return report_for(knowledge, EXAMPLES / "loyalty-points.yaml")


@pytest.fixture(scope="module")
def reports(knowledge: Knowledge) -> dict[str, Report]:
    return {path.stem: report_for(knowledge, path) for path in EXAMPLE_FILES}


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLE_FILES])
def test_madr_structure_parses_and_follows_madr_4(reports: dict[str, Report], name: str) -> None:
    text = render_adr(reports[name])
    front, body = split_front_matter(text)
    found = headings(body)
    assert [h for h in found if h[0] == 1] == [(1, adr_title(reports[name]))]
    assert [title for level, title in found if level == 2] == MADR_SECTIONS
    # levels never skip (no ### straight under #), so outlines and TOCs nest properly
    levels = [level for level, _ in found]
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))
    outcome = body.split("## Decision Outcome")[1].split("## Pros and Cons")[0]
    assert [t for lvl, t in headings(outcome) if lvl == 3] == ["Consequences", "Confirmation"]
    assert re.search(r'^status: "[a-z]+"$', text, re.M), "MADR status is quoted"
    assert all(value not in (None, "", []) for value in front.values()), "no empty keys"


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLE_FILES])
def test_nygard_is_what_adr_tools_reads(reports: dict[str, Report], name: str) -> None:
    text = render_adr(reports[name], template="nygard", number=7)
    assert text.splitlines()[0] == f"# 7. {adr_title(reports[name])}"
    assert text.splitlines()[2] == "Date: 2026-11-29"
    assert [t for lvl, t in headings(text) if lvl == 2] == NYGARD_SECTIONS
    tokens = MarkdownIt("commonmark").parse(text)
    html = [t.content for t in tokens if t.type in ("html_block", "html_inline")]
    assert len(html) == 1 and html[0].startswith("<!-- edaadvisor provenance")
    assert text.rstrip().endswith("-->")
    unnumbered = render_adr(reports[name], template="nygard")
    assert unnumbered.splitlines()[0] == f"# {adr_title(reports[name])}"


def test_order_fulfilment_reads_like_an_architect_wrote_it(reports: dict[str, Report]) -> None:
    text = render_adr(reports["order-fulfilment"])
    # a decision not to adopt is recorded as one, with the reason and the rule behind it
    rejected = text.split("**We decide not to adopt:**")[1].split("**Not decided yet")[0]
    assert '**Event sourcing.** Chosen option: "State stored as current rows' in rejected
    assert "because nothing requires past states" in rejected
    assert "`es.no-history-need` from audit history required: no" in rejected
    # every verdict names its rules and the answers, in people's words
    assert "`eda.fit.decoupled-services` from services that own data: 7 services" in text
    assert "consistency: Eventual, a lag window is acceptable" in text
    # red flags are a checklist with title, why and mitigation
    flag = next(line for line in text.splitlines() if "Dual write without an outbox" in line)
    assert flag.startswith("- [ ] **Dual write without an outbox**: A crash between")
    assert "Mitigation: Write the event to an outbox table" in flag
    assert "In the context of Order fulfilment, facing the question" in text  # Y-statement
    assert "### Confirmation" in text and "a test kills the service" in text


def test_advised_against_system_explains_why_not(reports: dict[str, Report]) -> None:
    text = render_adr(reports["room-booking-admin"])
    assert "# Do not adopt event-driven architecture for Room booking admin" in text
    assert "we decided for synchronous calls (REST or RPC)" in text
    assert "design reviews reject event-driven integration over a message broker" in text
    assert "1 service;" in text or "1 service\n" in text or "1 service " in text
    assert "1 services" not in text


MERMAID_LINE = re.compile(
    r'^    (\w+(\[\[?"[^"]*"\]?\]|\[\("[^"]*"\)\]|\["[^"]*"\])'
    r'|\w+ -(->|\.->)\|"[^"]*"\| \w+)$'
)


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLE_FILES])
def test_mermaid_is_flowchart_syntax_github_renders(reports: dict[str, Report], name: str) -> None:
    for template in ("madr", "nygard"):
        tokens = MarkdownIt("commonmark").parse(render_adr(reports[name], template=template))
        for block in (t for t in tokens if t.type == "fence" and t.info == "mermaid"):
            lines = block.content.rstrip("\n").splitlines()
            assert lines[0] == "flowchart LR"
            bad = [line for line in lines[1:] if not MERMAID_LINE.match(line)]
            assert not bad, bad


def test_saga_and_event_flow_diagrams_follow_the_verdicts(reports: dict[str, Report]) -> None:
    orchestrated = render_adr(reports["order-fulfilment"])
    assert 'orch["Saga orchestrator"]' in orchestrated
    assert 'orch -->|"6. command"| p6' in orchestrated
    assert 'outbox[("Outbox table")]' in orchestrated and "dlq" in orchestrated
    choreographed = render_adr(reports["loyalty-points"])
    assert 'p1 -->|"event"| p2' in choreographed and "Saga orchestrator" not in choreographed
    assert "```mermaid" not in render_adr(reports["room-booking-admin"])


def test_examples_adr_folder_matches_a_fresh_render(reports: dict[str, Report]) -> None:
    for name, report in reports.items():
        committed = EXAMPLES / "adr" / f"{name}.md"
        assert committed.is_file(), REGENERATE
        assert committed.read_text(encoding="utf-8") == render_adr(report), REGENERATE


def test_provenance_records_tool_knowledge_answers_and_verdicts(
    reports: dict[str, Report],
) -> None:
    report = reports["account-ledger"]
    front, _ = split_front_matter(render_adr(report))
    recorded = front["edaadvisor"]
    assert isinstance(recorded, dict)
    assert recorded["knowledge"]["digest"] == report.knowledge.digest
    assert recorded["answers"] == report.answers
    assert recorded["verdicts"] == {t: d.verdict for t, d in report.decisions.items()}
    assert front["decision-makers"] == ["Ines Duarte"]


def test_same_inputs_same_bytes_and_no_machine_details(
    knowledge: Knowledge, tmp_path: Path
) -> None:
    example = EXAMPLES / "order-fulfilment.yaml"
    first = run_cli("--answers", str(example))
    second = run_cli("--answers", str(example), cwd=tmp_path)
    assert first.returncode == 0 and first.stdout == second.stdout
    assert str(tmp_path) not in first.stdout and str(Path.home()) not in first.stdout
    assert str(EXAMPLES) not in first.stdout


def test_date_comes_from_answers_then_source_date_epoch_then_today(
    reports: dict[str, Report],
) -> None:
    undated = reports["loyalty-points"].replace(
        answers_file=reports["loyalty-points"].answers_file.replace(adr=AdrMeta()),
    )
    assert "\ndate: 2026-11-29\n" in render_adr(reports["loyalty-points"])
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        assert "\ndate: 2023-11-14\n" in render_adr(undated)
        mp.setenv("SOURCE_DATE_EPOCH", "soon")
        with pytest.raises(TemplateError.__mro__[1]) as err:
            render_adr(undated)
        assert err.value.exit_code == 2 and "SOURCE_DATE_EPOCH" in str(err.value)
        mp.delenv("SOURCE_DATE_EPOCH")
        assert f"\ndate: {dt.date.today().isoformat()}\n" in render_adr(undated)


def _body_links(markdown: str) -> list[str]:
    tokens = MarkdownIt("commonmark").parse(markdown)
    found = []
    for tok in tokens:
        for child in tok.children or []:
            if child.type in ("link_open", "image"):
                found.append(str(child.attrs.get("href") or child.attrs.get("src")))
            assert child.type != "html_inline", child.content
        assert tok.type != "html_block", tok.content
    return found


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_answers_file_text_cannot_inject(reports: dict[str, Report], hostile: str) -> None:
    base = reports["order-fulfilment"]
    clean_links = _body_links(split_front_matter(render_adr(with_meta(base, project="P")))[1])
    report = with_meta(base, project=hostile, title=hostile[:200], deciders=[hostile[:200]])
    text = render_adr(report)
    front, body = split_front_matter(text)
    assert front["decision-makers"] == [" ".join(hostile.split())]
    assert front["status"] == "proposed"
    assert _body_links(body) == clean_links, "no link or HTML comes from the answers file"
    title = headings(body)[0]
    assert title == (1, " ".join(hostile.split()))
    nygard = render_adr(report, template="nygard", number=1)
    tokens = MarkdownIt("commonmark").parse(nygard)
    assert [t.type for t in tokens if "html" in t.type] == ["html_block"]


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(min_size=1, max_size=80).filter(lambda s: s.strip()),
    deciders=st.lists(st.text(min_size=1, max_size=30).filter(lambda s: s.strip()), max_size=3),
)
def test_any_project_text_keeps_front_matter_intact(text: str, deciders: list[str]) -> None:
    report = with_meta(_loyalty(), project=text, title=text, deciders=deciders)
    front, body = split_front_matter(render_adr(report))
    assert front["status"] == "proposed"
    # control and bidi characters are dropped and whitespace runs become one space; nothing else
    readable = [" ".join(UNSAFE.sub("", d).split()) for d in deciders]
    assert front.get("decision-makers", []) == [name for name in readable if name]
    assert isinstance(front["edaadvisor"], dict)
    assert [t for lvl, t in headings(body) if lvl == 2] == MADR_SECTIONS
    nygard = render_adr(report, template="nygard")
    _, tail = nygard.split("<!-- edaadvisor provenance")
    assert tail.count("-->") == 1 and tail.endswith("-->\n"), "the comment closes only at its end"
    recorded = yaml.safe_load(tail.split("\n", 1)[1].removesuffix("-->\n"))
    assert recorded["edaadvisor"]["answers"] == report.answers


def test_title_is_derived_from_the_outcome_when_not_given(reports: dict[str, Report]) -> None:
    title = adr_title(reports["loyalty-points"])
    assert title == "Adopt event-driven architecture for Loyalty points"
    assert adr_title(reports["order-fulfilment"]) == "Event-driven order fulfilment"


def test_custom_template_renders_in_the_sandbox(tmp_path: Path) -> None:
    good = tmp_path / "team.md.j2"
    good.write_text("# {{ title }}\n{% for t in groups.recommend %}- {{ t.title }}\n{% endfor %}")
    proc = run_cli("--answers", str(EXAMPLES / "loyalty-points.yaml"), "--template", str(good))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("# Adopt event-driven architecture for Loyalty points\n- ")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "sandbox forbids"),
        ("{{ cycler.__init__.__globals__ }}", "sandbox forbids"),
        ("line one\n{{ no_such_name }}", ":2: 'no_such_name' is undefined"),
        ("{% for x in %}", ":1: template syntax"),
        ("{{ 1 / 0 }}", "ZeroDivisionError"),
    ],
)
def test_bad_custom_template_is_one_clear_error(tmp_path: Path, source: str, message: str) -> None:
    template = tmp_path / "bad.md.j2"
    template.write_text(source)
    out = tmp_path / "adr.md"
    proc = run_cli(
        "--answers",
        str(EXAMPLES / "loyalty-points.yaml"),
        "--template",
        str(template),
        "--output",
        str(out),
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and message in proc.stderr
    assert proc.stderr.startswith(f"edaadvisor: error: {template}")
    assert not out.exists()


def test_json_path_never_imports_the_renderers() -> None:
    code = (
        "import sys; from edaadvisor.cli import main; "
        f"main(['--answers', {str(EXAMPLES / 'order-fulfilment.yaml')!r}, '--format', 'json']); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('jinja2', 'markdown_it', 'textual') or m.startswith('edaadvisor.adr')), file=sys.stderr)"
    )
    import subprocess

    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == "[]"
