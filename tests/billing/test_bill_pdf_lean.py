"""The bill PDF of the lean writer (ADR 0208) reads and looks as the WeasyPrint reference did: the text
a PDF reader extracts is the same, the rendered page matches pixel by pixel within a small tolerance,
the drawn barcode decodes back to the bill's amount; on both demo utilities' branding (logo, colours,
address lines), with messages, a quality table and a delivery address. What the writer declines
(cancelled, a character outside its faces) still renders, by the reference."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from pypdf import PdfReader
from pypdf.generic import ContentStream

from modules.billing.domain.febraban import parse_barcode
from modules.billing.domain.interleaved25 import Element, Width, decode
from modules.billing.models import Bill, BillStatus, RunChunk
from modules.billing.pdf import _static, render_bill_pdf, render_bill_pdf_lean, render_bill_pdf_reference
from modules.billing.services import runs
from modules.billing.services.bills import bill_critique_accept
from modules.billing.services.texts import bill_message_create
from modules.common.domain.dates import YearMonth
from modules.reading.services import ReadingInput, reading_register
from saas.demo.utilities import DEMO_UTILITIES, logo_svg
from tests.billing import factories as f

MONTH = YearMonth(2025, 5)
BRANDING = ("name", "legal_name", "cnpj", "city", "state", "address", "phone", "email", "whatsapp")
CHROMIUM = "/usr/bin/chromium"


def text_of(pdf: bytes) -> str:
    """The page's text as the suite reads PDFs (pypdf), white space collapsed."""
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(params=["alpha", "beta"])
def branded(request: Any, db: None) -> Iterator[Any]:
    """alpha dressed as the first demo utility (DAE Querência), beta as the second (SAAE Sorocaba)."""
    from tenants.models import Tenant

    demo = DEMO_UTILITIES[0 if request.param == "alpha" else 1]
    tenant = Tenant.objects.get(schema_name=request.param)
    for field in BRANDING:
        setattr(tenant, field, demo[field])
    tenant.primary_color, tenant.secondary_color = demo["primary_color"], demo["secondary_color"]
    tenant.logo_svg = logo_svg(demo["initials"], demo["primary_color"])
    connection.set_tenant(tenant)
    yield tenant
    connection.set_schema_to_public()


def _bills(readings: tuple[int | None, ...] = (12, 31), categories: tuple[int, ...] = (1, 3)) -> list[Bill]:
    """Released bills of a run, one per reading (None: no reading, held and then accepted)."""
    f.set_company_code("0562")
    f.approved_tariff()
    g = f.group()
    f.schedule(g, MONTH)
    props = [f.billable(g, (("RES", n),)) for n in categories]
    for p, value in zip(props, readings, strict=True):
        if value is not None:
            reading_register(
                actor=f.ACTOR, data=ReadingInput(p.account_number, MONTH, MONTH.day(10), value, "")
            )
    run = runs.run_create(actor=f.ACTOR, group=g, reference=MONTH, enqueue=False)
    for chunk in RunChunk.objects.filter(run=run).values_list("id", flat=True):
        runs.chunk_process(chunk_id=chunk)
    runs.run_release(actor=f.ACTOR, run=run, render_pdfs=False)
    for held in Bill.objects.filter(run=run, status=BillStatus.DRAFT):
        bill_critique_accept(actor=f.ACTOR, bill=held, reason="sem leitura, visto")
    return list(Bill.objects.filter(run=run).order_by("pk"))


def _with_texts() -> None:
    bill_message_create(
        actor=f.ACTOR,
        title="Economize água",
        body="Feche a torneira ao escovar os dentes.\nVazamentos: ligue 115, atendemos 24 horas por dia.",
        valid_from=MONTH,
    )
    bill_message_create(actor=f.ACTOR, title="Recadastramento até 30/06", valid_from=MONTH)


@pytest.fixture
def quality_table(branded: Any) -> None:
    """A month's water-quality table (its service is durable: written in the test's transaction by
    the model, as the service would)."""
    from modules.billing.models import BillText

    BillText.objects.create(
        kind=BillText.Kind.WATER_QUALITY,
        title="Qualidade da água – maio de 2025",
        body="Água dentro dos padrões da Portaria GM/MS 888/2021.",
        valid_from=MONTH.first_day(),
        rows=[
            ["Cloro residual livre", "30", "32", "32", "0,2 a 5,0 mg/L"],
            ["Turbidez", "30", "32", "31", "até 5,0 uT"],
            ["Coliformes totais", "30", "32", "32", "ausência"],
        ],
    )


def test_the_lean_bill_reads_as_the_reference_on_both_demo_utilities(
    branded: Any, quality_table: None
) -> None:
    _with_texts()
    bills = _bills()
    for bill in bills:
        lean = render_bill_pdf_lean(bill)
        assert lean is not None, "a released bill is drawn by the lean writer"
        reference = render_bill_pdf_reference(bill)
        assert text_of(lean) == text_of(reference)
        assert render_bill_pdf(bill) == lean
        reader = PdfReader(io.BytesIO(lean))
        assert len(reader.pages) == 1 and reader.metadata.title == f"Fatura {bill.pk}"
        text = text_of(lean)
        assert branded.legal_name in text and "Economize água" in text and "Cloro residual livre" in text
    # the branding drawn once per tenant, template version and logo: never another tenant's
    static = _static(branded)
    assert static.key.startswith(f"{branded.schema_name}|") and static.logo is not None


