"""Load the knowledge base: the shipped folder, then any packs layered on top of it.

A knowledge folder holds YAML files (any file may carry ``questions``, ``topics``, ``rules`` and
``red_flags``) plus one metadata file: ``knowledge.yaml`` for the base, ``pack.yaml`` for a pack.
Everything is checked here, once: shapes by pydantic (``schema.py``), then references between
files (``references.py``). A broken file is reported with file, line, rule id and reason, never
a traceback. The checked result is plain dataclasses, cached under the files' names, sizes and
modification times (``cache.py``), so pydantic is imported only when a knowledge folder is new
or has changed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .conditions import Not, bind_capabilities
from .errors import KnowledgeError, Problem
from .model import Broker, Conflict, Question, RedFlag, Rule, Topic
from .reading import MAX_BYTES, read_limited
from .record import Record, field
from .references import _at, _topic_cycle, reference_problems, visibility_problems
from .resources import knowledge_dir

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from .schema import KnowledgeFileSpec

_ITEM_KINDS = ("questions", "topics", "rules", "red_flags", "conflicts", "brokers")


class Layer(Record):
    """The base knowledge or one pack, as the report and the ADR's provenance name it."""

    name: str
    version: str
    digest: str
    source: str


class Knowledge(Record, eq=False):
    """The whole knowledge in effect: validated, cross-checked and ordered for the engine."""

    name: str
    version: str
    description: str
    layers: list[Layer]
    questions: dict[str, Question]
    topics: dict[str, Topic]
    rules: list[Rule]
    red_flags: list[RedFlag]
    conflicts: list[Conflict] = field(default_factory=list)
    brokers: dict[str, Broker] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)
    """``"rule:<id>"`` / ``"red_flag:<id>"`` / ``"question:<id>"`` -> ``file:line``."""
    digest: str = ""
    """One content digest over every layer, so a pack change shows in provenance."""

    @property
    def packs(self) -> list[Layer]:
        return self.layers[1:]

    def rules_for(self, topic: str) -> list[Rule]:
        return [rule for rule in self.rules if rule.topic == topic]

    def topic_deps(self, topic: str) -> list[str]:
        """Topics whose verdicts ``topic`` reads: in its rules' conditions and its requirements."""
        found = dict.fromkeys(_topic_deps(self.rules_for(topic)))
        for requirement in self.topics[topic].requires:
            found.update(dict.fromkeys(requirement.topics))
        return list(found)

    def topic_order(self) -> list[str]:
        """Topics ordered so a topic comes after every topic whose verdict it reads."""
        return dependency_order({t: self.topic_deps(t) for t in self.topics})


def dependency_order(deps: Mapping[str, list[str]]) -> list[str]:
    """Keys ordered so each comes after the keys it depends on (cycles are refused at load)."""
    order: list[str] = []
    done: set[str] = set()

    def visit(topic: str) -> None:
        if topic in done:
            return
        done.add(topic)
        for dep in deps.get(topic, []):
            if dep in deps:
                visit(dep)
        order.append(topic)

    for topic in deps:
        visit(topic)
    return order


def _topic_deps(rules: Iterable[Rule]) -> list[str]:
    return [t for rule in rules for t in rule.when.topics()]


class _Folder(Record):
    """A knowledge folder's files, listed but not read: enough to find it in the cache."""

    label: str
    meta_file: str
    entries: list[tuple[str, Traversable]]
    signature: tuple[tuple[str, int, int], ...]
    """(name, size, mtime) of every file: what the cache checks, as Python checks .pyc files."""


class _Parsed(Record):
    name: str
    version: str
    description: str
    items: dict[str, list[tuple[Any, str]]]
    """kind -> [(runtime item, "file:line")]"""
    digest: str
    source: str


def load_knowledge(packs: Sequence[Path] = (), *, base: Path | None = None) -> Knowledge:
    """The shipped knowledge base (or ``base``) with ``packs`` layered on it, in order.

    A knowledge base whose files are unchanged since it was last checked comes from the cache
    without parsing or validating anything (``cache.py``).
    """
    from . import cache

    folders = _read_folders(packs, base)
    signature = cache.signature([(folder.label, folder.signature) for folder in folders])
    knowledge = cache.load(signature)
    if knowledge is None and base is None and not packs:
        from . import shipped

        # the shipped base as validated before release, if these files are the ones it was
        # made from: a first run then skips pydantic altogether
        found = shipped.load(_read_bytes(folders[0])[0])
        if found is not None:
            knowledge, encoded = found
            cache.store(signature, knowledge, encoded=encoded)
    if knowledge is None:
        knowledge, problems = _check(folders)
        if problems:
            raise KnowledgeError(problems)
        cache.store(signature, knowledge)
    return knowledge


