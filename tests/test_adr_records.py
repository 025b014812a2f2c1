"""The split ADR on every bundled example: one short record per decided topic plus an
overview, within the size targets, never saying a sentence twice, and lint-clean."""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from adr_metrics import front_matter_lines, repeated_sequences, word_count
from conftest import EXAMPLES
from edaadvisor.adr.context import answers_source
from edaadvisor.adr.files import Claim, detect, record_number
from edaadvisor.adr.lifecycle import peek
from edaadvisor.adr.records import decided
from edaadvisor.adr.write import render_records
from edaadvisor.core import Knowledge, build_report, load_answers_file
from edaadvisor.core.report import Report

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
NAMES = [p.stem for p in EXAMPLE_FILES]
MADR_KEYS = {"status", "date", "decision-makers", "consulted", "informed"}
REGENERATE = (
    "examples/adr/ differs from a fresh render. If the change is intended, regenerate with\n"
    '  for f in examples/*.yaml; do .venv/bin/edaadvisor --answers "$f" '
    '--adr-dir "examples/adr/$(basename "$f" .yaml)" --force; done\n'
    "and review the diff (delete the record of a topic that is no longer decided)."
)
# pymarkdownlnt as MADR's own repository configures markdownlint: front matter, GFM tables and
# task lists understood, and no line-length rule (a paragraph is one line, so diffs stay exact)
LINT = [
    "--enable-extensions", "front-matter,markdown-tables,markdown-task-list-items",
    "--disable-rules", "md013",
]  # fmt: skip


@pytest.fixture(scope="module")
def reports(knowledge: Knowledge) -> dict[str, Report]:
    return {p.stem: build_report(knowledge, load_answers_file(p, knowledge)) for p in EXAMPLE_FILES}


def records(report: Report, name: str, template: str) -> dict[str, str]:
    """Record -> text, named and numbered as in the committed example folder."""
    folder = EXAMPLES / "adr" / name
    claims = {}
    for path in sorted(folder.glob("*.md")):
        peeked = peek(path)
        assert peeked is not None, f"{path} has no provenance"
        claims[str(peeked[0]["record"])] = Claim(record_number(path.name), path, None)
    assert list(claims) == ["overview", *decided(report)], REGENERATE
    source = answers_source(EXAMPLES / f"{name}.yaml", folder)
    return render_records(report, claims, template, "overview", source, detect(folder))


@pytest.mark.parametrize("name", NAMES)
def test_examples_adr_folder_matches_a_fresh_render(reports: dict[str, Report], name: str) -> None:
    fresh = records(reports[name], name, "madr")
    folder = EXAMPLES / "adr" / name
    for path in sorted(folder.glob("*.md")):
        peeked = peek(path)
        assert peeked is not None
        assert path.read_text(encoding="utf-8") == fresh[str(peeked[0]["record"])], REGENERATE


@pytest.mark.parametrize("template", ["madr", "nygard"])
@pytest.mark.parametrize("name", NAMES)
def test_records_meet_the_size_and_repetition_targets(
    reports: dict[str, Report], name: str, template: str
) -> None:
    texts = records(reports[name], name, template)
    topic_words = [word_count(t) for r, t in texts.items() if r != "overview"]
    assert statistics.median(topic_words) <= 450, topic_words
    assert word_count(texts["overview"]) <= 900
    for record, text in texts.items():
        assert repeated_sequences(text) == [], f"{record} repeats itself"


@pytest.mark.parametrize("name", NAMES)
def test_front_matter_is_madr_keys_plus_at_most_eight_lines_of_provenance(
    reports: dict[str, Report], name: str
) -> None:
    for record, text in records(reports[name], name, "madr").items():
        lines = front_matter_lines(text)
        start = lines.index("edaadvisor:")
        provenance = lines[start:]
        assert len(provenance) <= 8, (record, provenance)
        madr = yaml.safe_load("\n".join(lines[:start]))
        assert set(madr) <= MADR_KEYS
        assert not any("\\" in line for line in lines[:start]), "no Markdown escapes in YAML"
        recorded = yaml.safe_load("\n".join(provenance))["edaadvisor"]
        assert recorded["answers"] == reports[name].answers
        assert recorded["record"] == record


@pytest.mark.parametrize("name", NAMES)
def test_each_topic_record_weighs_real_options_and_reads_only_its_answers(
    reports: dict[str, Report], name: str
) -> None:
    report = reports[name]
    for record, text in records(report, name, "madr").items():
        if record == "overview":
            for topic in decided(report):
                assert f"| {report.decisions[topic].topic.title} |" in text
            continue
        decision = report.decisions[record]
        considered = text.split("## Considered Options")[1].split("##")[0]
        assert considered.count("\n* ") >= 2, "at least two real options"
        assert "mirror image" not in text
        assert text.count('Chosen option: "') == 1
        context = text.split("## Context and Problem Statement")[1].split("##")[0]
        # an answer no deciding rule read is not described in this record's context
        if "consumers" not in decision.answers and report.answers.get("consumers"):
            assert "will consume the events" not in context


