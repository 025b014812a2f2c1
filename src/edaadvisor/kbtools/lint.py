"""``edaadvisor kb lint``: find the knowledge-base defects that make advice silently wrong.

Findings, each one line ``file:line: item: reason [kind]``:

``schema`` / ``duplicate``       an item the loader rejects (reported here, not raised)
``unknown-reference``            a condition names a question or topic that does not exist
``out-of-domain``                a compared value no answer can take, or a comparison whose
                                 result is the same for every answer in the domain
``never-fires``                  a rule or red flag whose condition no answers can satisfy
``shadowed``                     every time the rule fires, a stronger rule (or an equally
                                 strong, more cautious one) with another verdict fires too, so
                                 its verdict never stands. A weaker rule that only ever agrees
                                 with a stronger one is corroboration (the report lists it as
                                 overridden), not a defect, and is not reported
``contradiction``                two equally strong rules with different verdicts can fire for
                                 the same answers (the engine then silently picks caution)
``gap``                          a topic left on its fallback although every question it
                                 depends on is answered (see below)
``unread-question``              a question no rule or red flag reads: asked for nothing
``requirement``                  a rule that fires only where a topic its topic requires is
                                 rejected: its verdict is only ever conditional advice
``implausible``                  a rule that fires only on answers a declared conflict calls
                                 contradictory
``visibility-order`` / ``visibility-cycle``   visible_when reading later questions, or looping
``topic-cycle``                  topic verdicts that depend on each other

**Gap, defined.** A topic's fallback verdict is meant for "not enough answers yet". If some
combination of answers, with every question the interview would show answered, makes no rule
of the topic fire, the fallback is standing in for a decision nobody wrote. Where that verdict is
intended, say so with an explicit rule (it can carry the fallback's verdict and its reason);
the linter then has nothing to report. Questions hidden by earlier answers count as unanswered,
as in the interview.

Analyses enumerate representative answers (``space.py``), not integers, and stay exact where
they report: a finding is only made when it is certain.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

from ..core.compiled import CompiledKnowledge, CompiledRule, compile_condition
from ..core.conditions import AnswerTest
from ..core.errors import Problem
from ..core.knowledge import Knowledge, load_knowledge_leniently
from ..core.model import CAUTION_RANK, STRENGTH_RANK
from .space import MAX_CASES, Spaces


@dataclass(frozen=True)
class Finding:
    where: str
    item: str
    reason: str
    kind: str
    note: bool = False
    """A consequence a pack chose (it switched a shipped item off), shown but not a defect."""

    def __str__(self) -> str:
        prefix = "note: " if self.note else ""
        return f"{prefix}{self.where}: {self.item}: {self.reason} [{self.kind}]"


def lint_folders(folders: Sequence[Path]) -> list[Finding]:
    """Lint the shipped knowledge plus ``folders``; a folder with knowledge.yaml replaces it."""
    base = next((f for f in folders if (f / "knowledge.yaml").is_file()), None)
    packs = [f for f in folders if f != base]
    knowledge, problems = load_knowledge_leniently(packs, base=base)
    findings = [_from_problem(p) for p in problems]
    if knowledge is not None:
        findings += lint_knowledge(knowledge, skip={f.item for f in findings})
    if packs and knowledge is not None:
        findings = _notes_for_switched_off(findings, base, knowledge)
    return findings


def _notes_for_switched_off(
    findings: list[Finding], base: Path | None, knowledge: Knowledge
) -> list[Finding]:
    """A pack that overrides shipped rules may leave a shipped rule or flag unable to fire
    (orchestrate every saga, and the flag for choreographed sagas never applies). That is the
    pack's policy, not a defect: it becomes a note, unless the item was dead without the pack."""
    base_knowledge, _ = load_knowledge_leniently([], base=base)
    if base_knowledge is None:
        return findings
    before = {(f.item, f.kind) for f in lint_knowledge(base_knowledge)}
    result: list[Finding] = []
    for finding in findings:
        noun, _, item_id = finding.item.partition(" ")
        key = f"{'red_flag' if noun == 'red' else noun}:{item_id.removeprefix('flag ')}"
        # still the shipped item (not one a pack replaced), alive without the packs
        shipped = key in base_knowledge.origin and (
            base_knowledge.origin[key] == knowledge.origin.get(key)
        )
        if finding.kind == "never-fires" and shipped and (finding.item, finding.kind) not in before:
            finding = dataclasses.replace(
                finding, reason=finding.reason + " once the packs are applied", note=True
            )
        result.append(finding)
    return result


