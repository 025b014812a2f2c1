"""The quick reader of everyday command lines (``quickargs.py``) agrees with argparse.

``edaadvisor --answers FILE ...`` is read without importing argparse; whatever the quick
reader accepts must parse to exactly what ``cli.build_parser()`` gives, and the rest is left
to argparse (which also words the errors).
"""

from __future__ import annotations

import contextlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edaadvisor.cli import build_parser
from edaadvisor.quickargs import quick_parse

TOKENS = [
    "--answers", "-a", "--format", "-f", "--output", "-o", "--force", "--template", "--knowledge",
    "-k", "--set", "--interactive", "-i", "--adr-dir", "--help", "--version", "--ans", "-af",
    "json", "text", "markdown", "yaml", "a.yaml", "out.md", "x=1", "-", "--", "", "-x", "-5",
    "--format=json", "--answers=a.yaml", "--set=consumers=3", "--force=1", "--output=", "-f=json",
]  # fmt: skip


def argparse_reads(argv: list[str]) -> dict[str, object] | None:
    """What argparse makes of ``argv``, or None when it refuses it (or prints help)."""
    try:
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            return vars(build_parser().parse_args(argv))
    except SystemExit:
        return None


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=7))
def test_what_the_quick_reader_accepts_argparse_reads_the_same(argv: list[str]) -> None:
    quick = quick_parse(argv)
    if quick is not None:
        assert vars(quick) == argparse_reads(argv), argv


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--answers", "a.yaml"],
        ["--answers", "a.yaml", "--format", "json"],
        ["-a", "a.yaml", "-f", "text", "-o", "out.txt", "--force"],
        ["--answers=a.yaml", "--format=json", "--set", "consumers=3", "--set", "pii=true"],
        ["--answers", "a.yaml", "--knowledge", "pack", "-k", "other", "--template", "nygard"],
        ["--answers", "a.yaml", "--interactive"],
    ],
)
def test_everyday_command_lines_take_the_quick_path(argv: list[str]) -> None:
    quick = quick_parse(argv)
    assert quick is not None
    assert vars(quick) == argparse_reads(argv)


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["--version"], ["--ans", "a.yaml"], ["--format", "yaml"], ["--adr-dir"], ["x"]],
)
def test_the_rest_is_left_to_argparse(argv: list[str]) -> None:
    assert quick_parse(argv) is None


def test_the_text_summary_does_not_search_what_if(monkeypatch: pytest.MonkeyPatch) -> None:
    """--format text prints no counterfactuals, so it must not pay for finding them."""
    from conftest import EXAMPLES
    from edaadvisor.cli import main
    from edaadvisor.core import report

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("what-if searched for a format that does not print it")

    monkeypatch.setattr(report, "search_what_if", refuse)
    example = str(EXAMPLES / "order-fulfilment.yaml")
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert main(["--answers", example, "--format", "text"]) == 0
    assert "event_driven" in out.getvalue()
    with pytest.raises(AssertionError, match="what-if searched"):
        main(["--answers", example, "--format", "json"])  # the JSON report prints it
