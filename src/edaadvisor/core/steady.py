"""Topics whose verdict no change of one or two answers can move: the pair search skips them.

A topic's verdict is that of its heaviest fired rules (rank, then caution), capped by the
topics it requires. If one of the rules deciding it now stays true whatever values two of its
answers take, weighs the same throughout, and no heavier rule of the topic can become true that
way, the heaviest weight and its verdict stay; if every topic it requires is steady too, so does
the cap. Then no pair of changes can give it another verdict, and the search spends nothing on
pairs for it. Each rule is tried over the candidate values of its own answers, alone and in
pairs: work that grows with the rules' answers, not with pairs of the topic's questions.

A rule counts only if what it reads cannot move otherwise: no answer that could be assumed (a
change can make a typical answer apply or stop applying), and no topic unless that topic is
steady and no verdict can lean on assumptions.
"""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING

from .model import CAUTION_RANK

if TYPE_CHECKING:
    from .compiled import CompiledRule
    from .whatif import WhatIfSearch


def steady_topics(search: WhatIfSearch) -> frozenset[str]:
    """The topics no change of one or two askable answers can give another verdict."""
    compiled = search.compiled
    knowledge = search.knowledge
    base = search.snapshot
    # answers whose value a change can move besides the changed ones
    assumable = frozenset(
        q.id
        for q in knowledge.questions.values()
        if q.typical is not None and q.id not in search.given
    )
    askable = frozenset(search._askable(knowledge.questions))
    steady: set[str] = set()
    for topic in compiled.order:
        if not all(n in steady for needed, _ in compiled.requires[topic] for n in needed):
            continue
        rules = compiled.rules[topic]
        weight, top = compiled.top_block(
            topic, base.answers, base.verdicts, base.assumed, base.leaning, base.truths[topic]
        )
        if not top:
            continue

        def holds(rule: CompiledRule, truth: bool) -> bool:
            if rule.topics and (assumable or not steady.issuperset(rule.topics)):
                return False
            if assumable.intersection(rule.questions):
                return False
            return _stays(search, rule, [q for q in rule.questions if q in askable], truth)

        heavier = [r for r in rules if (r.rank, CAUTION_RANK[r.verdict]) > weight]
        if any(holds(rules[i], True) for i in sorted(top)) and all(
            holds(rule, False) for rule in heavier
        ):
            steady.add(topic)
    return frozenset(steady)


def _stays(search: WhatIfSearch, rule: CompiledRule, questions: list[str], fired: bool) -> bool:
    """Whether ``rule`` stays fired (or stays unfired, ``fired`` false) whatever candidate
    values one or two of ``questions`` take."""
    base = search.snapshot
    answers, verdicts = base.answers, base.verdicts

    def still(changed: dict[str, object]) -> bool:
        search.work += 1
        truth = rule.check({**answers, **changed}, verdicts)
        return truth is True if fired else truth is not True

    values = {q: [v for v, _ in search.candidates(q)] for q in questions}
    for question in questions:
        if not all(still({question: v}) for v in values[question]):
            return False
    for first, second in combinations(questions, 2):
        if search.work > search.budget:
            return False
        for a in values[first]:
            if not all(still({first: a, second: b}) for b in values[second]):
                return False
    return True
