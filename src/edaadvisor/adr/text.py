"""Safe text for the ADR: Markdown escaping of people's words, and YAML that cannot break out.

The project name, title and deciders come from an answers file someone else may have written.
First every control character (C0, DEL, C1) and every bidirectional override or isolate is
removed, so nothing can rewrite a terminal or reorder what a reviewer sees. In the Markdown body
the words are then escaped once, and only where Markdown would read them as syntax: no raw
HTML, no links (inline, reference, autolink or GitHub's bare-URL autolinks), no emphasis, no
table cells, and no line breaks that would start a heading or a list. In YAML (the front matter,
the Nygard provenance comment) people's text is never escaped for Markdown, and every string
that is not obviously plain, or that a YAML reader would take for a number, a date or a boolean,
is double-quoted; ``<``/``>`` are written as escapes, so neither ``---`` nor ``-->`` can end the
block early.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import yaml

from ..core.terminal import UNSAFE

# Markdown's inline syntax characters that can matter anywhere in a line
_INLINE = re.compile(r"([\\`*_\[\]<>|~$])")
# "&name;" and "&#9;" are character references; a lone "&" is just text
_ENTITY = re.compile(r"&(?=#?\w+;)")
_IMAGE = re.compile(r"!(?=\\\[)")
# line-start syntax: headings, lists, block quotes, thematic breaks, setext underlines
_LEADING = re.compile(r"^(\d*)([-+=.)#])")
# GitHub autolinks bare URLs and www. names even when nothing marks them as links
_AUTOLINK = re.compile(r"(?i)(://|www\.|@)")
# C0 and C1 controls, DEL, and the bidi marks, embeddings, overrides and isolates
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(value: object) -> str:
    """People's text on one line, without control or bidi characters (terminal and file safe)."""
    return " ".join(_UNSAFE.sub(" ", str(value)).split())
# raw HTML in knowledge text (which is Markdown on purpose): "<script", "</", "<!", "<?"
_RAW_HTML = re.compile(r"(?<!\\)<(?=[A-Za-z/!?])")


def markdown_safe(value: object) -> object:
    """What every ``{{ expression }}`` of an ADR template prints: no controls, no raw HTML.

    People's text arrives already escaped by ``md_escape`` (its ``<`` is ``\\<``); knowledge
    text is Markdown the packs write, so it keeps its emphasis and code but not its tags.
    """
    if not isinstance(value, str):
        return value
    return _RAW_HTML.sub("&lt;", UNSAFE.sub("", value))


def md_escape(value: object) -> str:
    """``value`` as literal Markdown inline text on one line."""
    text = _INLINE.sub(r"\\\1", clean(value))
    text = _ENTITY.sub(r"\\&", text)
    text = _IMAGE.sub(r"\\!", text)
    text = _AUTOLINK.sub(lambda m: "\\" + m.group(1) if m.group(1) != "www." else "www\\.", text)
    # a heading's closing "#" run would be dropped; keep a final "#" literal
    return _LEADING.sub(r"\1\\\2", re.sub(r"#$", r"\\#", text))


def one_line(value: object) -> str:
    """People's text as plain words on one line (for titles, slugs and comparisons)."""
    return clean(value)


# letters NFKD does not decompose into ASCII, and two scripts teams often write titles in
_TRANSLIT = {
    "ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "ł": "l",
    "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "þ": "th", "\u0131": "i", "ħ": "h", "ŋ": "ng",
    "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
    **dict(zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяєіїґ",
        ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p",
         "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
         "ie", "i", "i", "g"],
        strict=True,
    )),
    **dict(zip(
        "αβγδεζηθικλμνξοπρσςτυφχψω",
        ["a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o", "p", "r",
         "s", "s", "t", "y", "f", "ch", "ps", "o"],
        strict=True,
    )),
}  # fmt: skip


def transliterate(text: str) -> str:
    """ASCII letters for ``text`` where a reader would agree on them; other letters dropped."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        lower = char.lower()
        if char in _TRANSLIT:
            out.append(_TRANSLIT[char])
        elif lower in _TRANSLIT:
            out.append(_TRANSLIT[lower])
        else:
            out.append(char)
    decomposed = unicodedata.normalize("NFKD", "".join(out))
    return decomposed.encode("ascii", "ignore").decode()


def slugify(title: str, *, limit: int = 60, fallback: str = "decision") -> str:
    """Lowercase dash slug as adr-tools and MADR name their files; ASCII, transliterated."""
    slug = re.sub(r"[^a-z0-9]+", "-", transliterate(clean(title)).lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] or slug[:limit]
    return slug or fallback


class Quoted(str):
    """A string always written double-quoted (MADR's ``status: "proposed"``)."""

    __slots__ = ()


_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 ._/+-]*$")
# words some YAML reader (1.1 or 1.2) takes for a boolean or null
_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _plain_ok(value: str) -> bool:
    """Whether ``value`` reads back as the same string in every YAML reader, unquoted."""
    return (
        bool(_PLAIN.fullmatch(value))
        and not value.endswith(" ")
        and value.lower() not in _WORDS
        and ": " not in value
        and " #" not in value
    )


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = None if _plain_ok(value) else '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_quoted(dumper: yaml.SafeDumper, value: Quoted) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"')


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(Quoted, _represent_quoted)


def _safe_markers(text: str) -> str:
    """Every ``<`` and ``>`` sits inside a double-quoted scalar (plain strings never hold
    them), where ``\\x3c``/``\\x3e`` mean the same characters; no ``-->`` can close a comment."""
    return text.replace("<", "\\x3c").replace(">", "\\x3e")


def yaml_block(data: dict[str, Any]) -> str:
    """``data`` as block YAML ending in a newline, safe inside front matter or an HTML comment."""
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,  # never fold a long line: a folded line could begin with "---"
    )
    return _safe_markers(text)


def yaml_flow(data: Any) -> str:
    """``data`` as one line of flow YAML (``{a: 1, b: x}``), with the same quoting rules."""
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=True,
        width=1_000_000,
    )
    return _safe_markers(text.strip().removesuffix("...").strip())


_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\u2019.,/-]*")
REPEAT_WORDS = 8
"""A run of this many words said twice in one record reads as repetition (issue 10's target)."""


def word_runs(text: str, n: int = REPEAT_WORDS) -> set[str]:
    """Every run of ``n`` consecutive words in ``text``, lowercased, punctuation ignored."""
    found = [w.strip(".,").lower() for w in _WORD.findall(text)]
    return {" ".join(found[i : i + n]) for i in range(len(found) - n + 1)}


class Unsaid:
    """Collects what a record has said, to leave out a later sentence that would repeat it."""

    def __init__(self, *texts: str) -> None:
        self.said: set[str] = set()
        for text in texts:
            self.add(text)

    def add(self, text: str) -> None:
        self.said |= word_runs(text)

    def fresh(self, text: str) -> bool:
        """Whether ``text`` says nothing already said (and, if so, remember it)."""
        runs = word_runs(text)
        if runs & self.said:
            return False
        self.said |= runs
        return True
