"""Plain-English wording of answers and verdicts, for people reading the ADR without the tool.

The core question ids are a public contract (docs/answers-file.md), so they get hand-written
sentences; a question a knowledge pack adds falls back to its own title and answer label, which
is always correct if less fluent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..core.knowledge import Knowledge

SHORT_LABELS: dict[str, str] = {
    "services": "services that own data",
    "crud_only": "CRUD-only domain",
    "consistency": "consistency",
    "consistency_lag_seconds": "acceptable read lag",
    "events_per_day": "events per day",
    "broker_experience": "broker experience",
    "replay": "replay needed",
    "workflow_participants": "services in the longest workflow",
    "compensation": "undoing a step",
    "audit_history": "audit history required",
    "events_per_aggregate": "events per entity",
    "pii": "personal data",
    "read_write_divergence": "read/write divergence",
    "consumers": "event consumers",
    "serialization": "serialization",
    "ordering": "ordering relied on",
    "broker": "broker",
    "partitions": "partitions",
    "consumer_instances": "largest consumer group",
    "dual_write": "database write and publish in one operation",
    "teams": "teams owning the services",
    "sync_response": "caller waits for the final result",
    "event_size_kb": "event size",
    "managed_broker": "broker run for the team",
    "temporal_queries": "past states queried as of a time",
    "retention_days": "retention on the broker",
    "safeguards": "safeguards in place",
}

VERDICT_WORDS: dict[str, str] = {
    "recommend": "recommended",
    "consider": "worth considering",
    "advise_against": "advised against",
    "not_applicable": "not applicable",
}


# names that keep their capital in mid-sentence
_PROPER = {"Kafka", "Avro", "Protobuf", "Pulsar", "Kinesis", "RabbitMQ", "Amazon", "Apache"}


def lower_first(text: str) -> str:
    """Lowercase a sentence's first letter unless it starts an acronym or a name."""
    first = text.split(" ", 1)[0].rstrip(",;:")
    if first in _PROPER:
        return text
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def clause(text: str) -> str:
    """A sentence turned into a clause: first letter lowered, final full stop dropped."""
    return lower_first(text.strip().rstrip("."))


def short_label(knowledge: Knowledge, qid: str) -> str:
    if qid in SHORT_LABELS:
        return SHORT_LABELS[qid]
    question = knowledge.questions.get(qid)
    return question.words if question else qid


def answer_label(knowledge: Knowledge, qid: str, value: Any) -> str:
    question = knowledge.questions.get(qid)
    if question is None:
        return str(value)
    if question.type == "int" and value == 1 and question.unit:
        # the knowledge base names units in the plural: "1 services" reads as a typo
        unit = question.unit.replace("s/", "/") if "/" in question.unit else question.unit
        return f"1 {unit.removesuffix('s')}"
    return question.label_of(value)


def answers_phrase(knowledge: Knowledge, answers: Mapping[str, Any]) -> str:
    """``services that own data: 7 services; consistency: Eventual, ...`` for a rule's inputs."""
    return "; ".join(
        f"{short_label(knowledge, q)}: {answer_label(knowledge, q, v)}" for q, v in answers.items()
    )


def _count(value: int, one: str, many: str) -> str:
    return f"{value:,} {one if value == 1 else many}"


Sentence = Callable[[Any, Mapping[str, Any]], str | None]


def _services(v: Any, a: Mapping[str, Any]) -> str:
    if v == 1:
        return "The system is one deployed service that owns its data."
    return f"The system consists of {v:,} independently deployed services that own their data."


def _crud(v: Any, a: Mapping[str, Any]) -> str:
    if v:
        return (
            "Its domain is plain create, read, update and delete, "
            "with no workflow that spans services."
        )
    return "Its business processes span services; it is more than records edited and read back."


def _consistency(v: Any, a: Mapping[str, Any]) -> str:
    if v == "strong":
        return (
            "Operations must be atomic across services: "
            "no window where two services disagree is acceptable."
        )
    lag = a.get("consistency_lag_seconds")
    delay = f"within {_count(lag, 'second', 'seconds')}" if lag is not None else "after a delay"
    if v == "mixed":
        return (
            "Some operations must be atomic; the rest may catch up with a change "
            f"{delay}."
        )
    return f"Other services may catch up with a change {delay}; eventual consistency is acceptable."


def _teams(v: Any, a: Mapping[str, Any]) -> str:
    if v == 1:
        return "One team owns and deploys every service."
    return f"{_count(v, 'team', 'teams')} own and deploy the services independently."


def _sync(v: Any, a: Mapping[str, Any]) -> str:
    if v:
        return "The caller needs the cross-service operation's final result within its request."
    return "No caller waits for a cross-service operation to finish."


def _size(v: Any, a: Mapping[str, Any]) -> str:
    return f"One event's payload is typically {v:,} KiB."


def _managed(v: Any, a: Mapping[str, Any]) -> str:
    if v:
        return "A managed service or a platform team would run the broker."
    return "Nobody would run the broker for the team."


def _temporal(v: Any, a: Mapping[str, Any]) -> str:
    if v:
        return "Past states must be queried as of a point in time."
    return "Nobody queries past states as of a point in time."


def _retention(v: Any, a: Mapping[str, Any]) -> str:
    if v == 0:
        return "The broker deletes events once they are consumed."
    return f"Events stay on the broker for {_count(v, 'day', 'days')}."


