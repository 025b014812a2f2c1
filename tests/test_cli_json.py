"""`--format json` keeps CONTRACT.md section 2; the schema ships; the JSON path stays light.

These run the real command (``python -m edaadvisor`` and the ``edaadvisor`` console script),
because scripts in other repositories read exactly this output.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EXAMPLES, REPO, run_cli
from edaadvisor.cli import main
from edaadvisor.core.conditions import VERDICTS

TOPICS = [
    "event_driven", "event_sourcing", "cqrs", "choreography", "orchestration", "outbox",
    "dead_letter_queue", "schema_registry", "idempotent_consumers", "snapshots", "pii_erasure",
    "partition_key", "sequencing", "static_membership",
]  # fmt: skip
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
SCHEMA_FILE = REPO / "schema" / "answers-v1.schema.json"
REGENERATE = ".venv/bin/edaadvisor schema > schema/answers-v1.schema.json"


def report_for(path: Path, *extra: str) -> dict[str, Any]:
    proc = run_cli("--answers", str(path), "--format", "json", *extra)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


@pytest.fixture(scope="module")
def reports() -> dict[str, dict[str, Any]]:
    return {path.name: report_for(path) for path in EXAMPLE_FILES}


def test_examples_exist_and_are_realistic() -> None:
    assert len(EXAMPLE_FILES) >= 3


@pytest.mark.parametrize("name", [p.name for p in EXAMPLE_FILES])
def test_report_matches_the_contract(reports: dict[str, dict[str, Any]], name: str) -> None:
    report = reports[name]
    answers = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))["answers"]
    assert report["version"] == 1
    assert isinstance(report["knowledge"]["name"], str) and report["knowledge"]["name"]
    assert isinstance(report["knowledge"]["version"], str) and report["knowledge"]["version"]
    assert list(report["decisions"]) == TOPICS
    for topic, decision in report["decisions"].items():
        assert decision["verdict"] in VERDICTS, topic
        assert isinstance(decision["summary"], str) and decision["summary"].strip()
        assert "\n" not in decision["summary"]
        assert isinstance(decision["rules"], list)
        assert all(isinstance(r, str) for r in decision["rules"])
        assert isinstance(decision["unknown"], list)
        # every decision names the answers its rules read, with the values the file gave
        for question, value in decision["answers"].items():
            assert answers[question] == value
        if decision["rules"]:
            assert [e["rule"] for e in decision["explanation"]] == decision["rules"]
            read = {q for e in decision["explanation"] for q in e["answers"]}
            assert read == set(decision["answers"])
    assert isinstance(report["red_flags"], list)
    for flag in report["red_flags"]:
        for key in ("id", "title", "why", "mitigation"):
            assert isinstance(flag[key], str) and flag[key].strip(), (flag.get("id"), key)
    ids = [flag["id"] for flag in report["red_flags"]]
    assert len(ids) == len(set(ids))


def test_known_verdicts_of_the_examples(reports: dict[str, dict[str, Any]]) -> None:
    def verdicts(name: str) -> dict[str, str]:
        return {t: d["verdict"] for t, d in reports[name]["decisions"].items()}

    shop = verdicts("order-fulfilment.yaml")
    assert shop["event_driven"] == "recommend"
    assert shop["orchestration"] == "recommend"
    assert shop["choreography"] == "advise_against"
    assert shop["outbox"] == "recommend"
    admin = verdicts("room-booking-admin.yaml")
    assert admin["event_driven"] == "advise_against"
    assert admin["event_sourcing"] == "advise_against"
    assert {admin["choreography"], admin["orchestration"]} == {"not_applicable"}
    assert reports["room-booking-admin.yaml"]["red_flags"] == []  # nothing can go wrong here
    ledger = verdicts("account-ledger.yaml")
    assert ledger["event_sourcing"] == "recommend"
    assert ledger["snapshots"] == "recommend"
    shop_flags = {f["id"] for f in reports["order-fulfilment.yaml"]["red_flags"]}
    assert "dual_write_without_outbox" in shop_flags
    assert "no_partition_key" in shop_flags


def test_partial_answers_say_what_is_undecided(tmp_path: Path) -> None:
    path = tmp_path / "partial.yaml"
    path.write_text(
        "version: 1\nanswers:\n  services: 4\n  workflow_participants: 5\n"
        "  compensation: non_trivial\n",
        encoding="utf-8",
    )
    report = report_for(path)
    assert list(report["decisions"]) == TOPICS
    assert report["decisions"]["orchestration"]["verdict"] in ("recommend", "consider")
    assert report["decisions"]["choreography"]["verdict"] in ("advise_against", "consider")
    undecided = {t: d for t, d in report["decisions"].items() if not d["rules"]}
    assert undecided, "with three answers most topics cannot be decided"
    for topic, decision in undecided.items():
        assert decision["unknown"], f"{topic} names no question it is waiting for"
        if decision["conditional"] is None:
            assert "Undecided until" in decision["summary"]
        # questions are named in words; their ids stay in "unknown" for scripts
        for question in decision["unknown"]:
            assert "_" not in question or question not in decision["summary"]
    assert "dual_write" in report["unanswered"]
    assert {p["id"] for p in report["possible_red_flags"]} >= {"dual_write_without_outbox"}


def test_same_answers_give_identical_bytes_across_runs() -> None:
    path = EXAMPLES / "loyalty-points.yaml"
    first = run_cli("--answers", str(path), "--format", "json")
    second = run_cli("--answers", str(path), "--format", "json")
    assert first.returncode == 0
    assert first.stdout == second.stdout


def test_the_console_script_gives_the_same_report() -> None:
    script = Path(sys.executable).with_name("edaadvisor")
    assert script.exists(), f"no console script next to {sys.executable}"
    path = str(EXAMPLES / "order-fulfilment.yaml")
    proc = subprocess.run(
        [str(script), "--answers", path, "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == run_cli("--answers", path, "--format", "json").stdout


def test_json_path_imports_no_renderer_or_tui() -> None:
    code = (
        "import contextlib, io, sys\n"
        "from edaadvisor.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    status = main(['--answers', {str(EXAMPLES / 'order-fulfilment.yaml')!r},"
        " '--format', 'json'])\n"
        "assert status == 0 and out.getvalue().startswith('{')\n"
        "heavy = ['textual', 'jinja2', 'markdown_it']\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]", f"the JSON path imported {proc.stdout.strip()}"


# --- the schema ----------------------------------------------------------------------------


def test_committed_schema_is_the_generated_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    generated = capsys.readouterr().out
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert generated == committed, f"schema/ is stale; regenerate it: {REGENERATE}"


def test_schema_subcommand_in_a_real_process() -> None:
    proc = run_cli("schema")
    assert proc.returncode == 0, proc.stderr
    schema = json.loads(proc.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    answers = schema["properties"]["answers"]["properties"]
    assert set(answers) >= {"services", "dual_write", "broker"}


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_examples_start_with_the_schema_line(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    target = first.split("$schema=", 1)[1].strip()
    if not target.startswith("https://"):
        assert (path.parent / target).resolve() == SCHEMA_FILE.resolve()


def _validator() -> Any:
    try:  # the real thing when the environment has it
        import jsonschema  # type: ignore[import-untyped]
    except ImportError:
        return None
    return jsonschema


def check_schema(schema: dict[str, Any], data: Any) -> list[str]:
    """Errors of ``data`` against ``schema``, with jsonschema if installed, else a small subset."""
    jsonschema = _validator()
    if jsonschema is not None:
        validator = jsonschema.Draft202012Validator(schema)
        return [e.message for e in validator.iter_errors(data)]
    return _subset(schema, schema, data, "$")


TYPES = {
    "object": dict, "array": list, "string": str, "integer": int, "boolean": bool,
    "null": type(None),
}  # fmt: skip


def _subset(root: dict[str, Any], node: dict[str, Any], data: Any, where: str) -> list[str]:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        return _subset(root, root["$defs"][name], data, where)
    if "anyOf" in node:
        options = [_subset(root, option, data, where) for option in node["anyOf"]]
        return [] if any(not errors for errors in options) else [f"{where}: matches no option"]
    errors: list[str] = []
    kind = node.get("type")
    if kind is not None:
        ok = isinstance(data, TYPES[kind]) and not (
            kind == "integer" and isinstance(data, bool)
        )
        if not ok:
            return [f"{where}: not {kind}"]
    if "const" in node and data != node["const"]:
        errors.append(f"{where}: not {node['const']}")
    if "enum" in node and data not in node["enum"]:
        errors.append(f"{where}: not one of {node['enum']}")
    if "minimum" in node and data < node["minimum"]:
        errors.append(f"{where}: below {node['minimum']}")
    if "maximum" in node and data > node["maximum"]:
        errors.append(f"{where}: above {node['maximum']}")
    if "pattern" in node and not re.search(node["pattern"], data):
        errors.append(f"{where}: does not match {node['pattern']}")
    if node.get("format") == "date":
        try:
            dt.date.fromisoformat(data)
        except ValueError:
            errors.append(f"{where}: not a date")
    if isinstance(data, dict):
        props = node.get("properties", {})
        errors += [f"{where}: {r} is required" for r in node.get("required", []) if r not in data]
        for key, value in data.items():
            if key in props:
                errors += _subset(root, props[key], value, f"{where}.{key}")
            elif node.get("additionalProperties") is False:
                errors.append(f"{where}: {key} is not allowed")
    if isinstance(data, list) and "items" in node:
        for i, item in enumerate(data):
            errors += _subset(root, node["items"], item, f"{where}[{i}]")
    return errors


def _as_json(data: Any) -> Any:
    """What an editor's YAML language server hands the schema: dates are strings."""
    return json.loads(json.dumps(data, default=str))


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_schema_accepts_every_example(path: Path) -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    data = _as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert check_schema(schema, data) == []


@pytest.mark.parametrize(
    "bad",
    [
        {"answers": {"services": 3}},
        {"version": 2},
        {"version": 1, "answers": {"event_per_day": 3}},
        {"version": 1, "answers": {"consistency": "sometimes"}},
        {"version": 1, "answers": {"consumers": -1}},
        {"version": 1, "answers": {"crud_only": 1}},
        {"version": 1, "adr": {"status": "maybe"}},
        {"version": 1, "answer": {}},
    ],
    ids=lambda b: re.sub(r"\W+", "-", json.dumps(b)).strip("-"),
)
def test_schema_rejects_what_the_cli_rejects(bad: dict[str, Any], tmp_path: Path) -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert check_schema(schema, bad) != []
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad), encoding="utf-8")
    assert main(["--answers", str(path), "--format", "json"]) == 2
