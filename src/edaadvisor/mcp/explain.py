"""Words for agents: one topic's reasoning, the topic catalogue, and each topic's rules.

``explain_topic`` reads the report (the same decisions, findings and what-if the JSON report
carries) and says it in sentences an agent can relay. ``topic_rules_markdown`` shows the
knowledge base's rules for a topic as a person would read them, conditions in words, so an
agent can answer "why would it say that?" without the YAML. Pack text is escaped once for
Markdown, as in the ADR.
"""

from __future__ import annotations

from typing import Any

from ..adr.prose import VERDICT_WORDS, answers_phrase
from ..core.conditions import AllOf, Always, AnswerTest, AnyOf, Not, PairTest, VerdictTest
from ..core.knowledge import Knowledge
from ..core.report import Report
from .tools import Explanation

RULES_URI = "edaadvisor://topics/{topic}/rules"

_OPERATORS = {
    "eq": "is", "ne": "is not", "in": "is one of", "not_in": "is none of",
    "gt": ">", "ge": "≥", "lt": "<", "le": "≤",
}  # fmt: skip


def _words(verdict: str) -> str:
    return VERDICT_WORDS.get(verdict, verdict)


def _flat(text: str) -> str:
    return " ".join(text.split())


def explain_topic(report: Report, topic: str) -> Explanation:
    """One topic's verdict, the rules and answers behind it, and what would change it."""
    decision = report.decisions[topic]
    knowledge = report.knowledge
    strength = (
        f"{decision.strength} strength"
        if decision.strength
        else "the knowledge base's default, as no rule applied"
    )
    # a fallback's summary ends in the unanswered ids; the sentence below names them in words
    reason = decision.topic.default.summary if decision.strength is None else decision.summary
    lines = [f"{decision.topic.title}: {_words(decision.verdict)} ({strength}).", _flat(reason)]
    for finding in decision.deciding:
        inputs = [answers_phrase(knowledge, finding.answers)] if finding.answers else []
        inputs += [f"{t} {_words(v)}" for t, v in finding.verdicts.items()]
        given = f" given {'; '.join(inputs)}" if inputs else ""
        lines.append(f"Rule {finding.rule.id} decides it{given}: {_flat(finding.rule.rationale)}")
    for finding in decision.overridden:
        rule = finding.rule
        lines.append(
            f"It outweighs rule {rule.id} ({rule.strength}, {_words(rule.verdict)}): "
            f"{_flat(rule.summary)}"
        )
    if decision.unknown:
        titles = [
            knowledge.questions[q].title for q in decision.unknown if q in knowledge.questions
        ]
        lines.append(f"Answers that could still change it: {'; '.join(titles)}")
    for item in report.what_if.get(topic, []):
        lines.append(f"It would be {_words(item.verdict)} {item.description}.")
    references: dict[str, None] = {}
    for finding in decision.deciding:
        references.update(dict.fromkeys(str(r) for r in finding.rule.references))
    references.update(dict.fromkeys(str(r) for r in decision.topic.references))
    return {
        "topic": topic,
        "title": decision.topic.title,
        "verdict": decision.verdict,
        "strength": decision.strength,
        "rules": decision.rules,
        "text": "\n".join(lines),
        "references": list(references),
    }


def topic_catalogue(knowledge: Knowledge) -> list[dict[str, Any]]:
    """Every topic: what it decides, its default, and where its rules are."""
    return [
        {
            "id": topic.id,
            "title": topic.title,
            "question": topic.question,
            "description": _flat(topic.description),
            "default_verdict": topic.default.verdict,
            "rules": len(knowledge.rules_for(topic.id)),
            "rules_resource": RULES_URI.format(topic=topic.id),
        }
        for topic in knowledge.topics.values()
    ]


def topic_rules_markdown(knowledge: Knowledge, topic_id: str) -> str:
    """A topic's rules as Markdown: verdict, strength, condition in words, why, sources."""
    from ..adr.text import md_escape

    topic = knowledge.topics[topic_id]
    out = [
        f"# {md_escape(topic.title)} (`{topic.id}`)",
        "",
        md_escape(_flat(topic.question)),
        "",
        md_escape(_flat(topic.description)),
        "",
        f"When no rule applies: **{_words(topic.default.verdict)}**. "
        f"{md_escape(_flat(topic.default.summary))}",
        "",
        "Rules are weighed by strength (decisive > strong > normal > weak); among equally "
        "strong rules that disagree, the most cautious verdict wins.",
    ]
    for rule in knowledge.rules_for(topic_id):
        out += [
            "",
            f"## `{rule.id}`: {_words(rule.verdict)} ({rule.strength})",
            "",
            f"When {condition_words(rule.when)}.",
            "",
            md_escape(_flat(rule.summary)),
            "",
            md_escape(_flat(rule.rationale)),
        ]
        if rule.references:
            out += ["", *(f"- {md_escape(str(r))}" for r in rule.references)]
    return "\n".join(out) + "\n"


def condition_words(node: Any) -> str:
    """A condition tree in words: ``services ≥ 2 and consistency is eventual``."""
    if isinstance(node, AllOf | AnyOf):
        joiner = " and " if isinstance(node, AllOf) else " or "
        children = node.all if isinstance(node, AllOf) else node.any
        return joiner.join(_grouped(child) for child in children)
    if isinstance(node, Not):
        return f"not ({condition_words(node.not_)})"
    if isinstance(node, AnswerTest):
        if node.operator == "known":
            return f"`{node.answer}` is {'answered' if node.operand else 'unanswered'}"
        return f"`{node.answer}` {_OPERATORS[node.operator]} {_operand(node.operand)}"
    if isinstance(node, PairTest):
        left, right = node.answers
        return f"`{left}` {_OPERATORS[node.op]} `{right}`"
    if isinstance(node, VerdictTest):
        verdicts = " or ".join(_words(v) for v in node.in_)
        return f"the verdict on `{node.topic}` is {verdicts}"
    if isinstance(node, Always):
        return "always"
    return str(node)  # pragma: no cover - a node kind added to the core later


def _grouped(node: Any) -> str:
    text = condition_words(node)
    return f"({text})" if isinstance(node, AllOf | AnyOf) else text


def _operand(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_operand(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}"
    return f"`{value}`"
