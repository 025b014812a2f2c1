"""The options each topic's record weighs, from ``templates/options.yaml``.

A knowledge pack may add topics this file does not know: their options are built from the
topic's own ``adopt`` / ``alternative`` wording and its pros and cons, which is correct if
plainer. Only the ADR reads this file; the knowledge loader and the engine never do.
"""

from __future__ import annotations

import functools
from typing import Any

from ..core.errors import InputError
from ..core.model import Topic
from ..core.record import Record, field
from ..core.resources import templates_dir
from ..core.yamlsafe import parse_yaml


class Option(Record):
    name: str
    pros: list[str] = field(default_factory=list)
    cons: list[str] = field(default_factory=list)
    chosen: str | None = None
    """The verdict under which this option is the one taken: recommend or advise_against."""


class TopicOptions(Record):
    titles: dict[str, str]
    options: list[Option]
    red_flags: list[str] = field(default_factory=list)

    def chosen(self, verdict: str) -> Option | None:
        return next((o for o in self.options if o.chosen == verdict), None)


@functools.cache
def _shipped() -> dict[str, TopicOptions]:
    label = "templates/options.yaml"
    text = templates_dir().joinpath("options.yaml").read_text(encoding="utf-8")
    data = parse_yaml(text, label).data
    topics = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(topics, dict):
        raise InputError.single("'topics' must be a mapping of topic id to options", label)
    return {str(tid): _topic_options(entry, f"{label}: {tid}") for tid, entry in topics.items()}


def _topic_options(entry: Any, where: str) -> TopicOptions:
    try:
        options = [
            Option(
                str(o["name"]),
                [str(p) for p in o.get("pros", [])],
                [str(c) for c in o.get("cons", [])],
                o.get("chosen"),
            )
            for o in entry["options"]
        ]
        titles = {v: str(entry[v]) for v in ("recommend", "advise_against")}
        flags = [str(f) for f in entry.get("red_flags", [])]
    except (KeyError, TypeError, AttributeError):
        raise InputError.single(
            "each topic needs recommend, advise_against and options (name, pros, cons, chosen)",
            where,
        ) from None
    return TopicOptions(titles, options, flags)


def options_for(topic: Topic) -> TopicOptions:
    """The shipped options of ``topic``, or two built from its own wording."""
    shipped = _shipped().get(topic.id)
    if shipped is not None:
        return shipped
    return TopicOptions(
        {"recommend": topic.adopt, "advise_against": topic.alternative},
        [
            Option(topic.adopt, list(topic.pros), list(topic.cons), "recommend"),
            Option(topic.alternative, [], [], "advise_against"),
        ],
    )
