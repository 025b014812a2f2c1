"""``edaadvisor compare``: who said what, which differences decide the differing verdicts, which
change nothing, and ``--merge``. The library is tested directly and the command as a user runs it.

The workshop fixtures (``examples/workshop/``) are one system answered by three people who
differ in three answers: Bob wants strong consistency, Carol sees a one-service workflow, and
Carol picks another serialization for events nothing consumes. The first two decide verdicts
whatever the rules' details (no event-driven design without eventual consistency; no saga with
one participant); the third cannot (the question is not even asked when there are no consumers).
"""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, REPO, run_cli
from edaadvisor.core import AnswersFile, Knowledge, evaluate, load_answers_file, load_knowledge
from edaadvisor.core.compare import compare, labels_for, merge_answers
from edaadvisor.core.model import Question

WORKSHOP = EXAMPLES / "workshop"
FILES = [WORKSHOP / f"{who}.yaml" for who in ("alice", "bob", "carol")]
DISPUTED = ["consistency", "workflow_participants", "serialization"]


def _load(knowledge: Knowledge, paths: list[Path] = FILES) -> list[AnswersFile]:
    return [load_answers_file(p, knowledge) for p in paths]


# -- the library ------------------------------------------------------------------------------


def test_names_exactly_the_two_differences_that_change_verdicts(knowledge: Knowledge) -> None:
    result = compare(knowledge, _load(knowledge))
    assert [d.question for d in result.differences] == DISPUTED
    assert result.causes == ["consistency", "workflow_participants"]
    assert result.no_effect == ["serialization"]
    assert not result.agree
    # every differing topic is explained, and only by the two real causes
    assert result.disputes
    for dispute in result.disputes:
        assert dispute.causes
        assert set(dispute.questions) <= {"consistency", "workflow_participants"}


def test_who_said_what_is_named_by_deciders(knowledge: Knowledge) -> None:
    result = compare(knowledge, _load(knowledge))
    assert [p.label for p in result.participants] == ["Alice", "Bob", "Carol"]
    consistency = result.differences[0]
    assert consistency.values == ["eventual", "strong", "eventual"]


def test_each_cause_really_turns_one_verdict_into_the_other(knowledge: Knowledge) -> None:
    files = _load(knowledge)
    result = compare(knowledge, files)
    for dispute in result.disputes:
        for cause in dispute.causes:
            changed = dict(files[cause.base].answers)
            for q in cause.questions:
                changed[q] = files[cause.target].answers[q]
            verdict = evaluate(knowledge, changed).decisions[dispute.topic].verdict
            assert verdict == dispute.verdicts[cause.target]


def test_the_same_answers_agree(knowledge: Knowledge) -> None:
    alice = _load(knowledge, [FILES[0]])[0]
    result = compare(knowledge, [alice, alice])
    assert result.agree and not result.differences and not result.no_effect
    assert result.agreed == alice.answers


def test_labels_fall_back_to_project_then_file_name_and_stay_unique(
    knowledge: Knowledge,
) -> None:
    def file(source: str, project: str | None = None) -> AnswersFile:
        return AnswersFile(answers={}, project=project, source=source)

    assert labels_for([file("a/x.yaml", "Shop"), file("b/y.yaml")]) == ["Shop", "y.yaml"]
    assert labels_for([file("a/x.yaml", "Shop"), file("b/y.yaml", "Shop")]) == [
        "Shop (x.yaml)",
        "Shop (y.yaml)",
    ]
    assert labels_for([file("a/x.yaml"), file("b/x.yaml")]) == ["x.yaml #1", "x.yaml #2"]


def test_merge_keeps_agreement_and_leaves_disputes_open(knowledge: Knowledge) -> None:
    files = _load(knowledge)
    merged = merge_answers(files)
    assert set(DISPUTED).isdisjoint(merged.answers)
    assert merged.answers == {q: v for q, v in files[0].answers.items() if q not in DISPUTED}
    assert merged.adr.deciders == ["Alice", "Bob", "Carol"]
    assert merged.project == "Warehouse slotting"


def test_a_yes_is_not_a_count(knowledge: Knowledge) -> None:
    # True == 1 in Python; an answers file never makes them the same answer
    a = AnswersFile(answers={"services": 1}, source="a.yaml")
    b = AnswersFile(answers={"services": True}, source="b.yaml")
    assert merge_answers([a, b]).answers == {}


# -- properties over random answers ------------------------------------------------------------


KNOWLEDGE = load_knowledge()


def _domain(q: Question) -> st.SearchStrategy[Any]:
    if q.type == "bool":
        return st.booleans()
    if q.type == "enum":
        return st.sampled_from(q.values)
    if q.type == "list":
        return st.lists(st.sampled_from(q.values), unique=True)
    return st.sampled_from([v for v in (0, 1, 2, 3, 4, 6, 12, 1000, 10**6) if q.accepts(v)])


