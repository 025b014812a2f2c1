"""Read YAML that people and tools hand us, refusing everything that is not plain data.

PyYAML's ``safe_load`` already refuses Python tags, but it silently keeps the last of two
duplicate keys, forgets where each key was, and expands alias bombs until memory runs out.
We compose the node graph with the C parser where available and build the data ourselves, so
each key's line is known, duplicates are an error, and expansion is bounded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from . import bounds
from .document import YamlDocument
from .errors import EdaAdvisorError, InputError, KeyPath
from .reading import MAX_BYTES, read_limited

MAX_NODES = 100_000
"""Bound on nodes built, counting each alias expansion, so a billion-laughs file fails fast."""

MAX_DEPTH = 100
"""Bound on nesting (the shipped knowledge needs 11 levels). The builder recurses once per
level, and libyaml allows up to 1,000, which is past Python's recursion limit."""

_Loader: type[yaml.SafeLoader]
try:
    _Loader = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


_STD = "tag:yaml.org,2002:"
_MAP = _STD + "map"
_INT = _STD + "int"
_SEQ = _STD + "seq"
_SCALAR_TAGS = frozenset(
    _STD + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
"""Plain data only: ``!!binary``, ``!!set``, ``!!omap`` and every ``!!python/...`` are refused."""
_KINDS = {
    _STD + "int": "a whole number",
    _STD + "float": "a number",
    _STD + "bool": "true or false",
    _STD + "timestamp": "a date (write it as YYYY-MM-DD)",
}


def _tag_message(tag: str) -> str:
    shown = "!!" + tag[len(_STD) :] if tag.startswith(_STD) else tag
    return (
        f"the tag {shown!r} is not allowed; write plain values "
        "(numbers, true/false, text, lists and mappings)"
    )


def _too_large(text: str) -> str:
    shown = text if len(text) <= 24 else f"{text[:20]}... ({len(text)} characters)"
    return f"the number {shown} is too large; {bounds.WORDS}"


def read_text(path: Path, *, what: str = "file") -> str:
    """Read a small UTF-8 text file or raise an ``InputError`` that says why not."""
    raw = read_limited(path, limit=MAX_BYTES, what=what)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError.single(
            f"is not UTF-8 text (byte {exc.start} is {raw[exc.start]:#04x})", str(path)
        ) from None


def parse_yaml(
    text: str, source: str, *, error: type[EdaAdvisorError] = InputError
) -> YamlDocument:
    """Parse one YAML document of plain data (mappings, lists, scalars) with key lines."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise error.single(f"larger than {MAX_BYTES // 1024} KiB", source)
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            what = exc.problem or exc.context or "not valid YAML"
            if exc.context and exc.problem and exc.problem.startswith("but "):
                # "expected a single document in the stream, but found another document"
                what = f"{exc.context}, {exc.problem}"
            raise error.single(f"not valid YAML: {what}", source, line=line) from None
        except yaml.reader.ReaderError as exc:
            # control characters such as NUL: PyYAML's own text spans two lines and no line number
            char = exc.character if isinstance(exc.character, int) else ord(exc.character)
            line = text.count("\n", 0, exc.position) + 1
            raise error.single(
                f"not valid YAML: the character {char:#04x} is not allowed in YAML text",
                source,
                line=line,
            ) from None
        except yaml.YAMLError as exc:
            raise error.single(f"not valid YAML: {exc}", source) from None
        doc = YamlDocument(None, source)
        if node is None:
            return doc
        builder = _Builder(loader, doc, error)
        doc.data = builder.build(node, ())
        return doc
    finally:
        loader.dispose()


class _Builder:
    """Turns composed nodes into Python data, recording lines and counting work."""

    def __init__(self, loader: yaml.SafeLoader, doc: YamlDocument, error: type[EdaAdvisorError]):
        self.loader = loader
        self.doc = doc
        self.error = error
        self.nodes = 0

    def fail(self, message: str, path: KeyPath, node: yaml.Node) -> EdaAdvisorError:
        return self.error.single(message, self.doc.source, path, node.start_mark.line + 1)

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(
                f"more than {MAX_NODES} values once aliases are expanded; "
                "anchors and aliases are not needed here",
                path,
                node,
            )
        if len(path) > MAX_DEPTH:
            raise self.fail(f"nested more than {MAX_DEPTH} levels deep", path[:3], node)
        self.doc.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                raise self.fail(_tag_message(node.tag), path, node)
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _scalar(self, node: yaml.Node, path: KeyPath) -> Any:
        if node.tag not in _SCALAR_TAGS:
            raise self.fail(_tag_message(node.tag), path, node)
        text = str(node.value).strip()
        if node.tag == _INT and bounds.literal_too_long(text):
            # PyYAML converts base 60 and long literals in time quadratic in their length
            raise self.fail(_too_large(text), path, node)
        try:
            value = self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            problem = getattr(exc, "problem", None) or str(exc)
            raise self.fail(f"cannot read this value: {problem}", path, node) from None
        except (ValueError, KeyError, IndexError, AttributeError, OverflowError):
            # PyYAML's constructors trust the tag: `!!int ""`, `!!bool maybe`, a 13th month
            kind = _KINDS.get(node.tag, node.tag)
            raise self.fail(f"cannot read {str(node.value)[:60]!r} as {kind}", path, node) from None
        if bounds.too_large(value):
            raise self.fail(_too_large(text), path, node)
        return value

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[Any, Any]:
        if node.tag != _MAP:
            raise self.fail(_tag_message(node.tag), path, node)
        result: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail("keys must be plain names, not lists or mappings", path, key_node)
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.fail("merge keys ('<<') are not supported here", path, key_node)
            key = self._scalar(key_node, path)
            if not isinstance(key, str | int | bool):
                raise self.fail(f"the key {key_node.value!r} is not a name", path, key_node)
            line = key_node.start_mark.line + 1
            if key in result:
                raise self.fail(
                    f"duplicate key {key!r} (first on line {first_line[key]})",
                    (*path, str(key)),
                    key_node,
                )
            first_line[key] = line
            child: KeyPath = (*path, str(key))
            self.doc.lines[child] = line
            result[key] = self.build(value_node, child)
        return result


def load_yaml_file(
    path: Path, *, what: str = "file", error: type[EdaAdvisorError] = InputError
) -> YamlDocument:
    """Read and parse ``path``; every failure names the file."""
    return parse_yaml(read_text(path, what=what), str(path), error=error)
