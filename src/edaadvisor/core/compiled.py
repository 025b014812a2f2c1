"""How a topic is judged: the one implementation of the engine's semantics.

Every condition becomes a plain closure, and ``CompiledKnowledge.judge`` decides one topic:
its rules in three-valued logic, the strongest fired rules, the most cautious among equals,
the fallback when none fires, a rule that leans on an assumed answer weighed as at most
``normal``, and the topic's requirements (a topic is never more adopted than the topic it
requires). ``engine.evaluate`` explains the judgements; the what-if search and the linter
call the same ``judge`` thousands of times and read only the verdicts, so they can never
disagree with the report.

It also derives, per integer question, the *regions* that the knowledge base's comparisons cut
its domain into: within one region every comparison gives the same result, so one value stands
for the whole region. That is what keeps what-if and the linter off brute force over integers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from .conditions import (
    BROKER_QUESTION,
    AllOf,
    Always,
    AnswerTest,
    AnyOf,
    CapabilityTest,
    Not,
    PairTest,
    Truth,
    Undecided,
    VerdictTest,
    _Node,
    compare,
)
from .knowledge import Knowledge, dependency_order
from .model import CAUTION_RANK, STRENGTH_RANK, Rule
from .record import Record, field

Check = Callable[[Mapping[str, Any], Mapping[str, str]], Truth]


def compile_condition(node: _Node) -> Check:
    """A closure with the same three-valued result as ``node.evaluate``."""
    if isinstance(node, AllOf):
        parts = [compile_condition(child) for child in node.all]

        def all_of(a: Mapping[str, Any], v: Mapping[str, str]) -> Truth:
            result: Truth = True
            for part in parts:
                value = part(a, v)
                if value is False:
                    return False
                if value is None:
                    result = None
            return result

        return all_of
    if isinstance(node, AnyOf):
        parts = [compile_condition(child) for child in node.any]

        def any_of(a: Mapping[str, Any], v: Mapping[str, str]) -> Truth:
            result: Truth = False
            for part in parts:
                value = part(a, v)
                if value is True:
                    return True
                if value is None:
                    result = None
            return result

        return any_of
    if isinstance(node, Not):
        inner = compile_condition(node.not_)

        def not_(a: Mapping[str, Any], v: Mapping[str, str]) -> Truth:
            value = inner(a, v)
            return None if value is None else not value

        return not_
    if isinstance(node, AnswerTest):
        return _answer_test(node.answer, node.operator, node.operand)
    if isinstance(node, PairTest):
        left, right = node.answers
        op = node.op

        def pair(a: Mapping[str, Any], v: Mapping[str, str]) -> Truth:
            x, y = a.get(left), a.get(right)
            if x is None or y is None:
                return None
            return compare(op, x, y)

        return pair
    if isinstance(node, VerdictTest):
        topic, allowed = node.topic, frozenset(node.in_)

        def verdict_test(a: Mapping[str, Any], v: Mapping[str, str]) -> Truth:
            verdict = v.get(topic)
            if verdict is None or isinstance(verdict, Undecided):
                return None
            return verdict in allowed

        return verdict_test
    if isinstance(node, CapabilityTest):
        has, known = frozenset(node.has), frozenset(node.known)

        def capability(a: Mapping[str, Any], v: Mapping[str, str]) -> Truth:
            broker = a.get(BROKER_QUESTION)
            if broker is None or broker not in known:
                return None
            return broker in has

        return capability
    if isinstance(node, Always):
        return lambda a, v: True
    raise TypeError(f"unknown condition node {type(node).__name__}")  # pragma: no cover


def _answer_test(question: str, op: str, operand: Any) -> Check:
    if op == "known":
        wanted = bool(operand)
        return lambda a, v: (a.get(question) is not None) == wanted
    if op in ("in", "not_in") and all(_hashable(item) for item in operand):
        # a set of (type, value), as ``compare`` matches them (True is not 1), so a long list
        # costs one look-up, not a scan
        listed = frozenset((type(item), item) for item in operand)
        inside = op == "in"

        def member(a: Mapping[str, Any], v: Mapping[str, str]) -> Truth:
            value = a.get(question)
            if value is None:
                return None
            if not _hashable(value):
                return compare(op, value, operand)
            return ((type(value), value) in listed) == inside

        return member

    def test(a: Mapping[str, Any], v: Mapping[str, str]) -> Truth:
        value = a.get(question)
        if value is None:
            return None
        return compare(op, value, operand)

    return test


def _hashable(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


NORMAL = STRENGTH_RANK["normal"]
ADOPTION = {"recommend": 2, "consider": 1, "advise_against": 0, "not_applicable": 0}
"""How far a verdict adopts its topic; a requirement caps its dependants at this level."""


class CompiledRule(Record):
    id: str
    topic: str
    verdict: str
    rank: int
    check: Check
    questions: tuple[str, ...]
    topics: tuple[str, ...]
    rule: Rule


class Capped(Record):
    """A verdict lowered because a topic it requires is rejected or still open."""

    topic: str
    """The required topic that set the cap."""
    topic_verdict: str
    before: str
    """The verdict the topic's own rules gave: what applies if the requirement is met."""
    unless: str
    """The requirement in words ("if you publish events anyway")."""


