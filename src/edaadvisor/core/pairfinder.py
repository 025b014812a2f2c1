"""Which pairs of one-answer changes can move a topic that no single change moves.

Trying every pair of candidate values is a product over the topic's questions: on a base of a
few hundred rules, tens of thousands of pairs, almost none of which move anything. This module
finds the ones that can, from the one-answer changes already made, with work that follows what
each change reached rather than the number of pairs.

Why that is sound. A topic's verdict comes from its fired rules: the strongest (by effective
rank), the most cautious among equals (``CompiledKnowledge.judge``). Call the fired rules of
that weight its *top block*: no other fired rule weighs as much. Take two changes ``c1`` and
``c2`` with disjoint *inputs* (the answers each moves, and the topics of the closure each moves).
After both, a rule reading none of those inputs is as before, and a rule reading only ``c1``'s
inputs is exactly as after ``c1`` alone, as long as every topic it reads stands as after ``c1``.
Going through the closure in dependency order, a member ``M`` whose rules read both changes'
inputs only apart, where ``c2`` leaves every rule of ``c1``'s top block in ``M`` as it was:
that block still fires after both, every other rule weighs at most as after ``c1`` alone or as
after ``c2`` alone, so ``M`` stands after both as after one of them (and when the two tops weigh
the same, with the same verdict). So ``M`` can only come out otherwise when

* one change *disturbs* (flips, or changes what it leans on) a rule of the other's top block;
* a rule reads inputs of both, and it is in a top block or could outweigh both;
* ``M`` is a dependency whose tops may tie while it leans on assumptions, or where nothing fires;
* ``M`` is an input of one change and the other disturbs it, or its requirements read both.

A topic moves only if some member of its closure comes out otherwise first. Where a member
meets one of those conditions, it is judged with both changes (``_resolve``: each rule as after
the change whose inputs it reads, the rules reading both checked again), once per pair for all
the topics that share it; if it stands as expected the walk goes on, and at the topic itself
that judgement is the pair's verdict. Only pairs whose verdict that cannot tell are evaluated
in full. A change that could not be tried alone is paired with every value.
``tests/test_whatif_pairfinder.py`` evaluates every pair left out, and every pair judged here,
in full; ``tests/test_whatif_pruning.py`` compares the lists with a search trying every pair.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from .compiled import judging_work
from .conditions import Undecided
from .model import CAUTION_RANK
from .pairjudge import combined_assumptions

if TYPE_CHECKING:
    from .compiled import Effect
    from .whatif import WhatIfSearch

Single = tuple[str, Any]
_UNSEEN: Any = object()
_AS_EXPECTED: Any = object()
_UNASKABLE: Any = object()
Weight = tuple[int, int]
ALL: frozenset[Any] = frozenset({"every pair"})
"""Marks a pair of questions whose every pair of values is to be tried."""


class _Spent(Exception):
    """The search's work budget ran out while pairs were being weighed."""


class _Reach(NamedTuple):
    """What one change does to one member of the closure."""

    reads: frozenset[int]
    """Rules reading one of the change's inputs."""
    disturbed: frozenset[int]
    """Rules whose truth, or what they lean on, may differ after it."""
    weight: Weight
    top: frozenset[int]


class _Change(NamedTuple):
    single: Single
    effect: Effect
    inputs: frozenset[str]
    moved_topics: frozenset[str]
    entangled: bool
    """Its answer decides, with others, where typical answers are assumed."""
    reach: dict[str, _Reach]
    """Members the change reaches (their rules read its inputs, or they require a moved topic)."""

    @property
    def plain(self) -> bool:
        return not self.moved_topics and len(self.inputs) == 1 and not self.entangled


