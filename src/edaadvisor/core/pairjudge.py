"""A topic's verdict after two one-answer changes, from what each change did alone.

Evaluating a pair of changes from scratch re-checks every rule that reads either answer and
re-judges every topic they reach. Most of that is known already: a rule comes out after both
changes exactly as after one of them whenever everything it reads stands after both as after
that one (the other change's answer it does not read, and each topic it reads stands as after
that change). So only the topics of the closure are walked, in dependency order; for each rule
that reads something the pair moved, its truth is taken from the change it agrees with, or
checked again when it reads both (or a topic that ended up elsewhere); a topic is judged again
only when one of its rules, or a topic it requires, moved. What each topic came out as is kept
for the pair, so the other topics sharing it judge it once.

``tests/test_whatif_pairfinder.py`` compares every verdict worked out here with a full
evaluation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .compiled import judging_work
from .conditions import Undecided

if TYPE_CHECKING:
    from .compiled import Effect
    from .whatif import Change, WhatIfSearch

UNKNOWN: Any = object()
"""What ``judge_pair`` returns when the two changes' effects cannot tell."""

Standing = tuple[str, list[str] | None]


def judge_pair(search: WhatIfSearch, one: Change, two: Change, topic: str) -> Any:
    """``topic``'s verdict after both single changes ``one`` and ``two``; None if the pair
    is not askable; ``UNKNOWN`` if either was not tried alone, both move the same answer, or
    together they assume answers neither assumes alone."""
    first, second = search._effects.get(one), search._effects.get(two)
    if first is None or second is None or first.moved & second.moved:
        return UNKNOWN
    if search.work > search.budget:
        search.complete = False
        return None
    key = (one, two)
    state = search._pairs.get(key)
    if state is None:
        state = _PairState.start(search, one, two, first, second)
        search._pairs[key] = state
    if state is UNKNOWN:
        return UNKNOWN
    return None if state.hidden else state.verdict(topic)


def combined_assumptions(
    search: WhatIfSearch, changed: Mapping[str, Any], effects: tuple[Effect, Effect]
) -> dict[str, Any] | None:
    """The typical answers assumed after both changes (``changed``, with ``effects`` what each
    did alone): what each assumes alone, and the assumptions neither touched; None when
    together they assume otherwise, so the answers after both are not the two combined."""
    moved = effects[0].moved | effects[1].moved
    expected = {q: v for q, v in search.snapshot.assumed.items() if q not in moved}
    for effect in effects:
        expected.update((q, v) for q, v in effect.assumed.items() if q in effect.moved)
    if search._entangled.intersection(changed):
        # an answer that decides where typical answers apply: only assuming again tells
        search.work += 1 + len(search.compiled.typical)
        if search.compiled.assume({**search.given_answers, **changed}) != expected:
            return None
    # otherwise nothing either change decides an assumption but its own answer
    return expected


class _PairState:
    """The answers after both changes and the topics judged so far."""

    def __init__(
        self,
        search: WhatIfSearch,
        effects: tuple[Effect, Effect],
        answers: dict[str, Any],
        assumed: dict[str, Any],
        hidden: bool,
    ) -> None:
        self.search = search
        self.effects = effects
        self.answers = answers
        self.assumed = assumed
        self.hidden = hidden
        base = search.snapshot
        self.verdicts = dict(base.verdicts)
        self.leaning = dict(base.leaning)
        self.done: set[str] = set()
        self.moved: set[str] = set(effects[0].moved | effects[1].moved)
        """Answers and topics that stand otherwise than before the changes."""
        self.agrees: tuple[set[str], set[str]] = (set(), set())
        """Topics that stand as after the first change alone, and as after the second."""

    @classmethod
    def start(
        cls, search: WhatIfSearch, one: Change, two: Change, first: Effect, second: Effect
    ) -> Any:
        changed = {**dict(one), **dict(two)}
        assumed = combined_assumptions(search, changed, (first, second))
        if assumed is None:
            return UNKNOWN
        answers = {**search.given_answers, **changed, **assumed}
        hidden = any(search.compiled.hidden(q, answers) for q, _ in (*one, *two))
        return cls(search, (first, second), answers, assumed, hidden)

    def verdict(self, topic: str) -> str:
        for member in self.search.compiled.topic_closure[topic]:
            if member not in self.done:
                self._judge(member)
        return self.verdicts[topic]

    def _judge(self, member: str) -> None:
        search = self.search
        compiled = search.compiled
        base = search.snapshot
        readers = compiled.readers_of[member]
        stale = {i for key in self.moved for i in readers.get(key, ())}
        required = {n for needed, _ in compiled.requires[member] for n in needed}
        self.done.add(member)
        search.work += 1 + len(stale)
        if not stale and not required & self.moved:
            self._settle(member, base.verdicts[member], base.leaning.get(member))
            return
        for side, effect in enumerate(self.effects):
            if self._as_after(member, side, stale, required):
                self._settle(member, effect.verdicts[member], effect.leaning.get(member))
                return
        rules = compiled.rules[member]
        truths = list(base.truths[member])
        for index in stale:
            truths[index] = self._truth(member, index)
        search.work += judging_work(len(rules))
        verdict, leaned_on = compiled.verdict_of(
            member, self.answers, self.verdicts, self.assumed, self.leaning, truths
        )
        self._settle(member, verdict, leaned_on or None)

    def _as_after(self, member: str, side: int, stale: set[int], required: set[str]) -> bool:
        """Whether ``member`` reads everything as after change ``side`` alone: then it stands
        as it did there, without judging it again."""
        effect = self.effects[side]
        agrees = self.agrees[side]
        if not required <= agrees:
            return False
        rules = self.search.compiled.rules[member]
        readers = self.search.compiled.readers_of[member]
        touched = set(stale)
        for key in effect.moved | effect.changed:
            touched.update(readers.get(key, ()))
        self.search.work += len(touched)
        other = self.effects[1 - side].moved
        return all(
            not other.intersection(rules[i].questions) and agrees.issuperset(rules[i].topics)
            for i in touched
        )

    def _truth(self, member: str, index: int) -> Any:
        """A rule's truth after both changes: as after the change it agrees with, else
        checked again."""
        rule = self.search.compiled.rules[member][index]
        base = self.search.snapshot
        for side, effect in enumerate(self.effects):
            if self.effects[1 - side].moved.intersection(rule.questions):
                continue  # it reads the other change's answer
            if all(topic in self.agrees[side] for topic in rule.topics):
                return effect.flips.get(member, {}).get(index, base.truths[member][index])
        return rule.check(self.answers, self.verdicts)

    def _settle(self, member: str, verdict: str, leaned_on: list[str] | None) -> None:
        base = self.search.snapshot
        self.verdicts[member] = verdict
        if leaned_on:
            self.leaning[member] = leaned_on
        else:
            self.leaning.pop(member, None)
        now: Standing = (verdict, leaned_on)
        if not _same(now, (base.verdicts[member], base.leaning.get(member))):
            self.moved.add(member)
        for side, effect in enumerate(self.effects):
            if _same(now, (effect.verdicts[member], effect.leaning.get(member))):
                self.agrees[side].add(member)


def _same(one: Standing, two: Standing) -> bool:
    """The same verdict, open or settled alike, on the same assumptions (``Snapshot.stands``)."""
    return (
        str(one[0]) == str(two[0])
        and isinstance(one[0], Undecided) == isinstance(two[0], Undecided)
        and (one[1] or None) == (two[1] or None)
    )