class Judgement(Record):
    """One topic decided: the verdict and everything the engine needs to explain it."""

    verdict: str
    """Possibly ``Undecided``: the fallback stands only for want of answers."""
    fired: list[CompiledRule]
    undecidable: list[CompiledRule]
    deciding: list[CompiledRule]
    rank: int
    """The deciding rules' effective rank; 0 when the fallback stands."""
    leaning: dict[str, list[str]] = field(default_factory=dict)
    """Rule id -> the assumed answers (or topics judged on them) it relied on to fire."""
    capped: Capped | None = None
    rules: list[CompiledRule] = field(default_factory=list)
    """Every rule of the topic, in knowledge order."""

    @property
    def leaned_on(self) -> list[str]:
        """The assumed answers the deciding rules relied on, for the topics that read this one."""
        return _leaned_on(self.leaning)


def _leaned_on(leaning: Mapping[str, list[str]]) -> list[str]:
    return [q for qs in leaning.values() for q in qs]


class Snapshot(Record):
    """One evaluation kept for re-use: answers, assumptions, verdicts and every rule's truth."""

    answers: dict[str, Any]
    assumed: dict[str, Any]
    verdicts: dict[str, str]
    leaning: dict[str, list[str]]
    truths: dict[str, list[Truth]]

    def stands(self, topic: str, verdict: str, leaned_on: list[str]) -> bool:
        """Whether ``verdict``, leaning on ``leaned_on``, is where ``topic`` stood here: the
        same verdict, open or settled alike, on the same assumptions."""
        before = self.verdicts[topic]
        return (
            str(verdict) == str(before)
            and isinstance(verdict, Undecided) == isinstance(before, Undecided)
            and (leaned_on or None) == self.leaning.get(topic)
        )


class Effect(NamedTuple):
    """What one change of answers did (``CompiledKnowledge.effect``)."""

    verdicts: dict[str, str]
    work: int
    """Rule checks it took, a topic judged again counting as a few."""
    moved: frozenset[str]
    """Answers whose value, or whether it is assumed, differs from the snapshot's."""
    changed: frozenset[str]
    """Topics whose verdict (or what it leans on) differs."""
    flips: dict[str, dict[int, Truth]]
    """Topic -> index of a rule whose truth differs -> its truth now."""
    answers: Mapping[str, Any]
    """The answers after the change, assumed ones included."""
    assumed: Mapping[str, Any]
    leaning: dict[str, list[str]]
    """Topic -> the assumed answers its verdict leans on, after the change."""


