"""The ADR: records rendered from the report (an overview and one per decided topic, or one
concise document) through Jinja2 templates (MADR 4, Nygard, custom), written in the folder's
own convention, and the drift check that keeps committed records honest."""