def test_every_record_is_lint_clean_with_one_list_marker(
    reports: dict[str, Report], tmp_path: Path
) -> None:
    paths = sorted((EXAMPLES / "adr").rglob("*.md"))
    for name in NAMES:
        for record, text in records(reports[name], name, "nygard").items():
            path = tmp_path / name / f"{record}.md"
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            paths.append(path)
    proc = subprocess.run(
        [sys.executable, "-m", "pymarkdown", *LINT, "scan", *map(str, paths)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0 and proc.stdout == "", proc.stdout + proc.stderr
    for path in paths:
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        assert not [line for line in body.splitlines() if line.lstrip().startswith(("- ", "+ "))]


def test_every_principle_a_rule_cites_has_a_section_in_docs(knowledge: Knowledge) -> None:
    from edaadvisor.adr.context import github_anchor

    docs = (EXAMPLES.parent / "docs" / "principles.md").read_text(encoding="utf-8")
    anchors = {github_anchor(line.lstrip("#")) for line in docs.splitlines() if line[:1] == "#"}
    cited = {
        ref.section
        for item in [*knowledge.rules, *knowledge.red_flags, *knowledge.topics.values(),
                     *knowledge.questions.values()]
        for ref in item.references
        if ref.section
    }  # fmt: skip
    assert cited and {s for s in cited if github_anchor(s) not in anchors} == set()


def test_user_template_splits_the_same_way_and_passes_check(tmp_path: Path) -> None:
    from conftest import run_cli

    team = tmp_path / "team.md.j2"
    team.write_text(
        "---\n{{ front_matter }}---\n\n# {{ title }}\n\n{{ kind }}: "
        "{% for t in topics %}{{ t.title }} {{ t.verdict }}; {% endfor %}\n"
    )
    folder = tmp_path / "adrs"
    proc = run_cli("--answers", str(EXAMPLES / "loyalty-points.yaml"), "--adr-dir", str(folder),
                   "--template", str(team))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    written = [Path(line) for line in proc.stdout.splitlines()]
    assert "\noverview: " in written[0].read_text()
    assert all("\ntopic: " in p.read_text() for p in written[1:]) and len(written) > 2
    check = run_cli("check", *map(str, written))
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_pack_topic_gets_a_record_from_its_own_wording(tmp_path: Path) -> None:
    from conftest import REPO, run_cli

    pack = str(REPO / "tests" / "fixtures" / "lint" / "gap")
    folder = tmp_path / "adrs"
    order = str(EXAMPLES / "order-fulfilment.yaml")
    proc = run_cli("--answers", order, "--knowledge", pack, "--adr-dir", str(folder))
    assert proc.returncode == 0, proc.stderr
    (record,) = [Path(p) for p in proc.stdout.split() if "browsable-event-catalogue" in p]
    text = record.read_text()
    assert 'Chosen option: "A browsable event catalogue"' in text
    assert "### Schemas in each producer's repository" in text
    assert run_cli("check", "--knowledge", pack, str(record)).returncode == 0


def test_assumptions_and_conflicts_in_the_report_reach_the_records(
    reports: dict[str, Report], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report's optional notes (issue 9) are read in one place and shown when present."""
    from edaadvisor.adr.records import overview_context, topic_context
    from edaadvisor.adr.render import render_context

    report = reports["order-fulfilment"]
    plain = Report.to_data

    def with_notes(self: Report) -> dict[str, object]:
        data = plain(self)
        data["conflicts"] = [{"questions": ["crud_only", "workflow_participants"],
                              "sentence": "A CRUD-only domain with a six-service workflow."}]
        data["decisions"]["outbox"]["assumptions"] = [
            {"question": "consumers", "value": 2, "if_false": "No consumers, no outbox"}
        ]
        return data  # fmt: skip

    monkeypatch.setattr(Report, "to_data", with_notes)
    overview = render_context(overview_context(report), "madr")
    assert "Conflicting answers, to resolve" in overview
    assert "* A CRUD-only domain with a six-service workflow." in overview
    outbox = render_context(topic_context(report, "outbox"), "nygard")
    assert "Assumptions to confirm:\n\n* event consumers: 2 consumers (assumed); if not" in outbox
    monkeypatch.setattr(Report, "to_data", plain)
    assert "Assumptions to confirm" not in render_context(topic_context(report, "outbox"))
