"""The data-subject report as a PDF (WeasyPrint, nothing fetched)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from modules.common.clock import current_tenant, tenant_now


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"fetch refused: {url[:80]}")


def subject_report_pdf(report: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    tenant = current_tenant()
    html = render_to_string(
        "privacy/pdf/subject_report.html",
        {"r": report, "utility": tenant.name if tenant else "", "issued": tenant_now()},
    )
    return bytes(HTML(string=html, url_fetcher=_no_fetch).write_pdf())
