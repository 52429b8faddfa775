"""The ops console's warning about stuck billing runs (ADR 0115), as a tag so that the console's
pages include it with one line and no view of theirs has to load it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from modules.billing.services.runs import STUCK_KIND
from modules.common.stuck import stuck_work_summary

register = template.Library()


@register.inclusion_tag("ops/_stuck_runs.html")
def stuck_runs_warning(schema_name: str | None = None) -> dict[str, Any]:
    """Every tenant's stuck runs (home), or one tenant's (its page): one query on the public summary."""
    rows = [
        {
            "schema_name": row.schema_name,
            "count": row.count,
            "checked_at": row.checked_at,
            "runs": [{**item, "since": dt.datetime.fromisoformat(item["since"])} for item in row.detail],
        }
        for row in stuck_work_summary(kind=STUCK_KIND, schema_name=schema_name)
    ]
    return {"rows": rows, "one": schema_name is not None}
