"""``--set QUESTION=VALUE``: change answers without editing the file, validated like the file.

Every shell offers it (the CLI, the interview opened with ``--interactive``, ``serve``), so it
lives with answers validation rather than in one of them.
"""

from __future__ import annotations

from collections.abc import Iterable

from .answers import AnswersFile, validate_answers
from .errors import InputError
from .knowledge import Knowledge


def apply_overrides(
    answers_file: AnswersFile, overrides: Iterable[str], knowledge: Knowledge
) -> AnswersFile:
    """Answers with each ``QUESTION=VALUE`` applied; ``QUESTION=`` leaves it unanswered."""
    from .bounds import WORDS
    from .yamlsafe import parse_yaml

    changed = dict(answers_file.answers)
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise InputError.single(f"--set takes QUESTION=VALUE, got {item!r}")
        question = knowledge.questions.get(key.strip())
        try:
            # the same plain-data reader as answers files: no tags, bounded aliases, no crashes
            value = parse_yaml(raw, "--set").data if raw.strip() else None
        except InputError as exc:
            if any(WORDS in p.message for p in exc.problems):
                raise InputError.single(
                    f"the number is too large; {WORDS}", "--set", (key.strip(),)
                ) from None
            value = raw
        if question is not None and question.type == "enum" and raw.strip() in question.values:
            # a choice is a word, even one YAML would read as a bool or null ("no", "off")
            value = raw.strip()
        if value is None:
            changed.pop(key.strip(), None)
        else:
            changed[key.strip()] = value
    answers = validate_answers(changed, knowledge, source="--set")
    return answers_file.replace(answers=answers)
