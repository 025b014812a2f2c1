"""One row of ``bench/run.py``'s table, and how its figures are written."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Row:
    measured: str
    median: str
    baseline: str = "—"
    ratio: str = "—"
    target: str = "—"
    met: str = "—"
    notes: str = ""


def ms(seconds: float) -> str:
    value = seconds * 1000
    if value >= 100:
        return f"{value:,.0f} ms"
    if value >= 1:
        return f"{value:.1f} ms"
    return f"{value:.3f} ms"


def verdict(value: float, limit: float, *, strict: bool = False) -> str:
    """``yes``, or ``no`` with how far over the limit the figure is."""
    if value < limit or (value == limit and not strict):
        return "yes"
    return f"**no** (+{(value / limit - 1) * 100:.1f}%)"
