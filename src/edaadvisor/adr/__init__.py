"""The ADR: Jinja2 rendering of the report (MADR 4, Nygard, a team's own template), safe file writes, and drift checks."""