def test_the_lean_bill_reads_as_the_reference_without_messages_quality_or_reading(branded: Any) -> None:
    bills = _bills(readings=(None,), categories=(2,))
    bill = bills[0]
    lean = render_bill_pdf_lean(bill)
    assert lean is not None
    assert text_of(lean) == text_of(render_bill_pdf_reference(bill))
    assert "Sem leitura no período." in text_of(lean)
    assert "Relatório de qualidade da água disponível" in text_of(lean)


def _bars(pdf: bytes) -> list[tuple[float, float]]:
    """The barcode's bars as drawn: the x and width of each rectangle of the last black fill."""
    reader = PdfReader(io.BytesIO(pdf))
    operations = ContentStream(reader.pages[0].get_contents(), reader).operations
    bars: list[tuple[float, float]] = []
    black = False
    for operands, op in operations:
        if op == b"rg":
            black = [float(v) for v in operands] == [0.0, 0.0, 0.0]
            pending: list[tuple[float, float]] = []
        elif op == b"re" and black:
            pending.append((float(operands[0]), float(operands[2])))
        elif op == b"f" and black and pending:
            bars = pending
    return bars


def _modules(bars: list[tuple[float, float]]) -> tuple[Any, ...]:
    narrow = min(w for _, w in bars)
    out: list[tuple[Element, Width]] = []
    for i, (x, w) in enumerate(bars):
        out.append((Element.BAR, Width.WIDE if w > 2 * narrow else Width.NARROW))
        if i + 1 < len(bars):
            gap = bars[i + 1][0] - (x + w)
            out.append((Element.SPACE, Width.WIDE if gap > 2 * narrow else Width.NARROW))
    return tuple(out)


def test_the_drawn_barcode_decodes_back_to_the_bills_amount(branded: Any) -> None:
    bill = _bills(readings=(23,), categories=(1,))[0]
    lean = render_bill_pdf_lean(bill)
    assert lean is not None
    digits = decode(_modules(_bars(lean)))
    assert digits == bill.barcode
    assert parse_barcode(digits).amount == bill.total > Decimal("0")


def test_what_the_lean_writer_declines_is_rendered_by_the_reference(branded: Any) -> None:
    bills = _bills()
    cancelled, foreign = bills
    cancelled.status = BillStatus.CANCELLED  # stamped: the reference draws the stamp
    assert render_bill_pdf_lean(cancelled) is None
    assert "CANCELADA" in text_of(render_bill_pdf(cancelled)).upper()
    foreign.payer_name = "José 山田"  # a character outside the embedded faces
    assert render_bill_pdf_lean(foreign) is None
    assert render_bill_pdf(foreign).startswith(b"%PDF")


def _screens(pdfs: list[bytes], tmp: Any) -> list[Any]:
    """Each PDF's first page as Chromium's PDF viewer (PDFium) draws it (no poppler here)."""
    import time

    from PIL import Image
    from playwright.sync_api import sync_playwright

    from tests.portal.conftest import CHROMIUM_ARGS

    shots = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 820, "height": 1160})
        for i, pdf in enumerate(pdfs):
            path = tmp / f"bill{i}.pdf"
            path.write_bytes(pdf)
            page.goto(f"file://{path}#toolbar=0&navpanes=0&view=FitH")
            previous = None
            for _ in range(60):  # until the viewer has drawn the page (mostly white) and it stops changing
                time.sleep(0.25)
                shot = Image.open(io.BytesIO(page.screenshot())).convert("L")
                drawn = shot.histogram()[255] > 0.5 * shot.width * shot.height
                if drawn and previous is not None and shot.tobytes() == previous.tobytes():
                    break
                previous = shot if drawn else None
            shots.append(shot)
        browser.close()
    return shots


def test_the_lean_bill_looks_as_the_reference_pixel_by_pixel(
    branded: Any, quality_table: None, tmp_path: Any
) -> None:
    from PIL import ImageChops

    _with_texts()
    bill = _bills(readings=(31,), categories=(3,))[0]
    lean = render_bill_pdf_lean(bill)
    assert lean is not None
    old, new = _screens([render_bill_pdf_reference(bill), lean], tmp_path)
    assert old.size == new.size
    histogram = ImageChops.difference(old, new).histogram()
    pixels = old.width * old.height
    differing = sum(histogram[65:]) / pixels  # pixels off by more than a quarter of the scale
    mean = sum(level * count for level, count in enumerate(histogram)) / pixels
    if os.environ.get("BILL_PDF_SHOTS"):  # BILL_PDF_SHOTS=/tmp/x: keep the two pages to look at
        old.save(f"{os.environ['BILL_PDF_SHOTS']}-{branded.schema_name}-reference.png")
        new.save(f"{os.environ['BILL_PDF_SHOTS']}-{branded.schema_name}-lean.png")
    print(f"pixels off: {differing:.4%}, mean difference {mean:.3f}/255")
    assert differing < 0.005 and mean < 1.5, (differing, mean)
