"""The bill PDF (WeasyPrint): the utility's branding, property and customer, reading and consumption,
the consumption history as a chart (the months the utility chose, 12 by default), the itemised
charges, messages, the water-quality report, the Interleaved 2 of 5 barcode and the typeable line.

Cached in the tenant's storage: a bill's content never changes (a correction is a new bill), so the
cache key is the bill, its amount and barcode, and whether it is marked draft or cancelled (a paid bill
reuses the PDF it had while open; a PDF stored before a change of the history setting keeps the
months it had, ADR 0042). Never rendered inside a billing run; rendered in the background
after a run is released (`tasks.billing_render_pdfs`, one batch at a time), and on demand for a bill
nobody has rendered yet.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

import segno
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from modules.common.clock import current_tenant, tenant_zone
from modules.common.domain.dates import YearMonth
from modules.common.domain.documents import display_masked_document, format_document
from modules.common.domain.money import format_brl
from modules.registry.selectors_rental import delivery_address

from . import hooks, pdf_lean, pdf_reads
from .domain.febraban import format_typeable_line
from .domain.interleaved25 import render_svg
from .domain.statuses import BillStatus
from .models import Bill, ItemKind
from .services import texts

KIND_LABELS = {"measured": "medido", "average": "pela média", "minimum": "mínimo", "fixed": "consumo fixo"}
# a draft or cancelled bill prints as a reference copy, with no barcode to pay
UNISSUED = (BillStatus.DRAFT, BillStatus.CANCELLED)
MONTHS = ("jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez")


def _chart(history: list[tuple[dt.date, int]], current: dt.date, colour: str, months: int = 12) -> str:
    """One bar per month of the last `months` (months without a bill show empty), as inline SVG."""
    month = YearMonth.of(current)
    by_month = dict(history)
    shown = [month.plus(-i).first_day() for i in range(months - 1, -1, -1)]
    values = [by_month.get(m) for m in shown]
    top = max([v or 0 for v in values] + [1])
    width, height = 360, 110
    step = 354 / months  # 29.5 for a year
    bar = min(22.0, step * 0.75)
    label = 8 if months <= 12 else 6  # a label per bar must fit its bar
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 28}" '
        f'width="{width}" height="{height + 28}">'
    ]
    for i, (m, v) in enumerate(zip(shown, values, strict=True)):
        x = 6 + i * step
        h = 0 if not v else max(2, round(v / top * height))
        fill = colour if m == month.first_day() else "#9bb4c4"
        parts.append(f'<rect x="{x:.1f}" y="{height - h + 12}" width="{bar:g}" height="{h}" fill="{fill}"/>')
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{height - h + 9}" font-size="8" text-anchor="middle">'
            f"{'' if v is None else v}</text>"
        )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{height + 24}" font-size="{label}" text-anchor="middle">'
            f"{MONTHS[m.month - 1]}/{m.year % 100:02d}</text>"
        )
    parts.append(
        f'<line x1="0" y1="{height + 12}" x2="{width}" y2="{height + 12}" stroke="#666" stroke-width="0.5"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _img(svg: str, css: str = "width:100%") -> str:
    """An SVG as an <img> data URI: drawn as one image, not as hundreds of DOM elements that the CSS
    cascade would style one by one (about half the render time of a bill, measured)."""
    data = base64.b64encode(svg.encode()).decode()
    return f'<img alt="" style="{css}" src="data:image/svg+xml;base64,{data}">'


def _pix_qr(payload: str) -> str:
    """The BR Code as a QR image (error correction M, as BACEN recommends for printed codes)."""
    uri = segno.make(payload, error="m").svg_data_uri(scale=2, border=0)
    return f'<img alt="QR Code Pix" style="width:24mm;height:24mm" src="{uri}">'


def bill_context_data(bill: Bill, reads: pdf_reads.BillReads | None = None) -> dict[str, Any]:
    """What a bill prints, read for both renderers: one bill's rows, or those a batch read at once
    (`pdf_reads.bill_reads`)."""
    tenant = current_tenant()
    prop = bill.property
    colour = getattr(tenant, "primary_color", "") or "#0E5A8A"
    zone = tenant_zone()
    issued_on = (
        bill.issued_at.astimezone(zone).date()
        if bill.issued_at
        else (bill.run.issued_on if bill.run_id and bill.run is not None else None)
    )
    if reads is None:  # one bill: the same reads, for it alone
        reads = pdf_reads.bill_reads([bill])
    shared = pdf_reads.context_reads(bill, reads)
    candidates = reads.messages
    quality = shared["quality"]
    categories = {pc.category_id for pc in shared["categories"]}
    on = issued_on or bill.due_date
    return shared | {
        "bill": bill,
        "issued_on": issued_on,
        "tenant": tenant,
        "cnpj": format_document(tenant.cnpj) if getattr(tenant, "cnpj", "") else "",
        "colour": colour,
        "secondary": getattr(tenant, "secondary_color", "") or colour,
        "prop": prop,
        # who the bill was issued to, stored on it at issue; the document masked as the agency shows
        # it: the PDF is its second copy and is e-mailed (LGPD, data minimisation)
        "payer_name": bill.payer_name,
        "payer_document": display_masked_document(bill.payer_document) if bill.payer_name else "",
        # "delivery": the unit's alternative address chosen for delivery (3.2.13.10.3), printed so
        # the envelope goes there; none: the unit's own address above
        "month_label": YearMonth.of(bill.reference).label,
        "total_brl": format_brl(bill.total),
        "messages": texts.messages_for(bill, on=on, candidates=candidates, categories=categories),
        "quality_month": f"{quality.valid_from:%m/%Y}" if quality else "",
        "typeable": format_typeable_line(bill.typeable_line) if bill.typeable_line else "",
        # the static BR Code (ADR 0217), "" when the utility has no PIX key or the bill takes none
        "pix": hooks.bill_pix(bill),
        "kind_label": KIND_LABELS.get(bill.consumption_kind, bill.consumption_kind),
    }


def bill_context(bill: Bill) -> dict[str, Any]:
    """The template's context (the reference renderer): the data, the logo, chart and barcode as SVG."""
    c = bill_context_data(bill)
    tenant, items, colour = c["tenant"], c["items"], c["colour"]
    return c | {
        "logo": mark_safe(_img(tenant.logo_svg, "width:15mm;height:15mm"))  # noqa: S308 - base64, inert
        if getattr(tenant, "logo_svg", "")
        else "",
        "water": sum((i.amount for i in items if i.kind == ItemKind.WATER), Decimal("0.00")),
        "sewer": sum((i.amount for i in items if i.kind == ItemKind.SEWER), Decimal("0.00")),
        "chart": mark_safe(_img(_chart(c["history"], bill.reference, colour, c["months"]))),  # noqa: S308
        "pix_qr": mark_safe(_pix_qr(c["pix"])) if c["pix"] else "",  # noqa: S308 - a data URI, inert
        "barcode_svg": mark_safe(_img(render_svg(bill.barcode), "width:103mm;height:13mm"))  # noqa: S308
        if bill.barcode
        else "",
        "draft": bill.status == BillStatus.DRAFT,
        "cancelled": bill.status == BillStatus.CANCELLED,
    }