class PairCandidates:
    """The pairs of values worth trying for one topic (``values``)."""

    def __init__(self, search: WhatIfSearch, topic: str, questions: Sequence[str]) -> None:
        self.search = search
        self.compiled = search.compiled
        self.topic = topic
        self.questions = questions
        self.order = {q: i for i, q in enumerate(questions)}
        self.closure = search.compiled.topic_closure[topic]
        self.every: set[tuple[str, str]] = set()
        self.some: dict[tuple[str, str], set[tuple[Any, Any]]] = {}
        self._leanable_cache: dict[frozenset[str], frozenset[str]] = {}
        self._checked: set[tuple[Single, Single]] = set()
        self._assumed: dict[tuple[Single, Single], dict[str, Any] | None] = {}
        self.steady = search.steady()
        self.known: dict[tuple[Single, ...], str] = {}
        """Pairs of values and the topic's verdict after them, where judging told it."""
        self.stopped = False
        """Whether the work budget ran out before every pair was weighed."""
        try:
            self._find()
        except _Spent:
            self.stopped = True

    def values(self, first: str, second: str) -> frozenset[Any] | set[tuple[Any, Any]] | None:
        """``ALL``, the pairs of values ``(a, b)`` to try, or None when none can move it."""
        if (first, second) in self.every:
            return ALL
        return self.some.get((first, second))

    def _add(self, one: Single, two: Single) -> None:
        if self.order[one[0]] > self.order[two[0]]:
            one, two = two, one
        key = (one[0], two[0])
        if key not in self.every:
            self.some.setdefault(key, set()).add((one[1], two[1]))

    def _every(self, first: str, second: str) -> None:
        if first != second:
            key = (first, second) if self.order[first] < self.order[second] else (second, first)
            self.every.add(key)

    def _find(self) -> None:
        search = self.search
        changes: list[_Change] = []
        for question in self.questions:
            for value, _ in search.candidates(question):
                single: Single = (question, value)
                effect = search._effects.get((single,))
                if effect is None:
                    # not tried alone: nothing tells what it does next to another change
                    for other in self.questions:
                        self._every(question, other)
                else:
                    changes.append(self._change(single, effect))
        plain = [c for c in changes if c.plain]
        broad = [c for c in changes if not c.plain]
        for change in broad:
            for partner in changes:
                if (
                    partner.single[0] != change.single[0]
                    and (
                        partner.plain
                        or self.order[partner.single[0]] > self.order[change.single[0]]
                    )
                    and self._may_move(change, partner)
                ):
                    self._add(change.single, partner.single)
        self._plain_pairs(plain)

    def _plain_pairs(self, plain: list[_Change]) -> None:
        """Pairs of changes of one answer each, found through the rules they disturb: a pair
        is checked (``_may_move``) only if one of them disturbs the other's top block, reads
        an answer a rule reads with the other's, or reshapes a dependency's top block."""
        search = self.search
        disturbers: dict[tuple[str, int], list[_Change]] = {}
        touching: dict[str, list[_Change]] = {}
        for change in plain:
            for member, reach in change.reach.items():
                if reach.disturbed:
                    touching.setdefault(member, []).append(change)
                for index in reach.disturbed:
                    disturbers.setdefault((member, index), []).append(change)
        by_question: dict[str, list[_Change]] = {}
        for change in plain:
            by_question.setdefault(change.single[0], []).append(change)
            for member, reach in change.reach.items():
                for index in reach.top:
                    partners = disturbers.get((member, index), ())
                    search.work += 1 + len(partners)
                    self._check(change, partners)
                if member != self.topic and reach.disturbed and self._reshapes(change, member):
                    self._check(change, touching[member])
        # rules reading both answers: the pairs of values where such a rule could matter
        for question, mine in by_question.items():
            together = self.compiled.read_with(self.topic, question)
            for other_question in together:
                if self.order.get(other_question, -1) > self.order[question]:
                    for change in mine:
                        self._check(change, by_question.get(other_question, ()))

    def _check(self, change: _Change, partners: Sequence[_Change]) -> None:
        """Keep the pairs of ``change`` with ``partners`` that may move the topic."""
        for other in partners:
            if other.single[0] == change.single[0]:
                continue
            key = (change.single, other.single)
            if key in self._checked:
                continue
            self._checked.add(key)
            self._checked.add((other.single, change.single))
            if self._may_move(change, other):
                self._add(change.single, other.single)

    def _reshapes(self, change: _Change, member: str) -> bool:
        """Whether ``change`` leaves nothing firing in a dependency, or changes which rules
        decide it while it can lean on assumptions: then its top may tie with another
        change's and still differ (``_member_may_move``)."""
        top = change.reach[member].top
        if not top:
            return True
        return member in self._leanable(change) and top != self._base_top(member)

    def _base_top(self, member: str) -> frozenset[int]:
        key = (None, member)
        found: frozenset[int] | None = self.search._reaches.get(key)
        if found is None:
            base = self.search.snapshot
            self.search.work += judging_work(len(self.compiled.rules[member]))
            found = self.search._reaches[key] = self.compiled.top_block(
                member, base.answers, base.verdicts, base.assumed, base.leaning, base.truths[member]
            )[1]
        return found

    def _leanable(self, *changes: _Change) -> frozenset[str]:
        """Members of the closure whose verdict can lean on an assumed answer, before or after
        ``changes``: a rule reads an answer assumed then, or a topic that can lean."""
        assumed = frozenset(self.search.assumed).union(*(c.effect.assumed for c in changes))
        found = self._leanable_cache.get(assumed)
        if found is None:
            leaning: set[str] = set()
            if assumed:
                for member in self.closure:  # dependency order: what it reads comes first
                    if any(
                        assumed.intersection(rule.questions) or leaning.intersection(rule.topics)
                        for rule in self.compiled.rules[member]
                    ):
                        leaning.add(member)
            found = self._leanable_cache[assumed] = frozenset(leaning)
        return found

    def _may_move(self, one: _Change, two: _Change) -> bool:
        """Whether doing both changes can give the topic another verdict: first by the
        conditions in the module's docstring, and where a member meets one, by judging it with
        both changes (``_resolve``), as long as every member before it stood as expected."""
        if self.search.work > self.search.budget:
            raise _Spent
        if one.inputs & two.inputs:
            return True
        if (one.entangled or two.entangled) and self._assumptions(one, two) is None:
            return True
        self.search.work += len(self.closure)
        for member in self.closure:
            first, second = one.reach.get(member), two.reach.get(member)
            if member in self.steady and member not in self._leanable(one, two):
                continue  # no pair moves it, nor what it leans on (there is nothing to lean on)
            if first is None or second is None:
                continue  # one of them does not reach it: it stands as after the other
            high, low = ((one, first), (two, second))
            if first.weight < second.weight:
                high, low = low, high
            if not self._member_may_move(member, high, low):
                continue
            outcome = self._resolve(member, one, two)
            if outcome is _UNASKABLE:
                return False  # the interview would not ask one of the two: never listed
            if member == self.topic:
                self.known[_ordered(self.order, one.single, two.single)] = outcome
                return str(outcome) != str(self.search.verdicts[member])
            if outcome is not _AS_EXPECTED:
                return True  # it stands otherwise: let the evaluation tell what follows
        return False

    def _resolve(self, member: str, one: _Change, two: _Change) -> Any:
        """``member`` judged after both changes, given that each topic before it stands as
        after the change that moved it (or as before): its verdict when it is the topic,
        ``_AS_EXPECTED`` when it stands that way too, ``_UNASKABLE`` if the pair cannot be
        asked, else what it came out as. Kept by the search: other topics share members."""
        search = self.search
        key = (*sorted((one.single, two.single), key=self._question_place), member)
        found = search._reaches.get(key, _UNSEEN)
        if found is not _UNSEEN:
            return found
        base = search.snapshot
        # reached only where the two changes' assumptions add up (``_may_move``)
        assumed = self._assumptions(one, two) or {}
        answers = {**search.given_answers, **dict((one.single, two.single)), **assumed}
        verdicts = dict(base.verdicts)
        leaning = dict(base.leaning)
        for change in (one, two):
            effect = change.effect
            for topic in change.moved_topics:
                verdicts[topic] = effect.verdicts[topic]
                if topic in effect.leaning:
                    leaning[topic] = effect.leaning[topic]
                else:
                    leaning.pop(topic, None)
        compiled = self.compiled
        if compiled.hidden(one.single[0], answers) or compiled.hidden(two.single[0], answers):
            found = _UNASKABLE
        else:
            first, second = one.reach[member], two.reach[member]
            both = first.reads & second.reads
            rules = compiled.rules[member]
            truths = list(base.truths[member])
            for change, reach in ((one, first), (two, second)):
                flips = change.effect.flips.get(member, {})
                for index in reach.reads - both:
                    if index in flips:
                        truths[index] = flips[index]
            for index in both:
                truths[index] = rules[index].check(answers, verdicts)
            search.work += len(both) + judging_work(len(rules))
            verdict, leaned_on = compiled.verdict_of(
                member, answers, verdicts, assumed, leaning, truths
            )
            if member == self.topic:
                found = verdict
            else:
                expected = _Standing(base.verdicts, base.leaning)
                for change in (one, two):
                    if member in change.moved_topics:
                        expected = _Standing(change.effect.verdicts, change.effect.leaning)
                before = expected.verdicts[member], expected.leaning.get(member)
                found = _AS_EXPECTED if _stands(*before, verdict, leaned_on) else verdict
        search._reaches[key] = found
        return found

    def _question_place(self, single: Single) -> tuple[int, str]:
        return (self.compiled.question_index.get(single[0], -1), single[0])

    def _member_may_move(
        self,
        member: str,
        high: tuple[_Change, _Reach],
        low: tuple[_Change, _Reach],
    ) -> bool:
        """Whether ``member`` may stand after both changes otherwise than after ``high`` (the
        change whose top weighs more, or as much) and ``low``, alone."""
        (one, first), (two, second) = high, low
        leans = member in self._leanable(one, two)
        rules = self.compiled.rules[member]
        both = first.reads & second.reads
        weight = first.weight
        if any((rules[i].rank, CAUTION_RANK[rules[i].verdict]) > weight for i in both):
            return True  # a rule reading both could outweigh either top
        kept = first.top - both - second.disturbed
        if first.weight > second.weight:
            if member in two.moved_topics or self._requires_moved(member, two):
                return True  # it stands as after ``one``, unlike after ``two``
            if not kept:
                return True
            changed_block = kept != first.top or any(
                (rules[i].rank, CAUTION_RANK[rules[i].verdict]) == weight for i in both
            )
            return member != self.topic and leans and changed_block
        # equal weights: the same verdict either way, unless no rule of either top survives
        if one.moved_topics & {member} or two.moved_topics & {member}:
            return True
        if self._requires_moved(member, one) or self._requires_moved(member, two):
            return True
        if not first.top:  # nothing fires after either change alone
            if both:
                return True
            return member != self.topic and bool(first.disturbed and second.disturbed)
        kept_too = second.top - both - first.disturbed
        if not kept and not kept_too:
            return True
        if member == self.topic or not leans:
            return False
        # what it leans on stays only if the same rules decide it, as each change left them
        return not (
            first.top == second.top == kept == kept_too
            and all((rules[i].rank, CAUTION_RANK[rules[i].verdict]) < weight for i in both)
        )

    def _assumptions(self, one: _Change, two: _Change) -> dict[str, Any] | None:
        """What doing both changes assumes, or None if not what each assumes alone (changing
        an answer that decides where typical answers apply, together with another, could
        assume more): ``combined_assumptions``, worked out once for ``_may_move`` and
        ``_resolve``."""
        key = (one.single, two.single)
        if key not in self._assumed:
            changed = dict((one.single, two.single))
            self._assumed[key] = combined_assumptions(
                self.search, changed, (one.effect, two.effect)
            )
        return self._assumed[key]

    def _requires_moved(self, member: str, change: _Change) -> bool:
        return any(
            topic in change.moved_topics
            for needed, _ in self.compiled.requires[member]
            for topic in needed
        )

    def _change(self, single: Single, effect: Effect) -> _Change:
        """What ``single`` (tried alone, with ``effect``) reaches in the closure."""
        if self.search.work > self.search.budget:
            raise _Spent
        moved_topics = effect.changed & frozenset(self.closure)
        reach: dict[str, _Reach] = {}
        for member in self.closure:
            # the same for every topic whose closure holds the member: kept by the search
            key = (single, member)
            found = self.search._reaches.get(key, _UNSEEN)
            if found is _UNSEEN:
                found = self.search._reaches[key] = self._reach(member, effect)
            if found is not None:
                reach[member] = found
        entangled = single[0] in self.search._entangled
        return _Change(single, effect, effect.moved | moved_topics, moved_topics, entangled, reach)

    def _reach(self, member: str, effect: Effect) -> _Reach | None:
        """What ``effect`` does to ``member``, or None if it reads nothing the change moved."""
        search = self.search
        index = self.compiled.readers_of[member]
        search.work += 1
        reads = frozenset(i for key in effect.moved | effect.changed for i in index.get(key, ()))
        requires = any(
            topic in effect.changed
            for needed, _ in self.compiled.requires[member]
            for topic in needed
        )
        if not (reads or requires):
            return None
        base = search.snapshot
        flips = effect.flips.get(member, {})
        disturbed = set(flips)
        if search.assumed or effect.assumed or effect.changed:
            # a rule still firing may lean on assumptions otherwise now (``effect`` judges it)
            truths = base.truths[member]
            disturbed.update(i for i in reads if flips.get(i, truths[i]) is True)
        truths_after = list(base.truths[member])
        for position, truth in flips.items():
            truths_after[position] = truth
        search.work += judging_work(len(self.compiled.rules[member]))
        weight, top = self.compiled.top_block(
            member, effect.answers, effect.verdicts, effect.assumed, effect.leaning, truths_after
        )
        return _Reach(reads, frozenset(disturbed), weight, top)


class _Standing(NamedTuple):
    verdicts: Mapping[str, str]
    leaning: Mapping[str, list[str]]


def _stands(verdict: str, leaned_on: list[str] | None, now: str, now_leaned_on: list[str]) -> bool:
    """``Snapshot.stands`` for two standings: the same verdict, open or settled alike, on the
    same assumptions."""
    return (
        str(verdict) == str(now)
        and isinstance(verdict, Undecided) == isinstance(now, Undecided)
        and (leaned_on or None) == (now_leaned_on or None)
    )


def _ordered(order: Mapping[str, int], one: Single, two: Single) -> tuple[Single, Single]:
    return (one, two) if order[one[0]] < order[two[0]] else (two, one)
