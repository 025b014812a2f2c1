"""Knowledge loading: the shipped base is sound, and a broken file is named, never a traceback.

Broken packs live in tests/fixtures/core/packs/; a broken *base* is a copy of the shipped
knowledge with one file spoiled, loaded by pointing ``knowledge_dir`` at it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, REPO
from edaadvisor.cli import main
from edaadvisor.core import Knowledge, KnowledgeError, load_knowledge
from edaadvisor.core import knowledge as knowledge_module
from edaadvisor.core.conditions import VERDICTS

PACKS = Path(__file__).parent / "fixtures" / "core" / "packs"

CONTRACT_TOPICS = [
    "event_driven", "event_sourcing", "cqrs", "choreography", "orchestration", "outbox",
    "dead_letter_queue", "schema_registry", "idempotent_consumers", "snapshots", "pii_erasure",
    "partition_key", "sequencing", "static_membership",
]  # fmt: skip

CONTRACT_QUESTIONS = {
    "services": "int", "crud_only": "bool", "consistency": "enum",
    "consistency_lag_seconds": "int", "events_per_day": "int", "broker_experience": "enum",
    "workflow_participants": "int", "compensation": "enum", "audit_history": "bool",
    "read_write_divergence": "enum", "events_per_aggregate": "int", "pii": "bool",
    "consumers": "int", "serialization": "enum", "ordering": "enum", "partitions": "int",
    "consumer_instances": "int", "broker": "enum", "dual_write": "bool",
}  # fmt: skip


def test_shipped_knowledge_covers_the_contract(knowledge: Knowledge) -> None:
    assert list(knowledge.topics) == CONTRACT_TOPICS
    for qid, kind in CONTRACT_QUESTIONS.items():
        assert knowledge.questions[qid].type == kind
    assert knowledge.questions["consistency"].values == ["strong", "eventual", "mixed"]
    assert knowledge.questions["broker"].values == [
        "kafka", "pulsar", "kinesis", "rabbitmq", "sqs_sns", "eventbridge", "nats", "other",
        "undecided",
    ]  # fmt: skip
    assert knowledge.questions["services"].minimum == 1
    assert knowledge.questions["consumers"].minimum == 0
    for topic in CONTRACT_TOPICS:
        assert knowledge.rules_for(topic), f"{topic} has no rules"
        assert knowledge.topics[topic].default.verdict in VERDICTS


def test_every_question_teaches(knowledge: Knowledge) -> None:
    for question in knowledge.questions.values():
        assert question.title.endswith("?"), question.id
        assert len(question.help) > 80, f"{question.id}: help should say why it matters"
        assert question.example, question.id


def test_visibility_reads_only_earlier_questions(knowledge: Knowledge) -> None:
    order = list(knowledge.questions)
    assert knowledge.questions["compensation"].visible_when is not None
    for question in knowledge.questions.values():
        if question.visible_when is not None:
            for ref in question.visible_when.questions():
                assert order.index(ref) < order.index(question.id)


def test_every_rule_cites_a_source(knowledge: Knowledge) -> None:
    for rule in knowledge.rules:
        assert rule.references and rule.rationale.strip(), rule.id


def _load_error(*packs: Path) -> KnowledgeError:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(list(packs))
    return info.value


def _assert_named(error: KnowledgeError, *words: str) -> None:
    text = str(error)
    for word in words:
        assert word in text, f"{word!r} not in {text!r}"
    for line in error.lines:
        assert "\n" not in line
        assert "Traceback" not in line


@pytest.mark.parametrize(
    ("pack", "words"),
    [
        ("bad_yaml", ["bad_yaml/rules.yaml:4:", "not valid YAML"]),
        (
            "unknown_question",
            [
                "unknown_question/rules.yaml:2:", "pack.unknown-question",
                "unknown question 'servics'",
            ],
        ),
        (
            "outside_domain",
            [
                "outside_domain/rules.yaml:2:", "pack.outside-domain",
                "'sometimes' is not an answer to 'consistency'", "strong, eventual",
            ],
        ),
        (
            "unknown_topic",
            ["unknown_topic/rules.yaml:2:", "pack.unknown-topic", "'event_mesh' does not exist"],
        ),
        (
            "duplicate_rule",
            ["duplicate_rule/rules.yaml:9:", "'pack.twice' is already defined at",
             "duplicate_rule/rules.yaml:2"],
        ),
        (
            "duplicate_shipped",
            ["duplicate_shipped/rules.yaml:2:", "'cqrs.crud' is already defined at",
             "knowledge/rules/cqrs.yaml", "replaces: true"],
        ),
        (
            "two_operators",
            ["two_operators/rules.yaml:5:", "pack.two-operators", "exactly one of", "got ge, le"],
        ),
        (
            "cycle",
            [
                "cycle/rules.yaml:2:", "pack.cycle-a",
                "in a cycle: event_driven -> cqrs -> event_driven",
            ],
        ),
        (
            "visibility",
            ["visibility/questions.yaml:2:", "region_count", "'multi_region'", "not asked before"],
        ),
        ("no_meta", ["no_meta/pack.yaml", "missing pack.yaml"]),
    ],
)
def test_broken_pack_is_named(pack: str, words: list[str]) -> None:
    _assert_named(_load_error(PACKS / pack), *words)


def test_a_pack_that_is_not_a_folder() -> None:
    _assert_named(_load_error(PACKS / "bad_yaml" / "rules.yaml"), "is a folder", "not one")


@pytest.mark.parametrize("pack", sorted(p.name for p in PACKS.iterdir()))
def test_broken_pack_through_the_cli(capsys: pytest.CaptureFixture[str], pack: str) -> None:
    answers = str(EXAMPLES / "order-fulfilment.yaml")
    code = main(["--answers", answers, "--format", "json", "--knowledge", str(PACKS / pack)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.startswith("edaadvisor: error: ")
    assert all(line.startswith("edaadvisor: error: ") for line in captured.err.splitlines())


@pytest.fixture
def base_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", folder)
    monkeypatch.setattr(knowledge_module, "knowledge_dir", lambda: folder)
    return folder


def test_broken_base_rule_names_file_line_and_rule(base_copy: Path) -> None:
    path = base_copy / "rules" / "cqrs.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  - id: cqrs.crud\n    topic: cqrs\n" in text
    spoiled = text.replace("    topic: cqrs\n", "    topic: cqrss\n", 1)
    path.write_text(spoiled, encoding="utf-8")
    line = text.splitlines().index("  - id: cqrs.crud") + 1
    where = f"knowledge/rules/cqrs.yaml:{line}:"
    _assert_named(_load_error(), where, "cqrs.crud", "'cqrss' does not exist")


def test_broken_base_yaml(base_copy: Path) -> None:
    (base_copy / "red_flags.yaml").write_text("red_flags:\n  - id: x\n  - [\n", encoding="utf-8")
    _assert_named(_load_error(), "knowledge/red_flags.yaml:", "not valid YAML")


def test_base_rule_with_a_missing_field(base_copy: Path) -> None:
    path = base_copy / "rules" / "sagas.yaml"
    text = path.read_text(encoding="utf-8")
    spoiled = text.replace("    verdict: recommend\n", "    verdict: endorse\n", 1)
    assert spoiled != text
    path.write_text(spoiled, encoding="utf-8")
    _assert_named(_load_error(), "knowledge/rules/sagas.yaml:", "verdict", "recommend")