ANSWERS = st.fixed_dictionaries(
    {}, optional={q.id: _domain(q) for q in KNOWLEDGE.questions.values()}
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ANSWERS, min_size=2, max_size=3))
def test_causes_suffice_and_no_effect_means_no_effect(answers: list[dict[str, Any]]) -> None:
    knowledge = KNOWLEDGE
    files = [AnswersFile(answers=a, source=f"{i}.yaml") for i, a in enumerate(answers)]
    result = compare(knowledge, files)
    differing = {d.question for d in result.differences}
    verdicts = [evaluate(knowledge, a) for a in answers]
    assert result.agree == all(
        v.decisions[t].verdict == verdicts[0].decisions[t].verdict
        for v in verdicts
        for t in knowledge.topics
    )
    for dispute in result.disputes:
        for cause in dispute.causes:
            assert cause.questions and set(cause.questions) <= differing
            changed = dict(answers[cause.base])
            for q in cause.questions:
                if q in answers[cause.target]:
                    changed[q] = answers[cause.target][q]
                else:
                    changed.pop(q, None)
            got = evaluate(knowledge, changed).decisions[dispute.topic].verdict
            assert got == dispute.verdicts[cause.target]
            _assert_smallest(answers[cause.base], answers[cause.target], cause.questions, dispute)
    for q in result.no_effect:
        assert q not in result.causes
        for i, base in enumerate(answers):
            for target in answers:
                changed = {k: v for k, v in base.items() if k != q}
                if q in target:
                    changed[q] = target[q]
                after = evaluate(knowledge, changed)
                assert after.verdicts == verdicts[i].verdicts
    merged = merge_answers(files).answers
    assert all(merged.items() <= a.items() for a in answers)
    assert differing.isdisjoint(merged)


def _assert_smallest(
    base: dict[str, Any], target: dict[str, Any], cause: list[str], dispute: Any
) -> None:
    """No smaller set of the pair's differences gives the target's verdict (checked where
    the pair differs in few enough questions to try every smaller set)."""
    differing = [q for q in KNOWLEDGE.questions if base.get(q) != target.get(q)]
    if len(differing) > 6:
        return
    wanted = evaluate(KNOWLEDGE, target).decisions[dispute.topic].verdict
    for size in range(1, len(cause)):
        for subset in combinations(differing, size):
            changed = {k: v for k, v in base.items() if k not in subset}
            changed.update({q: target[q] for q in subset if q in target})
            assert evaluate(KNOWLEDGE, changed).decisions[dispute.topic].verdict != wanted


