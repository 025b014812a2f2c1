"""Reading ADR files as a team keeps them: status in any MADR or Nygard form, our provenance
(if any), and marking a record superseded the way adr-tools does.

Files come from pull requests, so reading is bounded (a size cap, regular files only) and
linear (one ``find`` per marker, no backtracking regular expression over the whole text).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..core.errors import InputError
from ..core.yamlsafe import parse_yaml
from .text import clean

MAX_ADR_BYTES = 1024 * 1024
COMMENT_MARK = "<!-- edaadvisor provenance"
INACTIVE = ("superseded", "deprecated", "rejected")
_STATUS_LINE = re.compile(r"^[*-]?\s*\**status\**\s*:\s*(.+)$", re.I | re.M)


def read_adr(path: Path) -> str:
    """The file's text, refusing what is not a regular UTF-8 file of at most 1 MiB (through the
    one bounded reader: no blocking on a pipe, no reading a device)."""
    from ..core.reading import read_limited

    data = read_limited(path, limit=MAX_ADR_BYTES, what="file")
    try:
        return data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise InputError.single("is not UTF-8 text", str(path)) from None


def front_matter(text: str) -> tuple[str, int] | None:
    """(the YAML between the opening and closing ``---``, its first line number)."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 3)
    if end == -1:
        end = text.find("\n---", 3)
        if end == -1 or text[end + 4 :].strip():
            return None
    return text[4:end], 2


def provenance_block(text: str) -> tuple[str, int] | None:
    """Our provenance YAML and its first line: in front matter, or the Nygard comment."""
    front = front_matter(text)
    if front and re.search(r"^edaadvisor:", front[0], re.M):
        return front
    start = text.find(COMMENT_MARK)
    if start == -1:
        return None
    body = text.find("\n", start)
    end = text.find("-->", body)
    if body == -1 or end == -1:
        return None
    return text[body + 1 : end], text.count("\n", 0, body) + 2


def parse_provenance(block: str, where: str) -> Any:
    data = parse_yaml(block, where).data
    return data.get("edaadvisor") if isinstance(data, dict) else None


def peek(path: Path) -> tuple[dict[str, Any], str] | None:
    """(provenance, status) of one of our records; None for anything else, quietly."""
    try:
        text = read_adr(path)
        block = provenance_block(text)
        found = parse_provenance(block[0], str(path)) if block else None
    except InputError:
        return None
    if not isinstance(found, dict) or not isinstance(found.get("answers"), dict):
        return None
    return found, status_of(text)


def status_of(text: str) -> str:
    """The record's status as written: MADR front matter (``status: "superseded by ADR-0009"``),
    MADR 2's ``* Status: accepted`` line, or Nygard's ``## Status`` paragraph."""
    front = front_matter(text)
    if front:
        match = re.search(r"^status:\s*(.*)$", front[0], re.M)
        if match:
            return clean(match.group(1).strip().strip("\"'"))
        body = text[len(front[0]) + 9 :]
    else:
        body = text
    heading = re.search(r"^##\s+Status\s*$", body, re.M)
    if heading:
        rest = body[heading.end() :].lstrip("\n")
        return clean(rest.split("\n\n", 1)[0])
    line = _STATUS_LINE.search(body[:4000])
    return clean(line.group(1)) if line else ""


def inactive(status: str) -> bool:
    """Superseded, deprecated or rejected, in any wording that starts so."""
    return status.lower().lstrip("*_ ").startswith(INACTIVE)


def mark_superseded(text: str, by: dict[str, str]) -> str:
    """``text`` with its status set to superseded by the record ``by`` (``label``, ``title``,
    ``file``), linked: MADR's ``superseded by ADR-0009``, or adr-tools' Status line."""
    label, file = by["label"], by["file"]
    link = f"[{label}]({file})"
    front = front_matter(text)
    if front and re.search(r"^status:", front[0], re.M):
        yaml_part = re.sub(
            r"^status:.*$", f'status: "superseded by {label}"', front[0], count=1, flags=re.M
        )
        text = text.replace(front[0], yaml_part, 1)
        title = re.search(r"^# .*$", text, re.M)
        if title:
            text = f"{text[: title.end()]}\n\nSuperseded by {link}.{text[title.end() :]}"
        return text
    heading = re.search(r"^## Status\s*\n\n", text, re.M)
    if heading:
        rest = text[heading.end() :]
        end = rest.find("\n\n")
        end = len(rest) if end == -1 else end
        return f"{text[: heading.end()]}Superseded by [{by['title']}]({file}){rest[end:]}"
    return text