def _safeguards(v: Any, a: Mapping[str, Any]) -> str:
    names = {
        "outbox": "a transactional outbox",
        "dead_letter_queue": "dead letter queues",
        "idempotency": "idempotent consumers",
        "schema_registry": "a schema registry",
    }
    held = [names.get(item, str(item)) for item in v or []]
    if not held:
        return "No safeguard (outbox, dead letter queues, idempotency, registry) is in place yet."
    listed = ", ".join(held[:-1]) + (" and " if len(held) > 1 else "") + held[-1]
    return f"Already in place: {listed}."


def _volume(v: Any, a: Mapping[str, Any]) -> str:
    return f"About {_count(v, 'domain event', 'domain events')} a day are expected at steady state."


def _experience(v: Any, a: Mapping[str, Any]) -> str:
    words = {"none": "no", "some": "some", "extensive": "extensive"}.get(v, str(v))
    return f"The team has {words} experience operating a message broker in production."


def _replay(v: Any, a: Mapping[str, Any]) -> str:
    if v:
        return "Consumers will need to rebuild their state by replaying past events."
    return "No consumer needs to rebuild its state by replaying past events."


def _workflow(v: Any, a: Mapping[str, Any]) -> str:
    if v <= 1:
        return "No business transaction spans more than one service."
    undo = {
        "none": "; no step ever needs to be undone",
        "simple": "; each step has a simple, automatic inverse",
        "non_trivial": "; undoing a completed step is non-trivial",
    }.get(a.get("compensation", ""), "")
    return f"The longest business transaction spans {_count(v, 'service', 'services')}{undo}."


def _audit(v: Any, a: Mapping[str, Any]) -> str:
    if not v:
        return "Nothing requires past states to be reconstructed."
    per = a.get("events_per_aggregate")
    size = ""
    if per is not None:
        size = f"; one entity collects up to {_count(per, 'event', 'events')} over its life"
    return f"Past states must be reconstructable, with a complete audit trail{size}."


def _pii(v: Any, a: Mapping[str, Any]) -> str:
    if v:
        return "Events or stored entities carry personal data that people may ask to have erased."
    return "Neither events nor stored entities carry personal data."


def _divergence(v: Any, a: Mapping[str, Any]) -> str:
    return {
        "none": "Queries read back what was written.",
        "moderate": "Some queries join or aggregate what was written; most do not.",
        "significant": "Queries need shapes very different from the data as written.",
    }.get(v, f"Read/write divergence: {v}.")


def _consumers(v: Any, a: Mapping[str, Any]) -> str:
    if v == 0:
        return "No other service or team consumes the events."
    who = _count(v, "independent service or team", "independent services or teams")
    return f"{who} will consume the events."


def _dual_write(v: Any, a: Mapping[str, Any]) -> str:
    if v:
        return "A service updates its own database and publishes an event in the same operation."
    return "No service writes its database and publishes an event in the same operation."


SENTENCES: dict[str, Sentence] = {
    "services": _services,
    "teams": _teams,
    "sync_response": _sync,
    "event_size_kb": _size,
    "managed_broker": _managed,
    "temporal_queries": _temporal,
    "retention_days": _retention,
    "safeguards": _safeguards,
    "crud_only": _crud,
    "consistency": _consistency,
    "events_per_day": _volume,
    "broker_experience": _experience,
    "replay": _replay,
    "workflow_participants": _workflow,
    "audit_history": _audit,
    "pii": _pii,
    "read_write_divergence": _divergence,
    "consumers": _consumers,
    "dual_write": _dual_write,
}
"""Question -> sentence; questions folded into another's sentence have none of their own."""
_FOLDED = {"consistency_lag_seconds", "compensation", "events_per_aggregate"}
_TRANSPORT = ("serialization", "ordering", "broker", "partitions", "consumer_instances")


def describe_system(knowledge: Knowledge, answers: Mapping[str, Any]) -> list[str]:
    """The system as the answers describe it: one sentence per answer, in interview order."""
    sentences: list[str] = []
    for qid, value in answers.items():
        if qid in _FOLDED or qid in _TRANSPORT:
            continue
        if qid in SENTENCES:
            sentence = SENTENCES[qid](value, answers)
            if sentence:
                sentences.append(sentence)
            if qid == "consumers":
                sentences.extend(_transport(knowledge, answers))
        else:
            label = answer_label(knowledge, qid, value)
            sentences.append(f"{short_label(knowledge, qid)}: {label}.")
    if "consumers" not in answers:
        sentences.extend(_transport(knowledge, answers))
    return sentences


def _transport(knowledge: Knowledge, answers: Mapping[str, Any]) -> list[str]:
    """Broker, serialization, ordering and partitions in one sentence, as an architect says it."""
    parts: list[str] = []
    if "broker" in answers:
        parts.append(f"the broker is {answer_label(knowledge, 'broker', answers['broker'])}")
    if "serialization" in answers:
        fmt = answer_label(knowledge, "serialization", answers["serialization"])
        parts.append(f"events are serialized as {fmt}")
    if "ordering" in answers:
        order = {
            "none": "no ordering",
            "per_entity": "per-entity order",
            "global": "one global order",
        }
        parts.append(f"consumers rely on {order.get(answers['ordering'], answers['ordering'])}")
    if "partitions" in answers:
        partitions = _count(answers["partitions"], "partition", "partitions")
        parts.append(f"the main topic has {partitions}")
    if "consumer_instances" in answers:
        n = answers["consumer_instances"]
        parts.append(f"the largest consumer group runs {_count(n, 'instance', 'instances')}")
    if not parts:
        return []
    text = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    return [text[0].upper() + text[1:] + "."]