def load_knowledge_leniently(
    packs: Sequence[Path] = (), *, base: Path | None = None
) -> tuple[Knowledge | None, list[Problem]]:
    """Everything that loads, plus every problem found, for ``edaadvisor kb lint``.

    Items that break the schema, duplicate an id or name something unknown are reported and
    left out (or kept, for references), so one broken rule does not hide the others' findings.
    A folder that cannot be read at all (missing, no metadata file, not YAML) still raises
    ``KnowledgeError``: there is nothing to lint.
    """
    return _check(_read_folders(packs, base))


def _read_folders(packs: Sequence[Path], base: Path | None) -> list[_Folder]:
    if base is None:
        folders = [_read_folder(knowledge_dir(), "knowledge", "knowledge.yaml")]
    else:
        folders = [_read_folder(_folder(base, "knowledge base"), str(base), "knowledge.yaml")]
    for pack in packs:
        folders.append(_read_folder(_folder(pack, "knowledge pack"), str(pack), "pack.yaml"))
    return folders


def _check(folders: list[_Folder]) -> tuple[Knowledge, list[Problem]]:
    problems: list[Problem] = []
    layers = [_parse_folder(folder, problems) for folder in folders]
    knowledge = _assemble(layers, problems)
    problems.extend(reference_problems(knowledge))
    problems.extend(visibility_problems(knowledge))
    if not problems:
        cycle = _topic_cycle(knowledge)
        if cycle:
            # point at a rule that closes the loop, so the message leads to a line to edit
            rule = next(
                (r for r in knowledge.rules_for(cycle[0]) if cycle[1] in r.when.topics()), None
            )
            key, label = (
                (f"rule:{rule.id}", f"rule {rule.id}")
                if rule is not None
                else (f"topic:{cycle[0]}", f"topic {cycle[0]}")  # a 'requires' closes it
            )
            problems.append(
                _at(
                    knowledge.origin[key],
                    f"({label}) topic verdicts depend on each other in a "
                    f"cycle: {' -> '.join(cycle)}",
                )
            )
    return knowledge, problems


def _folder(path: Path, what: str) -> Path:
    if not path.exists():
        raise KnowledgeError.single(
            f"no such folder (a {what} is a folder of YAML files)", str(path)
        )
    if not path.is_dir():
        raise KnowledgeError.single(
            f"a {what} is a folder of YAML files; this is not one", str(path)
        )
    return path


def _read_folder(folder: Traversable, label: str, meta_file: str) -> _Folder:
    found: list[tuple[str, Traversable]]
    if isinstance(folder, Path):
        found = list(_walk_pack(folder, label))
    else:  # the shipped knowledge inside a zip import: no links, no devices
        found = list(_yaml_files(folder, ""))
    entries = sorted(found, key=lambda item: item[0])
    if meta_file not in [name for name, _ in entries]:
        what = "pack" if meta_file == "pack.yaml" else "knowledge base"
        raise KnowledgeError.single(
            f"missing {meta_file} (it names the {what} and its version)", f"{label}/{meta_file}"
        )
    signature: list[tuple[str, int, int]] = []
    for name, entry in entries:
        try:
            if isinstance(entry, Path):
                stat = entry.stat()
                signature.append((name, stat.st_size, stat.st_mtime_ns))
            else:  # no file system underneath (a zip import): the content itself must do
                import zlib

                raw = entry.read_bytes()
                signature.append((name, len(raw), zlib.crc32(raw)))
        except OSError as exc:
            raise _unreadable(exc, f"{label}/{name}") from None
    return _Folder(label, meta_file, entries, tuple(signature))


def _unreadable(exc: OSError, where: str) -> KnowledgeError:
    return KnowledgeError.single(
        f"cannot read this file: {exc.strerror or type(exc).__name__}", where
    )


