"""The ADR: Jinja2 rendering of the report (MADR 4, Nygard, custom templates) and drift checks."""