def _text(value: Any) -> str:
    """A template variable as the template prints it (localized: 12,5 not 12.5)."""
    from django.utils.formats import localize

    return str(localize(value))


def _or_dash(value: Any) -> str:
    return _text(value) if value else "—"


def bill_facts(bill: Bill, reads: pdf_reads.BillReads | None = None) -> dict[str, Any]:
    """The template's values as the lean writer draws them: the same context, its texts as the
    template prints them (the `default`, `date`, `floatformat` filters applied the same way)."""
    from django.template.defaultfilters import date as date_filter
    from django.template.defaultfilters import floatformat

    from .pdf_lean import BODY, INK, Style

    c = bill_context_data(bill, reads)
    tenant, prop = c["tenant"], c["prop"]
    colour = c["colour"]
    bold = Style("bold", 8.4)
    small_bold = Style("bold", 6.8, "#5b6b75")
    small = Style("regular", 6.8, "#5b6b75")
    first: list[tuple[Style, str]] = [(bold, c["payer_name"] or "—"), (BODY, " ")]
    if c["payer_document"]:
        first.append((BODY, "· " + ("CPF/CNPJ " if bill.payer_document else "") + c["payer_document"]))
    street = f"{_text(prop.street)}, {_text(prop.number)}"
    if prop.complement:
        street += f" – {_text(prop.complement)}"
    street += f" – {_text(prop.neighbourhood)}"
    cep = f"CEP {prop.cep[:5]}-{prop.cep[5:]} · {_text(tenant.city)}/{_text(tenant.state)}"
    customer: list[tuple[list[tuple[Style, str]], float]] = [
        (first, 0.0),
        ([(BODY, street)], 0.0),
        ([(BODY, cep)], 0.0),
    ]
    if c["delivery"]:
        customer.append(([(bold, "Entrega:"), (BODY, " " + c["delivery"])], 0.8 * pdf_lean.MM))
    group = prop.billing_group.code if prop.billing_group_id and prop.billing_group else None
    route = prop.route.code if prop.route_id and prop.route else None
    customer.append(
        (
            [
                (small, "Matrícula "),
                (small_bold, _text(prop.account_number)),
                (
                    small,
                    f" · Inscrição {_text(prop.inscription)} · Grupo {_or_dash(group)} · "
                    f"Rota {_or_dash(route)}/{_or_dash(prop.route_sequence)}",
                ),
            ],
            1 * pdf_lean.MM,
        )
    )
    categories = ", ".join(
        f"{_text(pc.category.name)} ({_text(pc.economies)} economia{'' if pc.economies == 1 else 's'})"
        for pc in c["categories"]
    )
    customer.append(([(small, f"Categoria: {categories}")], 0.0))
    ink = Style("regular", 8.4, INK)
    reading: list[tuple[str, str, list[tuple[Style, str]]]] = []
    if bill.read_on:
        reading += [
            ("kv", "Hidrômetro", [(ink, _or_dash(bill.meter_number))]),
            ("kv", "Leitura anterior", [(ink, _or_dash(bill.previous_reading))]),
            ("kv", "Leitura atual", [(ink, _or_dash(bill.current_reading))]),
            ("kv", "Data da leitura", [(ink, date_filter(bill.read_on, "d/m/Y"))]),
            ("kv", "Consumo do período", [(ink, f"{_text(bill.measured_m3)} m³")]),
        ]
        if bill.reading_occurrence:
            reading.append(("kv", "Ocorrência", [(ink, _text(bill.reading_occurrence))]))
    else:
        reading.append(("small", "Sem leitura no período.", []))
    reading.append(
        (
            "kv",
            "Consumo faturado",
            [(bold, f"{_text(bill.consumption_m3)} m³"), (ink, f" ({c['kind_label']})")],
        )
    )
    reading.append(("kv", "Tarifa", [(ink, _text(bill.tariff_act))]))
    items = [
        (
            _text(i.description),
            f"{_text(i.quantity_m3)} m³" if i.quantity_m3 is not None else "",
            floatformat(i.unit_price, "2g") if i.unit_price is not None else "",
            floatformat(i.amount, "2g"),
        )
        for i in c["items"]
    ]
    messages = [(_text(m.title), _text(m.body).split("\n") if m.body else []) for m in c["messages"]]
    quality = c["quality"]
    quality_facts = None
    if quality:
        note = f"Amostras de {c['quality_month']}."
        if quality.body:
            note += f" {quality.body}"
        quality_facts = {"rows": [[_text(x) for x in r] for r in quality.rows], "note": note}
    month, total = c["month_label"], c["total_brl"]
    name = _text(tenant.name)

    def slip_left(grey: Style, grey_bold: Style) -> list[tuple[Style, str]]:
        return [
            (grey, f"{name} · Matrícula "),
            (grey_bold, _text(prop.account_number)),
            (grey, f" · Ref. {month} · Fatura {bill.pk}"),
        ]

    def slip_right(ink_: Style, bold_: Style) -> list[tuple[Style, str]]:
        return [
            (ink_, "Vencimento "),
            (bold_, date_filter(bill.due_date, "d/m/Y")),
            (ink_, " · Total "),
            (bold_, f"R$ {total}"),
        ]

    sub2 = _text(tenant.phone) if getattr(tenant, "phone", "") else ""
    if getattr(tenant, "whatsapp", ""):
        sub2 += f" · WhatsApp {tenant.whatsapp}"
    if getattr(tenant, "email", ""):
        sub2 += f" · {tenant.email}"
    history = c["history"]
    current = YearMonth.of(bill.reference)
    by_month = dict(history)
    shown = [current.plus(-i).first_day() for i in range(c["months"] - 1, -1, -1)]
    bars = [
        (
            f"{MONTHS[m.month - 1]}/{m.year % 100:02d}",
            by_month.get(m),
            m == current.first_day(),
            colour if m == current.first_day() else "#9bb4c4",
        )
        for m in shown
    ]
    return {
        "colour": colour,
        "secondary": c["secondary"],
        "tenant_title": _text(getattr(tenant, "legal_name", "") or tenant.name),
        "head_sub1": f"CNPJ {c['cnpj']} · {_text(tenant.address)}",
        "head_sub2": sub2,
        "head_reference": f"Referência {month} · Nº {bill.pk}",
        "customer_lines": customer,
        "due": date_filter(bill.due_date, "d/m/Y"),
        "issued": f"Emissão {date_filter(c['issued_on'], 'd/m/Y')}" if c["issued_on"] else "",
        "total_line": f"R$ {total}",
        "reading_rows": reading,
        "chart": bars,
        "item_rows": items,
        "total_amount": floatformat(bill.total, "2g"),
        "messages": messages,
        "quality_title": _text(quality.title)
        if quality and quality.title
        else "Qualidade da água (Decreto 5.440/2005)",
        "quality": quality_facts,
        "slip_left": slip_left,
        "slip_right": slip_right,
        "typeable": c["typeable"],
        "barcode": bill.barcode,
    }


def _delivery_text(property_id: int) -> str:
    address = delivery_address(property_id)
    return address.text if address is not None else ""


def render_bill_html(bill: Bill) -> str:
    return render_to_string("billing/pdf/bill.html", bill_context(bill))


def render_bill_pdf_reference(bill: Bill) -> bytes:
    """The bill through WeasyPrint and the template: the reference the lean writer is tested against
    (text and pixels), and the renderer of what the lean writer declines (ADR 0208)."""
    from weasyprint import HTML

    return HTML(string=render_bill_html(bill)).write_pdf()  # type: ignore[no-any-return]


def _static(tenant: Any) -> pdf_lean.Static:
    """What every bill of the tenant shares (its logo's objects), per tenant, template version and
    branding; a change of branding is a new key, the tenant's schema keeps tenants apart."""
    logo = getattr(tenant, "logo_svg", "") or ""
    key = "|".join(
        (tenant.schema_name, pdf_lean.TEMPLATE_VERSION, hashlib.sha256(logo.encode()).hexdigest()[:16])
    )
    cached = _STATICS.get(key)
    if cached is None:
        cached = _STATICS[key] = pdf_lean.prepare_static(key, logo)
        while len(_STATICS) > 64:
            _STATICS.pop(next(iter(_STATICS)))
    return cached


_STATICS: dict[str, pdf_lean.Static] = {}


def render_bill_pdf_lean(bill: Bill, reads: pdf_reads.BillReads | None = None) -> bytes | None:
    """The bill drawn by the lean writer, or None when it must go to the reference (a stamped draft
    or cancelled bill, a character outside the embedded faces, more than one page)."""
    if bill.status in UNISSUED or bill.direct_debit or hooks.bill_pix(bill):
        # a bill under direct debit prints its notice instead of the barcode, a bill with a PIX QR
        # carries it beside the barcode: the reference lays both out
        return None
    tenant = current_tenant()
    static = _static(tenant)
    try:
        canvas = pdf_lean.draw_bill(bill_facts(bill, reads), "Logo" if static.logo is not None else None)
    except pdf_lean.Unprintable:
        return None
    return pdf_lean.write_pdf(canvas, f"Fatura {bill.pk}", static)


def render_bill_pdf(bill: Bill) -> bytes:
    """The bill's PDF: the lean writer (≈ 10 ms), the WeasyPrint reference for what it declines."""
    return render_bill_pdf_lean(bill) or render_bill_pdf_reference(bill)


def render_bill_pdfs(bills: list[Bill]) -> dict[int, bytes]:
    """Many bills' PDFs: each by the lean writer; those it declines laid out together by the
    reference (`render_bill_pdfs_reference`)."""
    out: dict[int, bytes] = {}
    declined = []
    reads = pdf_reads.bill_reads(bills) if bills else None
    for bill in bills:
        content = render_bill_pdf_lean(bill, reads)
        if content is None:
            declined.append(bill)
        else:
            out[bill.pk] = content
    out.update(render_bill_pdfs_reference(declined))
    return out


def render_bill_pdfs_reference(bills: list[Bill]) -> dict[int, bytes]:
    """Many bills' PDFs from one WeasyPrint layout: the template's stylesheet is parsed and the fonts
    are loaded once (15–25 % less CPU per bill than one document each, measured with batches of 10);
    each bill's pages, found by the anchor that opens it, are then written as its own PDF. Same
    content as render_bill_pdf (the template's head is the same for every bill of a tenant but the
    title, set per bill). A bill stamped draft or cancelled is rendered alone: its stamp is
    `position: fixed`, which a shared document would repeat on every page."""
    from weasyprint import HTML

    out = {b.pk: render_bill_pdf_reference(b) for b in bills if b.status in UNISSUED}
    issued = [b for b in bills if b.pk not in out]
    if not issued:
        return out
    head, sections = "", []
    for bill in issued:
        html = render_bill_html(bill)
        before, _, rest = html.partition("<body>")
        body, _, _ = rest.rpartition("</body>")
        head = head or before
        sections.append(f'<section id="bill-{bill.pk}" style="page-break-after: always">{body}</section>')
    document = HTML(string=f"{head}<body>{''.join(sections)}</body></html>").render()
    pages: dict[int, list[Any]] = {}
    for page in document.pages:
        for anchor in page.anchors:
            if anchor.startswith("bill-"):
                pages.setdefault(int(anchor[5:]), []).append(page)
    for bill in issued:
        own = document.copy(pages[bill.pk])
        own.metadata.title = f"Fatura {bill.pk}"
        out[bill.pk] = own.write_pdf()
    return out


def bill_pdf_path(bill: Bill, delivery: str | None = None) -> str:
    """The stored PDF's path; `delivery`: the property's delivery address when the caller read it."""
    variant = bill.status if bill.status in UNISSUED else "issued"
    # the delivery address is printed and may change after issue: a new one is a new PDF
    if delivery is None:
        delivery = _delivery_text(bill.property_id)
    key = hashlib.sha256(
        f"{bill.pk}:{variant}:{bill.total}:{bill.barcode}:{bill.due_date}:{delivery}".encode()
    ).hexdigest()[:16]
    return f"bills/{bill.reference:%Y-%m}/{bill.pk}-{key}.pdf"


def bill_pdf(bill: Bill) -> bytes:
    """The bill's PDF from the tenant's storage, rendered on the first request."""
    path = bill_pdf_path(bill)
    if default_storage.exists(path):
        with default_storage.open(path, "rb") as cached:
            return cached.read()  # type: ignore[no-any-return]
    content = render_bill_pdf(bill)
    if not default_storage.exists(path):  # a concurrent request or the background job may have won
        default_storage.save(path, ContentFile(content))
    return content


def bill_pdfs_ensure(bills: list[Bill]) -> int:
    """Render and store the PDFs of the bills not stored yet; how many it stored."""
    delivery = pdf_reads.deliveries(sorted({b.property_id for b in bills})) if bills else {}
    paths = {b.pk: bill_pdf_path(b, delivery[b.property_id]) for b in bills}
    missing = {b.pk: b for b in bills if not default_storage.exists(paths[b.pk])}
    stored = 0
    for pk, content in render_bill_pdfs(list(missing.values())).items():
        path = paths[pk]
        if not default_storage.exists(path):  # an on-demand render may have won meanwhile
            default_storage.save(path, ContentFile(content))
            stored += 1
    return stored