def lint_knowledge(knowledge: Knowledge, skip: set[str] | None = None) -> list[Finding]:
    """Every analysis over a loaded knowledge base; items in ``skip`` are already reported."""
    skip = skip or set()
    compiled = CompiledKnowledge(knowledge)
    findings = _unread_questions(knowledge) + _visibility_cycles(knowledge)
    findings += _constant_comparisons(knowledge)
    if _has_topic_cycle(compiled):
        return findings
    spaces = Spaces(knowledge, compiled)
    for topic in compiled.order:
        rules = [r for r in compiled.rules[topic] if f"rule {r.id}" not in skip]
        cases = spaces.screening(topic)
        closure = sum(len(compiled.rules[t]) for t in compiled.topic_closure[topic])
        work = (len(cases) if cases is not None else MAX_CASES) * max(len(rules), closure)
        if work > MAX_WORK:
            # a pack this large is checked only as far as a bounded amount of work goes
            findings.append(
                Finding(
                    _origin(knowledge, "topic", topic),
                    f"topic {topic}",
                    f"not analysed: {len(rules)} rules over its answer space exceed the "
                    f"linter's work bound ({MAX_WORK:,} rule checks)",
                    "skipped",
                    note=True,
                )
            )
            continue
        findings += _rule_findings(knowledge, spaces, topic, rules, cases)
        findings += _gap(knowledge, spaces, topic)
    findings += _silent_flags(knowledge, spaces, skip)
    return findings


MAX_WORK = 20_000_000
"""Rule checks one topic's analyses may take: a few seconds; the shipped knowledge needs a
small fraction. Past it the topic is reported as not analysed (a note, not a defect)."""


_STRENGTH = {rank: name for name, rank in STRENGTH_RANK.items()}
_LABEL = re.compile(r"^\((rule|red flag|question|topic) ([^)]+)\) (.*)$", re.DOTALL)


def _from_problem(problem: Problem) -> Finding:
    where = problem.source or "knowledge"
    if problem.line is not None:
        where = f"{where}:{problem.line}"
    message = problem.message
    item = "file"
    match = _LABEL.match(message)
    if match:
        item, message = f"{match.group(1)} {match.group(2)}", match.group(3)
    else:
        ids = re.match(r"^(rule|red flag|question|topic) '([^']+)'", message)
        if ids:
            item = f"{ids.group(1)} {ids.group(2)}"
    return Finding(where, item, message, _problem_kind(message, problem))


def _problem_kind(message: str, problem: Problem) -> str:
    if "unknown question" in message or "unknown topic" in message or "does not exist" in message:
        return "unknown-reference"
    if "is not an answer to" in message or "compares numbers" in message:
        return "out-of-domain"
    if "not asked before it" in message:
        return "visibility-order"
    if "in a cycle" in message:
        return "topic-cycle"
    if "already defined" in message or "replaces nothing" in message:
        return "duplicate"
    return "schema"


def _origin(knowledge: Knowledge, kind: str, item_id: str) -> str:
    return knowledge.origin.get(f"{kind}:{item_id}", "knowledge")


def _unread_questions(knowledge: Knowledge) -> list[Finding]:
    read = {q for r in knowledge.rules for q in r.when.questions()}
    read |= {q for f in knowledge.red_flags for q in f.when.questions()}
    read |= {q for c in knowledge.conflicts for q in c.when.questions()}
    if any(f.safeguard for f in knowledge.red_flags):
        read.add("safeguards")  # a safeguard in place turns its red flag into a check
    return [
        Finding(
            _origin(knowledge, "question", q),
            f"question {q}",
            "no rule or red flag reads this question, so its answer changes nothing",
            "unread-question",
        )
        for q in knowledge.questions
        if q not in read
    ]


def _visibility_cycles(knowledge: Knowledge) -> list[Finding]:
    reads = {
        q.id: [r for r in q.visible_when.questions() if r in knowledge.questions]
        for q in knowledge.questions.values()
        if q.visible_when is not None
    }
    findings: list[Finding] = []
    reported: set[frozenset[str]] = set()
    for start in reads:
        path = _cycle_from(start, reads)
        if path and frozenset(path) not in reported:
            reported.add(frozenset(path))
            findings.append(
                Finding(
                    _origin(knowledge, "question", start),
                    f"question {start}",
                    "visibility depends on itself: " + " -> ".join(path),
                    "visibility-cycle",
                )
            )
    return findings