class CompiledKnowledge:
    """Rules per topic as closures, a dependency order, and what each topic can depend on."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self._reach_index: (
            tuple[
                dict[str, dict[str, list[int]]],
                dict[str, list[tuple[str, list[int]]]],
                dict[str, list[str]],
            ]
            | None
        ) = None
        self._read_with: dict[tuple[str, str], frozenset[str]] = {}
        self.rules: dict[str, list[CompiledRule]] = {t: [] for t in knowledge.topics}
        for rule in knowledge.rules:
            if rule.topic in self.rules:
                self.rules[rule.topic].append(
                    CompiledRule(
                        rule.id,
                        rule.topic,
                        rule.verdict,
                        rule.rank,
                        compile_condition(rule.when),
                        tuple(rule.when.questions()),
                        tuple(t for t in rule.when.topics() if t in knowledge.topics),
                        rule,
                    )
                )
        self.fallback = {t: topic.default.verdict for t, topic in knowledge.topics.items()}
        self.requires = {
            t: [
                (tuple(n for n in req.topics if n in knowledge.topics), req.unless)
                for req in topic.requires
            ]
            for t, topic in knowledge.topics.items()
        }
        self.deps = {
            t: sorted(
                {d for rule in rules for d in rule.topics}
                | {n for needed, _ in self.requires[t] for n in needed}
            )
            for t, rules in self.rules.items()
        }
        self.order = dependency_order(self.deps)
        self.visible: dict[str, Check] = {
            q.id: compile_condition(q.visible_when)
            for q in knowledge.questions.values()
            if q.visible_when is not None
        }
        self.question_index = {q: i for i, q in enumerate(knowledge.questions)}
        self.typical = [q for q in knowledge.questions.values() if q.typical is not None]
        """Questions that state a typical answer, in questionnaire order (``assume``)."""
        self.topic_closure: dict[str, list[str]] = {}
        self.question_closure: dict[str, list[str]] = {}
        for topic in self.order:
            topics = {topic}
            for dep in self.deps[topic]:
                topics.update(self.topic_closure.get(dep, [dep]))
            self.topic_closure[topic] = [t for t in self.order if t in topics]
            # unknown ids (reported by the loader) have no domain to try values from
            read = {
                q
                for t in topics
                for rule in self.rules[t]
                for q in rule.questions
                if q in knowledge.questions
            }
            self.question_closure[topic] = sorted(read, key=self._question_key)
        self.readers_of = self.index_readers()
        self.readers: dict[str, list[str]] = {q: [] for q in knowledge.questions}
        for topic in self.order:
            for question in self.question_closure[topic]:
                self.readers.setdefault(question, []).append(topic)

    def index_readers(self) -> dict[str, dict[str, list[int]]]:
        """Topic -> question or topic id -> indexes of the topic's rules that read it."""
        readers: dict[str, dict[str, list[int]]] = {}
        for topic, compiled_rules in self.rules.items():
            index: dict[str, list[int]] = {}
            for i, compiled_rule in enumerate(compiled_rules):
                for key in dict.fromkeys((*compiled_rule.questions, *compiled_rule.topics)):
                    index.setdefault(key, []).append(i)
            readers[topic] = index
        return readers

    def _question_key(self, question: str) -> tuple[int, str]:
        return (self.question_index.get(question, len(self.question_index)), question)

    def judge(
        self,
        topic: str,
        answers: Mapping[str, Any],
        verdicts: Mapping[str, str],
        assumed: Mapping[str, Any] | None = None,
        leaning: Mapping[str, list[str]] | None = None,
        truths: Sequence[Truth] | None = None,
    ) -> Judgement:
        """Decide ``topic``: strongest fired rules, the most cautious among equals, else the
        fallback; then the topic's requirements cap it.

        ``answers`` may hold assumed values (the keys of ``assumed``); a rule that fires only
        thanks to one of them, or reads a topic that was judged on one (``leaning``: topic ->
        assumed questions), weighs at most ``normal``: an assumption never outweighs a fact.
        ``truths``, when given, are the rules' conditions already evaluated for these answers
        (``rule_truths``): the what-if search re-evaluates only the rules a change touches.
        """
        verdict, fired, undecidable, deciding, top, leaning_here, cap = self._weigh(
            topic, answers, verdicts, assumed, leaning, truths
        )
        capped = Capped(*cap) if cap is not None else None
        return Judgement(
            verdict, fired, undecidable, deciding, top, leaning_here, capped, self.rules[topic]
        )

    def verdict_of(
        self,
        topic: str,
        answers: Mapping[str, Any],
        verdicts: Mapping[str, str],
        assumed: Mapping[str, Any] | None,
        leaning: Mapping[str, list[str]] | None,
        truths: Sequence[Truth],
    ) -> tuple[str, list[str]]:
        """``judge``'s verdict and ``leaned_on``, without the records that explain them: the
        what-if search judges thousands of times and reads nothing else."""
        verdict, _, _, _, _, leaning_here, _ = self._weigh(
            topic, answers, verdicts, assumed, leaning, truths
        )
        return verdict, _leaned_on(leaning_here)

    def top_block(
        self,
        topic: str,
        answers: Mapping[str, Any],
        verdicts: Mapping[str, str],
        assumed: Mapping[str, Any] | None,
        leaning: Mapping[str, list[str]] | None,
        truths: Sequence[Truth],
    ) -> tuple[tuple[int, int], frozenset[int]]:
        """The rules that decide ``topic`` (the strongest fired rules with the verdict they
        give) as indexes, and their weight: (effective rank, caution of their verdict), which
        no other fired rule reaches; (-1, -1) when none fires. What the what-if pair search
        compares between changes (``pairfinder``)."""
        weighed = self._weigh(topic, answers, verdicts, assumed, leaning, truths)
        deciding, top = weighed[3], weighed[4]
        if not deciding:
            return (-1, -1), frozenset()
        chosen = {id(rule) for rule in deciding}
        indexes = frozenset(i for i, rule in enumerate(self.rules[topic]) if id(rule) in chosen)
        return (top, CAUTION_RANK[deciding[0].verdict]), indexes

    def _weigh(
        self,
        topic: str,
        answers: Mapping[str, Any],
        verdicts: Mapping[str, str],
        assumed: Mapping[str, Any] | None,
        leaning: Mapping[str, list[str]] | None,
        truths: Sequence[Truth] | None,
    ) -> tuple[
        str,
        list[CompiledRule],
        list[CompiledRule],
        list[CompiledRule],
        int,
        dict[str, list[str]],
        tuple[str, str, str, str] | None,
    ]:
        """``judge``'s decision as plain values (``judge`` documents it)."""
        fired: list[CompiledRule] = []
        undecidable: list[CompiledRule] = []
        ranks: dict[str, int] = {}
        leans: dict[str, list[str]] = {}
        rules = self.rules[topic]
        if truths is None:
            truths = [rule.check(answers, verdicts) for rule in rules]
        for rule, truth in zip(rules, truths, strict=True):
            if truth is True:
                fired.append(rule)
                relied = self._relied(rule, answers, verdicts, assumed, leaning)
                if relied:
                    leans[rule.id] = relied
                ranks[rule.id] = min(rule.rank, NORMAL) if relied else rule.rank
            elif truth is None:
                undecidable.append(rule)
        if fired:
            top = max(ranks.values())
            strongest = [rule for rule in fired if ranks[rule.id] == top]
            verdict = max((rule.verdict for rule in strongest), key=CAUTION_RANK.__getitem__)
            deciding = [rule for rule in strongest if rule.verdict == verdict]
        else:
            top = 0
            fallback = self.fallback[topic]
            # a fallback that an undecidable rule could still settle is undecided
            verdict = Undecided(fallback) if undecidable else fallback
            deciding = []
        leaning_here = {r.id: leans[r.id] for r in deciding if r.id in leans}
        cap = self._cap(topic, verdict, verdicts)
        if cap is not None:
            verdict = "not_applicable" if ADOPTION[cap[1]] == 0 else "consider"
            if isinstance(verdicts.get(cap[0]), Undecided) and verdict == "consider":
                verdict = Undecided(verdict)
        return verdict, fired, undecidable, deciding, top, leaning_here, cap

    def _relied(
        self,
        rule: CompiledRule,
        answers: Mapping[str, Any],
        verdicts: Mapping[str, str],
        assumed: Mapping[str, Any] | None,
        leaning: Mapping[str, list[str]] | None,
    ) -> list[str]:
        relied: dict[str, None] = {}
        if leaning:
            for dep in rule.topics:
                relied.update(dict.fromkeys(leaning.get(dep, [])))
        if assumed:
            for question in rule.questions:
                if question in assumed:
                    without = {k: v for k, v in answers.items() if k != question}
                    if rule.check(without, verdicts) is not True:
                        relied.setdefault(question)
        return list(relied)

    def _cap(
        self, topic: str, verdict: str, verdicts: Mapping[str, str]
    ) -> tuple[str, str, str, str] | None:
        """The requirement that keeps ``verdict`` from standing, if any, as ``Capped``'s
        fields."""
        level = ADOPTION[str(verdict)]
        if level == 0:
            return None
        for needed, unless in self.requires[topic]:
            if not needed:
                continue
            # a requirement is met by its most adopted topic; an open one counts as consider
            best = max(needed, key=lambda t: _adoption(verdicts.get(t)))
            if _adoption(verdicts.get(best)) < level:
                return (best, str(verdicts.get(best)), str(verdict), unless)
        return None

    def blocked(self, topic: str, verdicts: Mapping[str, str]) -> bool:
        """Whether a topic that ``topic`` requires is rejected (so it cannot be adopted)."""
        return any(
            needed and max(_adoption(verdicts.get(t)) for t in needed) == 0
            for needed, _ in self.requires[topic]
        )

    def decide(
        self,
        topic: str,
        answers: Mapping[str, Any],
        verdicts: Mapping[str, str],
        assumed: Mapping[str, Any] | None = None,
    ) -> str:
        """The verdict of one topic, exactly as the engine gives it."""
        return self.judge(topic, answers, verdicts, assumed).verdict

    def verdicts(
        self,
        answers: Mapping[str, Any],
        base: Mapping[str, str] | None = None,
        only: set[str] | None = None,
        assumed: Mapping[str, Any] | None = None,
    ) -> dict[str, str]:
        """Verdicts of every topic, or of ``only`` those, reusing ``base`` for the others."""
        result = dict(base or {})
        leaning: dict[str, list[str]] = {}
        for topic in self.order:
            if only is None or topic in only:
                judgement = self.judge(topic, answers, result, assumed, leaning)
                result[topic] = judgement.verdict
                if judgement.leaning:
                    leaning[topic] = judgement.leaned_on
        return result

    def assume(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """The typical answers assumed for unanswered questions that state one, where the
        interview would ask them given the answers (and assumptions) before them."""
        effective = dict(answers)
        assumed: dict[str, Any] = {}
        for question in self.typical:
            if question.id in answers:
                continue
            if not self.hidden(question.id, effective):
                assumed[question.id] = effective[question.id] = question.typical
        return assumed

    def settle(self, answers: Mapping[str, Any]) -> dict[str, str]:
        """Every verdict for ``answers`` as the report gives it, typical answers assumed."""
        assumed = self.assume(answers)
        return self.verdicts({**answers, **assumed}, assumed=assumed)

    def snapshot(self, answers: Mapping[str, Any], assumed: Mapping[str, Any]) -> Snapshot:
        """Every topic judged once, with each rule's truth kept for ``effect``."""
        verdicts: dict[str, str] = {}
        leaning: dict[str, list[str]] = {}
        truths: dict[str, list[Truth]] = {}
        for topic in self.order:
            truths[topic] = [rule.check(answers, verdicts) for rule in self.rules[topic]]
            verdict, leaned_on = self.verdict_of(
                topic, answers, verdicts, assumed, leaning, truths[topic]
            )
            verdicts[topic] = verdict
            if leaned_on:
                leaning[topic] = leaned_on
        return Snapshot(dict(answers), dict(assumed), verdicts, leaning, truths)

    def effect(
        self,
        base: Snapshot,
        answers: Mapping[str, Any],
        assumed: Mapping[str, Any],
        within: frozenset[str] | None = None,
    ) -> Effect:
        """What a small change of ``base.answers`` does: the verdicts for ``answers``, and
        which answers, rules and topics it reached.

        Only rules reading a changed answer, or a topic whose verdict moved, are evaluated
        again, and only the topics holding them (or requiring a moved topic) are judged again,
        in dependency order; every such topic is still decided by ``judge``. So a change costs
        what it reaches, not a walk over the whole knowledge. With ``within`` (a topic and
        everything it depends on), only those topics are judged: the others keep their
        verdicts as before, whatever the change does to them."""
        readers, required_by = self._reach()
        moved = frozenset(
            q
            for q in set(answers) | set(base.answers)
            if answers.get(q) != base.answers.get(q) or (q in assumed) != (q in base.assumed)
        )
        pending: dict[str, set[int]] = {}
        for key in moved:
            for topic, indexes in readers.get(key, ()):
                if within is None or topic in within:
                    pending.setdefault(topic, set()).update(indexes)
        verdicts = dict(base.verdicts)
        leaning = dict(base.leaning)
        changed: set[str] = set()
        flips: dict[str, dict[int, Truth]] = {}
        work = len(moved)
        for topic in self.order:
            stale = pending.get(topic)
            if stale is None:
                continue
            rules = self.rules[topic]
            truths = list(base.truths[topic])
            for i in stale:
                now = rules[i].check(answers, verdicts)
                if now is not truths[i]:
                    truths[i] = now
                    flips.setdefault(topic, {})[i] = now
            work += len(stale) + judging_work(len(rules))
            verdict, leaned_on = self.verdict_of(
                topic, answers, verdicts, assumed, leaning, truths
            )
            verdicts[topic] = verdict
            if leaned_on:
                leaning[topic] = leaned_on
            else:
                leaning.pop(topic, None)
            if not base.stands(topic, verdict, leaned_on):
                changed.add(topic)
                for reader, indexes in readers.get(topic, ()):
                    if within is None or reader in within:
                        pending.setdefault(reader, set()).update(indexes)
                for dependant in required_by.get(topic, ()):
                    if within is None or dependant in within:
                        pending.setdefault(dependant, set())
        return Effect(
            verdicts,
            work,
            moved,
            frozenset(changed),
            flips,
            answers,
            assumed,
            leaning,
        )

    def _reach(self) -> tuple[dict[str, list[tuple[str, list[int]]]], dict[str, list[str]]]:
        """Answer or topic id -> (topic, indexes of its rules that read it); topic -> the
        topics that require it. Built on first use from ``readers_of`` (what-if only)."""
        if self._reach_index is None or self._reach_index[0] is not self.readers_of:
            readers: dict[str, list[tuple[str, list[int]]]] = {}
            for topic in self.order:
                for key, indexes in self.readers_of[topic].items():
                    readers.setdefault(key, []).append((topic, indexes))
            required_by: dict[str, list[str]] = {}
            for topic in self.order:
                for needed, _ in self.requires[topic]:
                    for other in needed:
                        required_by.setdefault(other, []).append(topic)
            self._reach_index = (self.readers_of, readers, required_by)
        return self._reach_index[1], self._reach_index[2]

    def read_with(self, topic: str, question: str) -> frozenset[str]:
        """The answers and topics that some rule of ``topic``'s closure reads together with
        ``question``: changes of two answers that no rule reads together add up rule by rule."""
        key = (topic, question)
        found = self._read_with.get(key)
        if found is None:
            together: set[str] = set()
            for member in self.topic_closure[topic]:
                rules = self.rules[member]
                for i in self.readers_of[member].get(question, ()):
                    together.update(rules[i].questions)
                    together.update(rules[i].topics)
            together.discard(question)
            found = self._read_with[key] = frozenset(together)
        return found

    def hidden(self, question: str, answers: Mapping[str, Any]) -> bool:
        """Whether the interview would not ask ``question`` given ``answers``."""
        check = self.visible.get(question)
        return check is not None and check(answers, {}) is False


JUDGING_SHARE = 3
"""Rule truths read (and copied) for the time of one rule check, when a topic is judged."""


def judging_work(rules: int) -> int:
    """Judging a topic of ``rules`` rules, in rule checks: it copies and reads every rule's
    truth (cheaper than checking a rule, but not free: on a topic of hundreds of rules it is
    most of a change's cost), plus a little for the topic itself."""
    return rules // JUDGING_SHARE + 10


def _adoption(verdict: str | None) -> int:
    if verdict is None:
        return 2  # a topic outside this evaluation caps nothing
    if isinstance(verdict, Undecided):
        return 1  # still open: its dependants can be considered, not yet recommended
    return ADOPTION[verdict]


_COMPILED: WeakKeyDictionary[Knowledge, CompiledKnowledge] = WeakKeyDictionary()


def compiled_for(knowledge: Knowledge) -> CompiledKnowledge:
    """The knowledge compiled once per loaded knowledge base (report, what-if and TUI share it)."""
    compiled = _COMPILED.get(knowledge)
    if compiled is None:
        compiled = _COMPILED[knowledge] = CompiledKnowledge(knowledge)
    return compiled