def test_work_is_bounded(knowledge: Knowledge, monkeypatch: Any) -> None:
    import edaadvisor.core.compare as module

    calls = 0
    real = module.evaluate

    def counting(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        return real(*args)

    monkeypatch.setattr(module, "evaluate", counting)
    examples = _load(knowledge, sorted(EXAMPLES.glob("*.yaml")))
    compare(knowledge, examples)
    # five very different systems: a few thousand evaluations at most, not 2**20 subsets a pair
    assert calls < 2500
    # past the budget, every difference the topic can read stands as the (sufficient) cause
    monkeypatch.setattr(module, "BUDGET", 1)
    pair = examples[:2]
    result = compare(knowledge, pair)
    reads = module._reads_by_topic(knowledge)
    a, b = (f.answers for f in pair)
    assert result.disputes
    for dispute in result.disputes:
        readable = [
            q for q in knowledge.questions if q in reads[dispute.topic] and a.get(q) != b.get(q)
        ]
        (cause,) = dispute.causes
        assert cause.questions == readable


# -- the command ---------------------------------------------------------------------------------


def test_cli_text_names_causes_and_what_to_skip() -> None:
    result = run_cli("compare", *map(str, FILES))
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert "consistency            eventual: Alice, Carol · strong: Bob" in out
    assert "decided by: consistency" in out
    assert "decided by: workflow_participants" in out
    assert "changing nothing (skip these): serialization" in out
    assert "serialization" not in out.split("Verdicts that differ")[1].split("changing nothing")[0]
    assert len(out.splitlines()) <= 24  # one screen


def test_cli_json_is_the_library_comparison() -> None:
    result = run_cli("compare", *map(str, FILES), "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["version"] == 1 and data["agree"] is False
    assert [p["label"] for p in data["participants"]] == ["Alice", "Bob", "Carol"]
    assert [d["question"] for d in data["differences"]] == DISPUTED
    assert data["causes"] == ["consistency", "workflow_participants"]
    assert data["no_effect"] == ["serialization"]
    # Carol's system has neither a consumer nor a multi-service workflow: no events either
    assert data["decisions"]["event_driven"]["verdicts"] == [
        "recommend",
        "advise_against",
        "advise_against",
    ]
    assert {"from": 0, "to": 1, "questions": ["consistency"]} in data["decisions"]["event_driven"][
        "causes"
    ]


def test_cli_markdown_tables_for_the_meeting_notes() -> None:
    result = run_cli("compare", *map(str, FILES), "--format", "markdown")
    assert result.returncode == 1
    out = result.stdout
    assert "| question | Alice | Bob | Carol |" in out
    assert "| `consistency` | eventual | strong | eventual |" in out
    assert "`consistency` (Alice → Bob" in out
    assert "## Answered differently, changing nothing\n\n- `serialization`" in out


def test_cli_exit_0_when_the_verdicts_agree(tmp_path: Path) -> None:
    # Carol's serialization alone: a difference that changes no verdict passes CI
    text = (
        FILES[0].read_text(encoding="utf-8").replace("serialization: avro", "serialization: json")
    )
    (tmp_path / "alice-json.yaml").write_text(text, encoding="utf-8")
    result = run_cli("compare", str(FILES[0]), str(tmp_path / "alice-json.yaml"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The verdicts agree on all 14 topics." in result.stdout
    assert "serialization" in result.stdout


def test_merge_round_trips_through_answers(tmp_path: Path) -> None:
    merged = tmp_path / "room.yaml"
    result = run_cli("compare", *map(str, FILES), "--merge", str(merged))
    assert result.returncode == 1
    assert "11 agreed answers kept, 3 disputed left open" in result.stderr
    report = run_cli("--answers", str(merged), "--format", "json")
    assert report.returncode == 0, report.stderr
    data = json.loads(report.stdout)
    unanswered_by_all = {
        q
        for q in data["unanswered"]
        if all(q not in yaml.safe_load(f.read_text())["answers"] for f in FILES)
    }
    assert set(data["unanswered"]) - unanswered_by_all == set(DISPUTED)
    # the disputes are what the merged report leaves undecided
    assert "consistency" in data["decisions"]["event_driven"]["unknown"]
    assert data["decisions"]["orchestration"]["strength"] is None


def test_merge_never_overwrites_without_force(tmp_path: Path) -> None:
    merged = tmp_path / "room.yaml"
    merged.write_text("mine\n", encoding="utf-8")
    refused = run_cli("compare", *map(str, FILES), "--merge", str(merged))
    assert refused.returncode == 1
    assert "already exists and was left untouched; pass --force" in refused.stderr
    assert merged.read_text(encoding="utf-8") == "mine\n"
    assert run_cli("compare", *map(str, FILES), "--merge", str(merged), "--force").returncode == 1
    assert "version: 1" in merged.read_text(encoding="utf-8")


def test_bad_input_gets_the_answers_messages_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nanswers:\n  consistency: maybe\n", encoding="utf-8")
    result = run_cli("compare", str(bad), str(FILES[0]), str(tmp_path / "missing.yaml"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    same = run_cli("--answers", str(bad))
    assert same.stderr.splitlines()[0] in result.stderr.splitlines()
    assert "missing.yaml" in result.stderr
    one = run_cli("compare", str(FILES[0]))
    assert one.returncode == 2 and "at least two answers files" in one.stderr
    assert not list(tmp_path.glob("*.tmp"))


def test_peoples_text_cannot_drive_the_terminal(tmp_path: Path) -> None:
    hostile = tmp_path / "mallory.yaml"
    text = (
        FILES[0]
        .read_text(encoding="utf-8")
        .replace("deciders: [Alice]", 'deciders: ["Mal\\e[2Jlory\\u202e"]')
    )
    hostile.write_text(text, encoding="utf-8")
    for fmt in ("text", "markdown", "json"):
        result = run_cli("compare", str(hostile), str(FILES[1]), "--format", fmt)
        assert result.returncode == 1, result.stderr
        assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
        shown = {"text": "Mal[2Jlory", "markdown": "Mal \\[2Jlory", "json": "Mal\\u001b[2Jlory"}
        assert shown[fmt] in result.stdout
    data = json.loads(run_cli("compare", str(hostile), str(FILES[1]), "-f", "json").stdout)
    assert data["participants"][0]["label"] == "Mal\x1b[2Jlory\u202e"  # nothing lost in JSON


def test_the_readme_shows_the_real_output() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = "edaadvisor compare " + " ".join(f"examples/workshop/{p.name}" for p in FILES)
    shown = readme.split(f"$ {command}\n", 1)[1].split("```", 1)[0]
    assert run_cli(*command.split()[1:], cwd=REPO).stdout == shown


def test_compare_never_loads_the_tui_or_the_template_engine() -> None:
    import subprocess
    import sys

    code = (
        "import sys, io, contextlib; from edaadvisor.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['compare', {str(FILES[0])!r}, {str(FILES[1])!r}, '-f', 'markdown'])\n"
        "print(sorted(m for m in ('textual', 'jinja2', 'markdown_it') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr
