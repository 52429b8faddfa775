"""The reading report generator (TR S12.9-01, ADR 0230): the staff pick what to total and by what,
with plain filters, and get a table with its totals and a bar chart, without knowing a table or
writing a query; the same result exports as CSV, TXT, XLSX, DOCX and PDF (S12.9-02) with the totals of
the screen.

Totals per row: readings, measured volume (m³ of the readings billed as measured), considered
volume (m³ of every reading, whatever determined it: measured, average, minimum, fixed), readings
with an occurrence. Rows by: group and route, reader, occurrence, reference month, consumption kind,
water-connection situation or main category (the category with most economias). Filters: a range
of reference months (at most 24), group, route, reader, occurrence, consumption kind, connection
situation, category.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from modules.common.csv_export import Cell, csv_text
from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed
from modules.reading.domain.consumption import CONSUMPTION_KIND_LABELS, ConsumptionKind
from modules.reading.models import Reading
from modules.registry.domain import connections as conn
from modules.registry.models import PropertyCategory, ServiceConnection

from .errors import ErrorCode

DIMENSIONS = {
    "route": "Grupo e rota",
    "reader": "Leiturista",
    "occurrence": "Ocorrência",
    "month": "Mês de referência",
    "kind": "Tipo de consumo",
    "connection": "Situação da ligação de água",
    "category": "Categoria principal",
}
MEASURES = {
    "measured_m3": "Volume medido (m³)",
    "considered_m3": "Volume considerado (m³)",
    "readings": "Leituras",
    "occurrences": "Com ocorrência",
}
MAX_MONTHS = 24
HEADERS_TAIL = (
    "Leituras",
    "Volume medido (m³)",
    "Volume considerado (m³)",
    "Com ocorrência",
    "Ocorrências (%)",
)
PERCENT = Decimal("0.01")


@dataclass(frozen=True)
class Query:
    start: YearMonth
    end: YearMonth
    by: str = "route"
    measure: str = "measured_m3"
    group: int | None = None
    route: int | None = None
    reader: str = ""
    occurrence: str = ""
    kind: str = ""
    connection: str = ""
    category: str = ""

    def problems(self) -> tuple[str, str] | None:
        if self.by not in DIMENSIONS:
            return "by", "Escolha por o que agrupar."
        if self.measure not in MEASURES:
            return "measure", "Escolha o que somar no gráfico."
        if self.end < self.start:
            return "end", "O mês final vem antes do inicial."
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        if months > MAX_MONTHS:
            return "end", f"Escolha no máximo {MAX_MONTHS} meses."
        if self.kind and self.kind not in {k.value for k in ConsumptionKind}:
            return "kind", "Tipo de consumo desconhecido."
        if self.connection and self.connection not in conn.SITUATIONS:
            return "connection", "Situação de ligação desconhecida."
        return None


@dataclass(frozen=True)
class Row:
    label: str
    readings: int
    measured_m3: int
    considered_m3: int
    occurrences: int
    bar: Decimal = Decimal(0)  # the chart's bar, % of the largest row's chosen measure

    @property
    def occurrence_share(self) -> Decimal:
        if not self.readings:
            return Decimal("0.00")
        return (Decimal(self.occurrences) * 100 / self.readings).quantize(PERCENT, rounding=ROUND_HALF_UP)

    def cells(self) -> tuple[Cell, ...]:
        return (
            self.label,
            self.readings,
            self.measured_m3,
            self.considered_m3,
            self.occurrences,
            self.occurrence_share,
        )


@dataclass(frozen=True)
class Result:
    query: Query
    rows: list[Row]
    total: Row
    filters_text: str = ""
    headers: tuple[str, ...] = field(default=())

    @property
    def title(self) -> str:
        return f"Leituras por {DIMENSIONS[self.query.by].lower()}"

    @property
    def measure_label(self) -> str:
        return MEASURES[self.query.measure]

    def table(self) -> list[tuple[Cell, ...]]:
        return [r.cells() for r in self.rows] + [self.total.cells()]


def _main_category() -> Subquery:
    return Subquery(
        PropertyCategory.objects.filter(property=OuterRef("property"))
        .order_by("-economies", "category__code")
        .values("category__code")[:1]
    )


def _water_situation() -> Subquery:
    return Subquery(
        ServiceConnection.objects.filter(property=OuterRef("property"), kind=ServiceConnection.Kind.WATER)
        .order_by("id")
        .values("situation")[:1]
    )


def _readings(q: Query) -> QuerySet[Reading]:
    qs = Reading.objects.filter(reference__gte=q.start.first_day(), reference__lte=q.end.first_day())
    if q.group is not None:
        qs = qs.filter(property__billing_group__code=q.group)
    if q.route is not None:
        qs = qs.filter(property__route__code=q.route)
    if q.reader:
        qs = qs.filter(actor=q.reader)
    if q.occurrence == "-":
        qs = qs.filter(occurrence__isnull=True)
    elif q.occurrence:
        qs = qs.filter(occurrence__code=q.occurrence)
    if q.kind:
        qs = qs.filter(consumption_kind=q.kind)
    if q.connection:
        qs = qs.filter(
            Exists(
                ServiceConnection.objects.filter(
                    property=OuterRef("property"), kind=ServiceConnection.Kind.WATER, situation=q.connection
                )
            )
        )
    if q.category:
        qs = qs.annotate(main_category=_main_category()).filter(main_category=q.category)
    return qs


def _label(by: str, key: Mapping[str, Any]) -> tuple[tuple[Any, ...], str]:
    """The row's sort key and its label."""
    if by == "route":
        g, r = key["property__billing_group__code"], key["property__route__code"]
        return (g is None, g or 0, r is None, r or 0), (
            f"Grupo {g} · rota {r}" if g is not None and r is not None else f"Grupo {g or '—'} · sem rota"
        )
    if by == "reader":
        return (key["actor"],), key["actor"] or "—"
    if by == "occurrence":
        code = key["occurrence__code"]
        return (
            code is None,
            code or "",
        ), f"{code} – {key['occurrence__description']}" if code else "Sem ocorrência"
    if by == "month":
        ref: dt.date = key["reference"]
        return (ref,), f"{ref:%m/%Y}"
    if by == "kind":
        kind = key["consumption_kind"]
        return (kind,), CONSUMPTION_KIND_LABELS.get(ConsumptionKind(kind), kind) if kind else "—"
    if by == "connection":
        s = key["water_situation"]
        return (s is None, s or ""), conn.SITUATIONS.get(
            s, "Sem ligação de água"
        ) if s else "Sem ligação de água"
    code = key["main_category"]
    return (code is None, code or ""), code or "Sem categoria"