def _cycle_from(start: str, reads: dict[str, list[str]]) -> list[str]:
    stack = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for nxt in reads.get(node, []):
            if nxt == start:
                return [*path, start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return []


def _constant_comparisons(knowledge: Knowledge) -> list[Finding]:
    findings: list[Finding] = []
    items = [("rule", r.id, r.when) for r in knowledge.rules]
    items += [("red_flag", f.id, f.when) for f in knowledge.red_flags]
    for kind, item_id, condition in items:
        for node in condition.walk():
            if not isinstance(node, AnswerTest) or node.operator not in ("gt", "ge", "lt", "le"):
                continue
            question = knowledge.questions.get(node.answer)
            if question is None or question.type != "int":
                continue
            always = _constant(node.operator, node.operand, question.minimum, question.maximum)
            if always is not None:
                findings.append(
                    Finding(
                        _origin(knowledge, kind, item_id),
                        f"{kind.replace('_', ' ')} {item_id}",
                        f"'{node.answer} {node.operator} {node.operand}' is "
                        f"{'always' if always else 'never'} true for "
                        f"{question.domain_text()}",
                        "out-of-domain",
                    )
                )
    return findings


def _constant(op: str, t: int, low: int | None, high: int | None) -> bool | None:
    """True/False when ``value op t`` is the same for every value in [low, high]."""
    if op in ("gt", "le"):
        op, t = ("ge" if op == "gt" else "lt"), t + 1
    if op == "ge":
        if low is not None and t <= low:
            return True
        return False if high is not None and t > high else None
    if low is not None and t <= low:
        return False
    return True if high is not None and t > high else None


def _has_topic_cycle(compiled: CompiledKnowledge) -> bool:
    position = {t: i for i, t in enumerate(compiled.order)}
    return any(position[d] >= position[t] for t, deps in compiled.deps.items() for d in deps)


def _beats(a: CompiledRule, b: CompiledRule) -> bool:
    """Whether ``a`` firing keeps ``b`` from deciding (the engine's resolution order)."""
    if a.rank != b.rank:
        return a.rank > b.rank
    return a.verdict != b.verdict and CAUTION_RANK[a.verdict] > CAUTION_RANK[b.verdict]


def _rule_findings(
    knowledge: Knowledge,
    spaces: Spaces,
    topic: str,
    rules: list[CompiledRule],
    cases: list[tuple[dict[str, Any], dict[str, str]]] | None,
) -> list[Finding]:
    """Never-fires, shadowed, contradiction, requirement and implausible, over ``cases`` (the
    topic's screening space)."""
    if cases is None or not rules:
        return []
    fired_ever: set[str] = set()
    decides: set[str] = set()
    stands_ever: set[str] = set()
    plausible_ever: set[str] = set()
    together: dict[tuple[str, str], dict[str, Any]] = {}
    compiled = spaces.compiled
    conflicts = [compile_condition(c.when) for c in knowledge.conflicts]
    for answers, verdicts in cases:
        fired = [r for r in rules if r.check(answers, verdicts) is True]
        capped = bool(fired) and compiled.blocked(topic, verdicts)
        plausible = bool(fired) and not any(check(answers, {}) is True for check in conflicts)
        for rule in fired:
            fired_ever.add(rule.id)
            if not capped or rule.verdict in ("advise_against", "not_applicable"):
                stands_ever.add(rule.id)
            if plausible:
                plausible_ever.add(rule.id)
            if not any(_beats(other, rule) and other.verdict != rule.verdict for other in fired):
                decides.add(rule.id)
        for one, two in combinations(fired, 2):
            if one.rank == two.rank and one.verdict != two.verdict:
                together.setdefault((one.id, two.id), answers)
    findings: list[Finding] = []
    for rule in rules:
        where = _origin(knowledge, "rule", rule.id)
        if rule.id in fired_ever and rule.id in decides and rule.id not in stands_ever:
            findings.append(
                Finding(
                    where,
                    f"rule {rule.id}",
                    f"it fires only where a topic that {topic} requires is rejected, so its "
                    "verdict is never more than conditional advice",
                    "requirement",
                )
            )
        if rule.id in fired_ever and rule.id not in plausible_ever and knowledge.conflicts:
            findings.append(
                Finding(
                    where,
                    f"rule {rule.id}",
                    "it fires only on answers that contradict each other (a declared conflict)",
                    "implausible",
                )
            )
        if rule.id not in fired_ever:
            why = "no combination of answers makes its condition true"
            findings.append(Finding(where, f"rule {rule.id}", why, "never-fires"))
        elif rule.id not in decides:
            why = (
                "whenever it fires, a stronger (or equally strong, more cautious) rule with "
                "another verdict fires too, so its verdict never stands"
            )
            findings.append(Finding(where, f"rule {rule.id}", why, "shadowed"))
    by_id = {r.id: r for r in rules}
    for (a, b), answers in together.items():
        witness = _confirm_together(spaces, topic, by_id[a], by_id[b], answers)
        if witness is not None:
            findings.append(
                Finding(
                    _origin(knowledge, "rule", b),
                    f"rule {b}",
                    f"as strong as rule {a} ({_STRENGTH[by_id[a].rank]}) but {by_id[b].verdict} "
                    f"instead of {by_id[a].verdict}, and both fire when {_show(witness)}",
                    "contradiction",
                )
            )
    return findings


def _confirm_together(
    spaces: Spaces, topic: str, a: CompiledRule, b: CompiledRule, answers: dict[str, Any]
) -> dict[str, Any] | None:
    """A real answer set where both fire (dependencies evaluated), or None."""
    compiled = spaces.compiled
    own = spaces.own_questions(topic)
    fixed = {q: answers.get(q) for q in own}
    rest = [q for q in compiled.question_closure.get(topic, []) if q not in own]
    candidates = spaces.joint(rest, unanswered=True, fixed={})
    if candidates is None:
        return None
    for extra in candidates:
        full = {**extra, **{q: v for q, v in fixed.items() if v is not None}}
        verdicts = compiled.verdicts(full, only=set(compiled.topic_closure[topic]) - {topic})
        if a.check(full, verdicts) is True and b.check(full, verdicts) is True:
            return {q: full[q] for q in compiled.question_closure[topic] if q in full}
    return None


def _gap(knowledge: Knowledge, spaces: Spaces, topic: str) -> list[Finding]:
    compiled = spaces.compiled
    rules = compiled.rules[topic]
    questions = spaces.visibility_closure(compiled.question_closure.get(topic, []))
    cases = spaces.joint(questions, unanswered=False)
    if cases is None:
        return []
    others = set(compiled.topic_closure[topic]) - {topic}
    # the other topics' verdicts depend only on the questions they read: many cases share them
    read_by_others = sorted({q for t in others for q in compiled.question_closure.get(t, [])})
    memo: dict[tuple[Any, ...], dict[str, str]] = {}
    for raw in cases:
        answers = spaces.as_asked(raw)
        key = tuple(answers.get(q) for q in read_by_others)
        verdicts = memo.get(key)
        if verdicts is None:
            verdicts = memo[key] = compiled.verdicts(answers, only=others)
        # a rejected requirement decides the topic too: that is no gap
        if not any(rule.check(answers, verdicts) is True for rule in rules) and not (
            compiled.blocked(topic, verdicts)
        ):
            relevant = {q: v for q, v in answers.items() if q in questions}
            return [
                Finding(
                    _origin(knowledge, "topic", topic),
                    f"topic {topic}",
                    f"no rule fires when {_show(relevant)}, so the fallback "
                    f"({compiled.fallback[topic]}) stands although everything is answered",
                    "gap",
                )
            ]
    return []


def _silent_flags(knowledge: Knowledge, spaces: Spaces, skip: set[str]) -> list[Finding]:
    findings: list[Finding] = []
    for flag in knowledge.red_flags:
        if f"red flag {flag.id}" in skip:
            continue
        questions = [q for q in knowledge.questions if q in set(flag.when.questions())]
        deps = [t for t in flag.when.topics() if t in knowledge.topics]
        cases = spaces.screening("", questions, deps)
        check = compile_condition(flag.when)
        if cases is not None and not any(check(a, v) is True for a, v in cases):
            findings.append(
                Finding(
                    _origin(knowledge, "red_flag", flag.id),
                    f"red flag {flag.id}",
                    "no combination of answers makes its condition true",
                    "never-fires",
                )
            )
    return findings


def _show(answers: dict[str, Any]) -> str:
    if not answers:
        return "nothing is answered"
    return ", ".join(f"{q}={_scalar(v)}" for q, v in answers.items())


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
