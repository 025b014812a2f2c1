"""``--adr-dir``: write the overview and one record per decided topic, in the folder's own
convention, without ever writing the same decision twice.

- Naming follows the folder (``detect``): number width, or log4brains dates (the ADR's own
  date); the template follows it too (adr-tools folders get Nygard) unless ``--template``.
- A re-run with answers already recorded by an active record writes nothing and names it.
- ``--force`` rewrites that set in place, keeping numbers and file names.
- ``--supersedes N`` writes a new set and marks record N's set superseded, linked both ways.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import InputError
from ..core.files import write_file
from ..core.report import Report
from ..core.terminal import echo
from .context import Source, adr_date, answers_source, repository_root
from .files import Claim, Convention, claim, detect, locate, record_number
from .lifecycle import mark_superseded, peek, read_adr
from .records import Link, decided, overview_context, record_title, topic_context
from .render import adr_title, render_context
from .text import md_escape, slugify

if TYPE_CHECKING:
    from ..quickargs import Options


class Existing(dict[str, Any]):
    """A record of ours in the folder: ``path``, ``prov`` (provenance), ``status``,
    ``heading`` (its title as written) and ``part_of`` (the overview file it links to)."""


_HEADING = re.compile(r"^# (?:\d+\. )?(.+)$", re.M)
_PART_OF = re.compile(r"part of \[[^\]\n]*\]\(([^)\s]+)\)")


def write_adr_dir(args: Options, report: Report) -> int:
    folder, found_by = _folder(args.adr_dir)
    convention = detect(folder, found_by)
    template = args.template or convention.template
    source = answers_source(args.answers, folder) if args.answers else Source()
    existing = _ours(folder)
    kind = "single" if args.single else "overview"
    old: list[Existing] = []
    in_place: dict[str, Path] = {}
    if args.supersedes is not None:
        old = _set_of(_numbered(existing, args.supersedes, folder), existing)
    else:
        heading = md_escape(adr_title(report))
        same = [
            e for e in existing
            if e["prov"].get("record") == kind and e["prov"]["answers"] == report.answers
            and e["heading"] == heading
        ]  # fmt: skip
        if same and not args.force:
            holder = _shown(same[0]["path"])
            others = len(_set_of(same[0], existing)) - 1
            extra = f" (and {others} topic record{'s' if others != 1 else ''})" if others else ""
            echo(
                f"edaadvisor: unchanged: {holder}{extra} already records these answers; nothing "
                "written (--force rewrites it in place, --supersedes N replaces it)",
                sys.stderr,
            )
            return 0
        if same:
            in_place = {str(e["prov"].get("record")): e["path"] for e in _set_of(same[0], existing)}
    written = _write_set(report, convention, template, kind, source, in_place, old)
    for path in written:
        echo(_shown(path))
    return 0


def _folder(option: Path | bool) -> tuple[Path, str]:
    if option is True:
        found = locate(Path.cwd())
        if found is None:
            root = repository_root(Path.cwd())
            if root is None:
                raise InputError.single(
                    "no ADR folder found and not inside a git repository (looked for "
                    ".adr-dir, docs/decisions, doc/adr, docs/adr); name one: --adr-dir DIR"
                )
            # a repository without ADRs yet gets MADR's suggested folder, as `adr init` would
            found = root / "docs" / "decisions", "docs/decisions"
            echo(f"edaadvisor: starting the ADR folder {_shown(found[0])}", sys.stderr)
        folder, how = found
        if not folder.is_dir():
            _make(folder)
        return folder, how
    folder = Path(str(option))
    if not folder.is_dir():
        if folder.exists():
            raise InputError.single("is not a folder", str(folder))
        _make(folder)  # a folder named explicitly is created, as `adr init` does
    return folder, folder.as_posix().rstrip("/").removeprefix("./")


def _make(folder: Path) -> None:
    try:
        folder.mkdir(parents=True)
    except OSError as exc:
        raise InputError.single(
            f"cannot create the folder: {exc.strerror}", str(folder)[:300]
        ) from None


def _ours(folder: Path) -> list[Existing]:
    """Records of ours in ``folder`` that nothing superseded, in name order (a record the
    team rejected or deprecated still holds its answers: writing them again is a duplicate)."""
    found = []
    for path in sorted(folder.glob("*.md")):
        peeked = peek(path)
        if peeked and not peeked[1].lower().lstrip("*_ ").startswith("superseded"):
            text = read_adr(path)
            title = _HEADING.search(text)
            part_of = _PART_OF.search(text)
            found.append(
                Existing(
                    path=path,
                    prov=peeked[0],
                    status=peeked[1],
                    heading=title.group(1).strip() if title else "",
                    part_of=part_of.group(1) if part_of else None,
                )
            )
    return found


def _numbered(existing: list[Existing], wanted: str, folder: Path) -> Existing:
    for record in existing:
        name = record["path"].name
        if wanted in (name, record["path"].stem) or (
            wanted.isdigit() and record_number(name) == int(wanted)
        ):
            return record
    raise InputError.single(
        f"--supersedes {wanted}: no active record of edaadvisor's with that number or name",
        str(folder),
    )


def _set_of(anchor: Existing, existing: list[Existing]) -> list[Existing]:
    """The records written together with ``anchor``: its overview and the topic records that
    say they are part of it (or, from a template without that link, share its answers)."""
    overview_name = anchor["part_of"] or anchor["path"].name
    linked = [
        e for e in existing
        if e["path"].name == overview_name or e["part_of"] == overview_name
    ]  # fmt: skip
    if len(linked) > 1 or anchor["prov"].get("template") != "custom":
        return linked or [anchor]
    key = (anchor["prov"]["answers"], anchor["prov"].get("source"))
    return [e for e in existing if (e["prov"]["answers"], e["prov"].get("source")) == key]


def _links(report: Report, claims: dict[str, Claim], convention: Convention) -> dict[str, Link]:
    """How records point at each other: ``label`` (ADR-0004, or a dated file's stem) in MADR
    and tables, ``title`` (``4. Title``, as adr-tools writes links) in Nygard's Status."""
    links = {}
    for record, item in claims.items():
        heading = (
            adr_title(report) if record in ("overview", "single") else record_title(report, record)
        )
        if item.number is None:
            label = title = item.path.stem
        else:
            label = f"ADR-{item.number:0{convention.width}d}"
            title = f"{item.number}. {md_escape(heading)}"
        name = f"{label}: {md_escape(heading)}"
        links[record] = Link(label=label, title=title, name=name, file=item.path.name)
    return links


def _write_set(
    report: Report,
    convention: Convention,
    template: str,
    kind: str,
    source: Source,
    in_place: dict[str, Path],
    old: list[Existing],
) -> list[Path]:
    date = adr_date(report)
    wanted = [kind] + ([] if kind == "single" else decided(report))
    claims: dict[str, Claim] = {}
    try:
        for record in wanted:
            if record in in_place:
                path = in_place[record]
                claims[record] = Claim(record_number(path.name), path, None)
                continue
            title = (
                adr_title(report)
                if record in ("overview", "single")
                else record_title(report, record)
            )
            claims[record] = claim(convention, slugify(title), date)
        texts = render_records(report, claims, template, kind, source, convention, old)
        for record, item in claims.items():
            write_file(item.path, texts[record], force=record in in_place)
    finally:
        for item in claims.values():
            item.release()
    links = _links(report, claims, convention)
    for previous in old:
        target = links.get(str(previous["prov"].get("record")), links[kind])
        text = mark_superseded(read_adr(previous["path"]), target)
        write_file(previous["path"], text, force=True)
    return [c.path for c in claims.values()]


def draft_records(report: Report, template: str = "madr") -> list[tuple[str, str]]:
    """The overview and one record per decided topic, as ``(file name, text)``, numbered from
    1 and linked to each other as ``--adr-dir`` would write them into an empty folder; nothing
    is written (the MCP server hands them to an agent)."""
    convention = Convention(Path("."), template)
    claims: dict[str, Claim] = {}
    for number, record in enumerate(["overview", *decided(report)], start=1):
        title = adr_title(report) if record == "overview" else record_title(report, record)
        name = f"{number:04d}-{slugify(title)}.md"
        claims[record] = Claim(number, Path(name), None)
    texts = render_records(report, claims, template, "overview", Source(), convention)
    return [(claims[record].path.name, texts[record]) for record in claims]


def render_records(
    report: Report,
    claims: dict[str, Claim],
    template: str,
    kind: str,
    source: Source,
    convention: Convention,
    old: list[Existing] | None = None,
) -> dict[str, str]:
    """Record (``overview``, ``single`` or a topic id) -> its text, linked to the others."""
    links = _links(report, claims, convention)
    texts: dict[str, str] = {}
    for record, item in claims.items():
        if record in ("overview", "single"):
            context = overview_context(
                report, kind=kind, number=item.number, links=links, source=source
            )
        else:
            context = topic_context(
                report, record, number=item.number, overview=links[kind], source=source
            )
        context["supersedes"] = [
            _link_to(e) for e in old or [] if e["prov"].get("record") == record
        ]
        texts[record] = render_context(context, template)
    return texts


def _link_to(record: Existing) -> Link:
    path: Path = record["path"]
    number = record_number(path.name)
    heading = record["heading"] or path.stem
    if number is None:
        return Link(label=path.stem, title=path.stem, name=heading, file=path.name)
    label = f"ADR-{path.name.split('-', 1)[0]}"
    return Link(
        label=label, title=f"{number}. {heading}", name=f"{label}: {heading}", file=path.name
    )


def _shown(path: Path) -> str:
    """The written path relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def render_single(
    report: Report, template: str | None, answers: Path | None, output: Path | None, force: bool
) -> str:
    """The single concise document for stdout or ``--output``; replacing a Nygard record with
    ``--force`` keeps its number."""
    number = None
    if output is not None and force and output.is_file():
        try:
            first = read_adr(output).split("\n", 1)[0]
        except InputError:
            first = ""
        if first.startswith("# ") and first[2:].split(".", 1)[0].isdigit():
            number = int(first[2:].split(".", 1)[0])
    folder = output.parent if output is not None else None
    source = answers_source(answers, folder) if answers is not None and folder else None
    from .render import render_adr

    return render_adr(report, template=template or "madr", number=number, source=source)