GROUP_FIELDS = {
    "route": ("property__billing_group__code", "property__route__code"),
    "reader": ("actor",),
    "occurrence": ("occurrence__code", "occurrence__description"),
    "month": ("reference",),
    "kind": ("consumption_kind",),
    "connection": ("water_situation",),
    "category": ("main_category",),
}


def build(q: Query) -> Result:
    """The rows of the query, sorted by their label's natural order, with the total row. Raises
    ValidationFailed naming the field of a bad choice."""
    problem = q.problems()
    if problem:
        raise ValidationFailed(problem[1], field=problem[0], code=ErrorCode.INVALID)
    qs = _readings(q)
    if q.by == "connection":
        qs = qs.annotate(water_situation=_water_situation())
    if q.by == "category" and not q.category:
        qs = qs.annotate(main_category=_main_category())
    zero = Value(0, output_field=IntegerField())
    grouped = (
        qs.order_by()
        .values(*GROUP_FIELDS[q.by])
        .annotate(
            n=Count("id"),
            measured=Coalesce(
                Sum("consumption_m3", filter=Q(consumption_kind=ConsumptionKind.MEASURED)), zero
            ),
            considered=Coalesce(Sum("consumption_m3"), zero),
            occ=Count("id", filter=Q(occurrence__isnull=False)),
        )
    )
    keyed = []
    for g in grouped:
        sort, label = _label(q.by, g)
        keyed.append((sort, Row(label, g["n"], g["measured"], g["considered"], g["occ"])))
    keyed.sort(key=lambda kv: kv[0])
    rows = [r for _, r in keyed]
    top = max((getattr(r, q.measure) for r in rows), default=0)
    if top:
        rows = [
            Row(
                r.label,
                r.readings,
                r.measured_m3,
                r.considered_m3,
                r.occurrences,
                (Decimal(getattr(r, q.measure)) * 100 / top).quantize(PERCENT, rounding=ROUND_HALF_UP),
            )
            for r in rows
        ]
    total = Row(
        "Total",
        sum(r.readings for r in rows),
        sum(r.measured_m3 for r in rows),
        sum(r.considered_m3 for r in rows),
        sum(r.occurrences for r in rows),
    )
    return Result(
        query=q,
        rows=rows,
        total=total,
        filters_text=describe(q),
        headers=(DIMENSIONS[q.by], *HEADERS_TAIL),
    )


def describe(q: Query) -> str:
    parts = [f"referência {q.start.label}" + (f" a {q.end.label}" if q.end != q.start else "")]
    if q.group is not None:
        parts.append(f"grupo {q.group}")
    if q.route is not None:
        parts.append(f"rota {q.route}")
    if q.reader:
        parts.append(f"leiturista {q.reader}")
    if q.occurrence:
        parts.append("sem ocorrência" if q.occurrence == "-" else f"ocorrência {q.occurrence}")
    if q.kind:
        parts.append(f"consumo {CONSUMPTION_KIND_LABELS.get(ConsumptionKind(q.kind), q.kind).lower()}")
    if q.connection:
        parts.append(f"ligação {conn.SITUATIONS[q.connection].lower()}")
    if q.category:
        parts.append(f"categoria {q.category}")
    return " · ".join(parts)


# --- exports (S12.9-02) -----------------------------------------------------------------------


def as_csv(result: Result) -> bytes:
    return csv_text(result.headers, result.table()).encode("utf-8")


def _txt_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return str(value)


def as_txt(result: Result) -> bytes:
    """A fixed-width text table (first column left, numbers right), CRLF, UTF-8."""
    table = [tuple(result.headers)] + [tuple(_txt_cell(c) for c in row) for row in result.table()]
    widths = [max(len(row[i]) for row in table) for i in range(len(result.headers))]

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(
            row[i].ljust(widths[i]) if i == 0 else row[i].rjust(widths[i]) for i in range(len(row))
        ).rstrip()

    rule = "-" * len(line(table[0]))
    out = [result.title, result.filters_text, "", line(table[0]), rule]
    out += [line(r) for r in table[1:-1]] + [rule, line(table[-1])]
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