def _read_bytes(folder: _Folder) -> tuple[list[tuple[str, bytes]], str]:
    """Every file's bytes and the layer's content digest (the one provenance records)."""
    import hashlib

    digest = hashlib.sha256()
    files: list[tuple[str, bytes]] = []
    for name, entry in folder.entries:
        if isinstance(entry, Path):
            # a regular file of bounded size only: a FIFO or /dev/zero must not hang the load
            raw = read_limited(
                entry, limit=MAX_BYTES, what="knowledge file", error=KnowledgeError
            )
        else:
            try:
                raw = entry.read_bytes()
            except OSError as exc:
                raise _unreadable(exc, f"{folder.label}/{name}") from None
        digest.update(name.encode() + b"\0" + raw + b"\0")
        files.append((name, raw))
    return files, digest.hexdigest()


def _parse_folder(folder: _Folder, problems: list[Problem]) -> _Parsed:
    """One folder's items; schema problems go to ``problems``, unreadable files raise."""
    label, meta_file = folder.label, folder.meta_file
    files, digest = _read_bytes(folder)
    unreadable: list[Problem] = []
    meta: KnowledgeFileSpec | None = None
    items: dict[str, list[tuple[Any, str]]] = {kind: [] for kind in _ITEM_KINDS}
    for name, raw in files:
        source = f"{label}/{name}"
        try:
            text = raw.decode("utf-8")
            # only a changed knowledge folder is parsed and validated
            from .schema import validate_file
            from .yamlsafe import parse_yaml

            doc = parse_yaml(text, source, error=KnowledgeError)
        except UnicodeDecodeError:
            unreadable.append(Problem("is not UTF-8 text", source))
            continue
        except KnowledgeError as exc:
            unreadable.extend(exc.problems)
            continue
        parsed, kept = validate_file(doc, problems)
        if name == meta_file:
            meta = parsed
        elif parsed is not None and (parsed.name or parsed.version):
            problems.append(Problem(f"'name' and 'version' belong in {meta_file}", source))
        for kind, index, item in kept:
            line = doc.line_of((kind, index))
            items[kind].append((item, f"{source}:{line}" if line else source))
    if unreadable:
        raise KnowledgeError(unreadable)
    if meta is None or not meta.name or not meta.version:
        raise KnowledgeError.single("needs both 'name' and 'version'", f"{label}/{meta_file}")
    return _Parsed(meta.name, meta.version, meta.description, items, digest, label)


MAX_ENTRIES = 2_000
"""Files and folders looked at in one knowledge folder: the shipped base has a dozen; a pack
named by mistake as ``/`` or a home folder is refused instead of walked."""
MAX_FOLDER_DEPTH = 8


def _walk_pack(root: Path, label: str) -> Iterable[tuple[str, Path]]:
    """The YAML files under ``root``, following links only to places inside it, once each."""
    try:
        inside = root.resolve(strict=True)
        seen = {_identity(root)}
    except (OSError, RuntimeError) as exc:
        raise KnowledgeError.single(f"cannot read this folder: {exc}", label) from None
    count = 0
    pending: list[tuple[Path, str, int]] = [(root, "", 0)]
    while pending:
        folder, prefix, depth = pending.pop()
        try:
            with os.scandir(folder) as listing:
                for entry in listing:
                    count += 1
                    name = f"{prefix}{entry.name}"
                    where = f"{label.rstrip('/')}/{name}"
                    if count > MAX_ENTRIES:
                        raise KnowledgeError.single(
                            f"holds more than {MAX_ENTRIES} files and folders; a knowledge "
                            "pack is a small folder of YAML files",
                            label,
                        )
                    is_yaml = entry.name.endswith((".yaml", ".yml"))
                    if entry.is_symlink() and (is_yaml or entry.is_dir()):
                        _check_link(Path(entry.path), inside, where)
                    if entry.is_dir():
                        if depth + 1 > MAX_FOLDER_DEPTH:
                            raise KnowledgeError.single(
                                f"folders nested more than {MAX_FOLDER_DEPTH} deep", where
                            )
                        identity = _identity(Path(entry.path))
                        if identity in seen:
                            raise KnowledgeError.single(
                                "links to a folder that is read already (a loop)", where
                            )
                        seen.add(identity)
                        pending.append((Path(entry.path), f"{name}/", depth + 1))
                    elif is_yaml:
                        yield name, Path(entry.path)
        except OSError as exc:
            raise _unreadable(exc, f"{label}/{prefix}".rstrip("/")) from None


