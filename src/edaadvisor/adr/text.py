"""Safe text for the ADR: Markdown escaping of people's words, and YAML that cannot break out.

The project name, title and deciders come from an answers file someone else may have written.
In the Markdown body they are escaped so they stay literal text: no raw HTML, no links (inline,
reference, autolink or GitHub's bare-URL autolinks), no emphasis, and no line breaks that would
start a heading or a list. In YAML (the front matter, the Nygard provenance comment) every
string that is not obviously plain is double-quoted, and ``<``/``>`` are written as escapes, so
neither a ``---`` line nor a ``-->`` can end the block early.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import yaml

from ..core.terminal import UNSAFE

# every ASCII punctuation character that can start Markdown syntax inline
_INLINE = re.compile(r"([\\`*_{}\[\]<>()#!|~&\"$])")
# line-start syntax: lists, headings, block quotes, thematic breaks, setext underlines
_LEADING = re.compile(r"^(\d*)([-+=.)])")
# GitHub autolinks bare URLs and www. names even when nothing marks them as links
_AUTOLINK = re.compile(r"(?i)(://|www\.|@)")
_CONTROL = UNSAFE  # C0 but tab and newline, DEL, C1 and bidi controls: the terminal's set
# raw HTML in knowledge text (which is Markdown on purpose): "<script", "</", "<!", "<?"
_RAW_HTML = re.compile(r"(?<!\\)<(?=[A-Za-z/!?])")


def markdown_safe(value: object) -> object:
    """What every ``{{ expression }}`` of an ADR template prints: no controls, no raw HTML.

    People's text arrives already escaped by ``md_escape`` (its ``<`` is ``\\<``); knowledge
    text is Markdown the packs write, so it keeps its emphasis and code but not its tags.
    """
    if not isinstance(value, str):
        return value
    return _RAW_HTML.sub("&lt;", _CONTROL.sub("", value))


def md_escape(value: object) -> str:
    """``value`` as literal Markdown inline text on one line."""
    text = _CONTROL.sub("", str(value))
    text = " ".join(text.split())  # newlines, tabs, U+2028 and friends become single spaces
    text = _INLINE.sub(r"\\\1", text)
    text = _AUTOLINK.sub(lambda m: "\\" + m.group(1) if m.group(1) != "www." else "www\\.", text)
    return _LEADING.sub(r"\1\\\2", text)


def one_line(value: object) -> str:
    """People's text as plain words on one line (for slugs and comparisons)."""
    return " ".join(_CONTROL.sub("", str(value)).split())


def slugify(title: str, *, limit: int = 60) -> str:
    """Lowercase dash slug as adr-tools and MADR name their files; ASCII only."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] or slug[:limit]
    return slug or "decision"


class Quoted(str):
    """A string always written double-quoted (MADR's ``status: "proposed"``)."""

    __slots__ = ()


_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._/+-]*$")


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = None if _PLAIN.fullmatch(value) and not value.endswith(" ") else '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_quoted(dumper: yaml.SafeDumper, value: Quoted) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"')


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(Quoted, _represent_quoted)


def yaml_block(data: dict[str, Any]) -> str:
    """``data`` as block YAML ending in a newline, safe inside front matter or an HTML comment.

    Every ``<`` and ``>`` in the output sits inside a double-quoted scalar (plain strings never
    contain them, and keys and values of other types cannot), where ``\\x3c``/``\\x3e`` mean
    the same characters; after that, no ``-->`` can close a comment around the block.
    """
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,  # never fold a long line: a folded line could begin with "---"
    )
    return text.replace("<", "\\x3c").replace(">", "\\x3e")
