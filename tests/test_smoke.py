"""The shortest path a user takes: the bundled examples give JSON with every topic."""

from __future__ import annotations

import json

from conftest import EXAMPLES, run_cli

TOPICS = {
    "event_driven", "event_sourcing", "cqrs", "choreography", "orchestration", "outbox",
    "dead_letter_queue", "schema_registry", "idempotent_consumers", "snapshots", "pii_erasure",
    "partition_key", "sequencing", "static_membership",
}


def test_every_example_reports_every_topic() -> None:
    for example in sorted(EXAMPLES.glob("*.yaml")):
        proc = run_cli("--answers", str(example), "--format", "json")
        assert proc.returncode == 0, proc.stderr
        report = json.loads(proc.stdout)
        assert set(report["decisions"]) == TOPICS