def _col(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        name = chr(65 + rest) + name
    return name


def as_xlsx(result: Result) -> bytes:
    """A one-sheet Office Open XML workbook: title, filters, the header row, the rows and the total,
    numbers as numbers (inline strings for text: no shared-strings part needed)."""
    lines: list[list[Cell]] = [[result.title], [result.filters_text], [], list(result.headers)]
    lines += [list(r) for r in result.table()]
    xml_rows = []
    for r, cells in enumerate(lines, start=1):
        xml_cells = []
        for c, value in enumerate(cells):
            ref = f"{_col(c)}{r}"
            if isinstance(value, int | Decimal) and not isinstance(value, bool):
                xml_cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif value is not None:
                xml_cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
        xml_rows.append(f'<row r="{r}">{"".join(xml_cells)}</row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(xml_rows)}</sheetData></worksheet>"
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Leituras" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return out.getvalue()


def _docx_cell(text: str, *, bold: bool = False, right: bool = False) -> str:
    ppr = '<w:pPr><w:jc w:val="right"/></w:pPr>' if right else ""
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:tc><w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p></w:tc>'


def as_docx(result: Result) -> bytes:
    """A Word (Office Open XML) document: the title, the filters and the table with its total row."""
    header = "".join(_docx_cell(h, bold=True, right=i > 0) for i, h in enumerate(result.headers))
    body_rows = [f"<w:tr>{header}</w:tr>"]
    table = result.table()
    for n, row in enumerate(table):
        last = n == len(table) - 1
        body_rows.append(
            "<w:tr>"
            + "".join(_docx_cell(_txt_cell(c), bold=last, right=i > 0) for i, c in enumerate(row))
            + "</w:tr>"
        )
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="999999"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        f'<w:p><w:r><w:rPr><w:b/><w:sz w:val="28"/></w:rPr><w:t>{escape(result.title)}</w:t></w:r></w:p>'
        f"<w:p><w:r><w:t>{escape(result.filters_text)}</w:t></w:r></w:p>"
        f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>{borders}</w:tblBorders></w:tblPr>'
        f"{''.join(body_rows)}</w:tbl><w:sectPr/></w:body></w:document>"
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": document,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return out.getvalue()


# --- the image export (S12.9-02: BMP/JPG) ----------------------------------------------------

IMAGE_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
IMAGE_FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
IMAGE_MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
IMAGE_MONO_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
IMAGE_MAX_ROWS = 1000  # 1000 rows is ~50,000 px tall; JPEG stops at 65,535
BAR_COLOUR = (19, 81, 180)  # the page's #1351b4


def as_jpeg(result: Result) -> bytes:
    """The generator's chart and table as one JPEG (white page, the page's bar colour), with the TXT
    table in the file's comment so a program can read the figures back without OCR."""
    from PIL import Image, ImageDraw, ImageFont

    if len(result.rows) > IMAGE_MAX_ROWS:
        raise ValidationFailed(
            f"Imagem: no máximo {IMAGE_MAX_ROWS} linhas ({len(result.rows)} no resultado); "
            "filtre mais ou use TXT, XLSX ou PDF.",
            field="formato",
            code=ErrorCode.INVALID,
        )
    title_font = ImageFont.truetype(IMAGE_FONT_BOLD, 26)
    font = ImageFont.truetype(IMAGE_FONT, 16)
    mono = ImageFont.truetype(IMAGE_MONO, 16)
    mono_bold = ImageFont.truetype(IMAGE_MONO_BOLD, 16)
    txt = as_txt(result).decode("utf-8")
    table_lines = txt.split("\r\n")[3:]
    while table_lines and not table_lines[-1]:
        table_lines.pop()
    margin, bar_row, line_h, label_w = 30, 28, 22, 330
    text_w = max(int(mono.getlength(line)) for line in table_lines) if table_lines else 0
    width = max(1100, text_w + 2 * margin)
    chart_h = (bar_row * len(result.rows) + 40) if result.rows else 0
    height = margin + 40 + 30 + chart_h + 20 + line_h * len(table_lines) + margin
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    y = margin
    draw.text((margin, y), result.title, fill="black", font=title_font)
    y += 40
    draw.text((margin, y), result.filters_text, fill=(85, 85, 85), font=font)
    y += 30
    if result.rows:
        draw.text(
            (margin, y),
            f"Gráfico: {result.measure_label} (barra maior = 100 %)",
            fill=(85, 85, 85),
            font=font,
        )
        y += 32
        bar_w = width - 2 * margin - label_w
        for row in result.rows:
            label = row.label if len(row.label) <= 32 else row.label[:31] + "…"
            draw.text((margin, y + 4), label, fill="black", font=font)
            length = int(Decimal(bar_w) * row.bar / 100)
            if length > 0:
                draw.rectangle(
                    (margin + label_w, y + 5, margin + label_w + length - 1, y + 22), fill=BAR_COLOUR
                )
            y += bar_row
        y += 8
    y += 12
    for line in table_lines:
        bold = line is table_lines[0] or line is table_lines[-1]
        draw.text((margin, y), line, fill="black", font=mono_bold if bold else mono)
        y += line_h
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, comment=txt.encode("utf-8"))
    return out.getvalue()
