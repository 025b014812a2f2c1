"""Mermaid pictures for the ADR: the saga under the chosen style, and the event flow.

Only knowledge-base words and numbers reach a diagram, never people's text, and every label is
quoted, so what GitHub renders is always a valid flowchart. Long workflows are drawn with their
first and last participants and an ellipsis: the point is who drives whom, not a census.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from typing import Any

MAX_DRAWN = 5


def _label(text: str) -> str:
    # Mermaid has no backslash escapes inside quotes; #quot; is its entity for a quote mark
    return '"' + text.replace('"', "#quot;") + '"'


def _participants(count: int) -> list[tuple[str, str]]:
    """(node id, label) for each drawn participant; the middle collapses beyond MAX_DRAWN."""
    numbers = list(range(1, count + 1))
    if count > MAX_DRAWN:
        numbers = [*numbers[: MAX_DRAWN - 2], 0, count]
    return [(f"p{n}", f"Participant {n}" if n else "...") for n in numbers]


def saga_style(verdicts: Mapping[str, str]) -> str | None:
    """``orchestration`` or ``choreography``: the style the verdicts favour, if any."""
    orch, choreo = verdicts.get("orchestration"), verdicts.get("choreography")
    for wanted in ("recommend", "consider"):
        if orch == wanted:
            return "orchestration"
        if choreo == wanted:
            return "choreography"
    return None


def saga_diagram(answers: Mapping[str, Any], verdicts: Mapping[str, str]) -> str | None:
    """The saga's participants and who drives whom, or None when there is no saga to draw."""
    count = answers.get("workflow_participants")
    style = saga_style(verdicts)
    if not isinstance(count, int) or count < 2 or style is None:
        return None
    nodes = _participants(count)
    lines = ["flowchart LR"]
    if style == "orchestration":
        lines.append(f"    orch[{_label('Saga orchestrator')}]")
        for node, label in nodes:
            lines.append(f"    {node}[{_label(label)}]")
            verb = "commands" if label == "..." else f"{node[1:]}. command"
            lines.append(f"    orch -->|{_label(verb)}| {node}")
            lines.append(f"    {node} -.->|{_label('reply or failure')}| orch")
        return "\n".join(lines)
    for node, label in nodes:
        lines.append(f"    {node}[{_label(label)}]")
    for (a, _), (b, _) in pairwise(nodes):
        lines.append(f"    {a} -->|{_label('event')}| {b}")
    for (a, _), (b, _) in pairwise(nodes):
        lines.append(f"    {b} -.->|{_label('compensating event')}| {a}")
    return "\n".join(lines)


def event_flow_diagram(
    answers: Mapping[str, Any], verdicts: Mapping[str, str], broker_label: str | None
) -> str | None:
    """Producer to consumers through the broker, with the safety patterns the ADR adopts."""
    if verdicts.get("event_driven") != "recommend":
        return None
    adopted = {topic for topic, verdict in verdicts.items() if verdict == "recommend"}
    lines = ["flowchart LR", f"    producer[{_label('Producer service')}]"]
    broker = broker_label if broker_label and answers.get("broker") != "undecided" else "Broker"
    lines.append(f"    broker[[{_label(broker)}]]")
    if "outbox" in adopted:
        lines.append(f"    outbox[({_label('Outbox table')})]")
        lines.append(f"    producer -->|{_label('change and event, one transaction')}| outbox")
        lines.append(f"    outbox -->|{_label('relay publishes')}| broker")
    else:
        lines.append(f"    producer -->|{_label('publishes')}| broker")
    if "schema_registry" in adopted:
        lines.append(f"    registry[{_label('Schema registry')}]")
        lines.append(f"    producer -.->|{_label('registers schema')}| registry")
    delivery = "events keyed by entity id" if "partition_key" in adopted else "events"
    consumers = answers.get("consumers")
    drawn = _participants(consumers if isinstance(consumers, int) and consumers > 0 else 1)
    for node, label in drawn:
        consumer = label.replace("Participant", "Consumer")
        lines.append(f"    c{node}[{_label(consumer)}]")
        lines.append(f"    broker -->|{_label(delivery)}| c{node}")
    if "dead_letter_queue" in adopted:
        lines.append(f"    dlq[({_label('Dead letter queue')})]")
        lines.append(f"    c{drawn[0][0]} -.->|{_label('poison message')}| dlq")
    return "\n".join(lines)
