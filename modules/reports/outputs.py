"""A run's result as a file: CSV (Brazilian Excel: `;`, decimal comma, BOM), XLSX (written here with
the standard library: the project carries no spreadsheet package, and an Office Open XML workbook
of inline strings and numbers is a few XML parts in a zip), or a PDF drawn by WeasyPrint from
templates/reports/pdf/report.html.

Layout "both" gives the detail and, after it, the summary with its totals: in CSV one blank line
apart, in XLSX two sheets, in the PDF two sections.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.template.loader import render_to_string

from modules.common.clock import current_tenant, tenant_now
from modules.common.csv_export import csv_text

from .domain.spec import Column, Layout
from .engine import Result

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _plain(result: Result, column: str, value: Any) -> Any:
    """A cell as data: labels for codes, ISO-free Brazilian dates, months as MM/AAAA."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        kind = _kind(result, column)
        return f"{value:%m/%Y}" if kind == "month" else f"{value:%d/%m/%Y}"
    if isinstance(value, bool):
        return "sim" if value else "não"
    return result.label(column, value)


def _kind(result: Result, column: str) -> str:
    for c in (*result.columns, *result.group_columns):
        if c.name == column:
            return c.kind
    for m in result.definition.measures:
        if m.name == column:
            return m.kind
    return "text"


def tables(result: Result) -> list[tuple[str, list[str], list[list[Any]]]]:
    """(title, headers, rows) of each section the layout shows, cells already as people read them."""
    out: list[tuple[str, list[str], list[list[Any]]]] = []
    d = result.definition
    if d.layout in {Layout.DETAIL, Layout.BOTH}:
        headers = [c.label for c in result.columns]
        rows = [[_plain(result, c.name, r.get(c.name)) for c in result.columns] for r in result.rows]
        out.append(("Analítico", headers, rows))
    if d.layout in {Layout.SUMMARY, Layout.BOTH} and d.measures:
        groups: tuple[Column, ...] = result.group_columns
        headers = [c.label for c in groups] + [m.label for m in d.measures]
        rows = [
            [_plain(result, c.name, r.get(c.name)) for c in groups] + [r[m.name] for m in d.measures]
            for r in result.summary
        ]
        if not d.top:
            rows.append(["Total"] + [""] * (len(groups) - 1) + [result.totals[m.name] for m in d.measures])
        out.append(("Sintético" if groups else "Totais", headers, rows))
    return out


def to_csv(result: Result) -> bytes:
    parts = []
    for _title, headers, rows in tables(result):
        parts.append(csv_text(headers, rows))
    # the BOM starts the file only once
    return ("\ufeff" + "\r\n".join(p.removeprefix("\ufeff") for p in parts)).encode("utf-8")


def _col(n: int) -> str:
    name = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        name = chr(65 + rem) + name
    return name


def _cell(ref: str, value: Any) -> str:
    if isinstance(value, bool) or value is None or value == "":
        text = "" if value in (None, "") else ("sim" if value else "não")
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'
    if isinstance(value, (int, Decimal)):
        style = ' s="1"' if isinstance(value, Decimal) else ""
        return f'<c r="{ref}"{style}><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def _sheet(headers: list[str], rows: list[list[Any]]) -> str:
    lines = []
    for i, row in enumerate([headers, *rows], start=1):
        cells = "".join(_cell(f"{_col(j)}{i}", v) for j, v in enumerate(row))
        lines.append(f'<row r="{i}">{cells}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(lines)}</sheetData></worksheet>"
    )


def to_xlsx(result: Result) -> bytes:
    sections = tables(result)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sections) + 1)
        )
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        sheets = "".join(
            f'<sheet name="{escape(title)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, (title, _h, _r) in enumerate(sections, start=1)
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheets>{sheets}</sheets></workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sections) + 1)
        )
        styles_rel = (
            f'<Relationship Id="rId{len(sections) + 1}" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}{styles_rel}</Relationships>",
        )
        # style 1: two decimals (money), built-in number format 4 (#,##0.00)
        z.writestr(
            "xl/styles.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
            "</styleSheet>",
        )
        for i, (_title, headers, rows) in enumerate(sections, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", _sheet(headers, rows))
    return buf.getvalue()


def br_money(value: Any) -> str:
    if isinstance(value, Decimal):
        whole, _, cents = f"{value:,.2f}".partition(".")
        return f"{whole.replace(',', '.')},{cents}"
    return str(value)


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The report carries nothing to fetch; any URL is refused rather than fetched."""
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return dict(default_url_fetcher(url, *args, **kwargs))
    raise ValueError(f"fetch refused: {url[:80]}")


def describe_params(result: Result) -> str:
    from .datasets import SOURCES

    spec = SOURCES[result.definition.dataset].spec
    parts = []
    for name, value in result.params.values.items():
        f = spec.filter(name)
        label = f.label if f else name
        if isinstance(value, dt.date):
            shown = f"{value:%m/%Y}" if f and f.kind == "month" else f"{value:%d/%m/%Y}"
        elif isinstance(value, bool):
            shown = "sim" if value else "não"
        else:
            shown = str(dict(f.choices).get(value, value)) if f else str(value)
        parts.append(f"{label}: {shown}")
    return " · ".join(parts) or "sem filtros"


def to_pdf(result: Result) -> bytes:
    from weasyprint import HTML

    tenant = current_tenant()
    sections = []
    for title, headers, rows in tables(result):
        sections.append(
            {
                "title": title,
                "headers": headers,
                "rows": [
                    [
                        {"v": br_money(v), "n": isinstance(v, (int, Decimal)) and not isinstance(v, bool)}
                        for v in row
                    ]
                    for row in rows
                ],
            }
        )
    html = render_to_string(
        "reports/pdf/report.html",
        {
            "d": result.definition,
            "sections": sections,
            "params": describe_params(result),
            "brand": {
                "name": getattr(tenant, "legal_name", "") or getattr(tenant, "name", ""),
                "colour": getattr(tenant, "primary_color", "") or "#1351B4",
            },
            # the tenant's wall clock, as its staff read it (the template's filter would show UTC)
            "generated": f"{tenant_now():%d/%m/%Y %H:%M}",
            "count": len(result.rows),
        },
    )
    return bytes(HTML(string=html, url_fetcher=_no_fetch).write_pdf())


def render(result: Result, fmt: str) -> bytes:
    return {"csv": to_csv, "xlsx": to_xlsx, "pdf": to_pdf}[fmt](result)