def _identity(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_dev, info.st_ino


def _check_link(link: Path, inside: Path, where: str) -> None:
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):  # dangling, or a loop of links
        raise KnowledgeError.single("is a link that leads nowhere (or in a loop)", where) from None
    if not target.is_relative_to(inside):
        raise KnowledgeError.single(
            f"links out of the knowledge folder (to {target}); copy the file into it instead",
            where,
        )


def _yaml_files(folder: Traversable, prefix: str) -> Iterable[tuple[str, Traversable]]:
    for entry in folder.iterdir():
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            yield from _yaml_files(entry, f"{name}/")
        elif entry.name.endswith((".yaml", ".yml")):
            yield name, entry


def _assemble(layers: list[_Parsed], problems: list[Problem]) -> Knowledge:
    """Layer the folders in order; id clashes go to ``problems`` and the later item is dropped."""
    questions: dict[str, Question] = {}
    topics: dict[str, Topic] = {}
    rules: dict[str, Rule] = {}
    red_flags: dict[str, RedFlag] = {}
    conflicts: dict[str, Conflict] = {}
    brokers: dict[str, Broker] = {}
    origin: dict[str, str] = {}
    tables: dict[str, dict[str, Any]] = {
        "questions": questions,
        "topics": topics,
        "rules": rules,
        "red_flags": red_flags,
        "conflicts": conflicts,
        "brokers": brokers,
    }
    layer_of: dict[str, int] = {}
    for depth, layer in enumerate(layers):
        for kind, table in tables.items():
            singular = kind.rstrip("s")
            noun = singular.replace("_", " ")
            for item, where in layer.items[kind]:
                key = f"{singular}:{item.id}"
                replaces = bool(getattr(item, "replaces", False))
                if key in layer_of and not (replaces and layer_of[key] < depth):
                    problems.append(_at(where, _clash(noun, item.id, origin[key], depth, kind)))
                    continue
                if replaces and key not in layer_of:
                    problems.append(
                        _at(
                            where,
                            f"{noun} {item.id!r} replaces nothing: no earlier layer defines it",
                        )
                    )
                    continue
                table[item.id] = item
                origin[key] = where
                layer_of[key] = depth
    import hashlib

    for topic in topics.values():
        declared = _applicability_rule(topic)
        if declared is not None and f"rule:{declared.id}" not in origin:
            rules[declared.id] = declared
            origin[f"rule:{declared.id}"] = origin[f"topic:{topic.id}"]
    table = {broker.id: broker.has for broker in brokers.values()}
    joined = "\n".join(f"{layer.name}@{layer.digest}" for layer in layers)
    return Knowledge(
        name=layers[0].name,
        version=layers[0].version,
        description=layers[0].description,
        layers=[Layer(p.name, p.version, p.digest, p.source) for p in layers],
        questions={
            q.id: q.replace(visible_when=bind_capabilities(q.visible_when, table))
            if q.visible_when
            else q
            for q in questions.values()
        },
        topics=topics,
        rules=[r.replace(when=bind_capabilities(r.when, table)) for r in rules.values()],
        red_flags=[f.replace(when=bind_capabilities(f.when, table)) for f in red_flags.values()],
        conflicts=[c.replace(when=bind_capabilities(c.when, table)) for c in conflicts.values()],
        brokers=brokers,
        origin=origin,
        digest=hashlib.sha256(joined.encode()).hexdigest(),
    )


def _applicability_rule(topic: Topic) -> Rule | None:
    """A topic's ``applies_when`` as the decisive rule the engine runs: where the condition is
    false, the topic does not arise. One rule, evaluated like every other, so the report, the
    what-if search and the linter all see the same reason with the same id."""
    if topic.applies_when is None:
        return None
    return Rule(
        id=f"{topic.id}.does-not-arise",
        topic=topic.id,
        verdict="not_applicable",
        when=Not(topic.applies_when),
        summary=topic.not_applicable,
        rationale=f"{topic.title} only arises where its preconditions hold; here they do not.",
        references=list(topic.references),
        strength="decisive",
        declared=True,
    )


def _clash(noun: str, item_id: str, first: str, depth: int, kind: str) -> str:
    message = f"{noun} {item_id!r} is already defined at {first}"
    if depth == 0:
        return message
    if kind in ("rules", "red_flags"):
        return f"{message} (a pack overrides a shipped one with 'replaces: true')"
    # answers files and ADRs already committed rely on a question's domain and a topic's
    # meaning, so a pack may add its own but never quietly redefine a shipped one
    return f"{message}; a pack adds {kind} under new ids, it cannot change a shipped {noun}"
