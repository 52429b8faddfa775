"""The reading report generator (TR S12.9-01, S12.9-02; ADR 0230) on known data: group 7 with routes
1 and 2; route 1 has three units (one commercial, one with its water connection cut), route 2 one;
April and May 2025 read by readers A and B with a few occurrences. The totals of each filter equal the
fixture's sums, and the CSV, TXT, XLSX, DOCX, PDF and JPEG carry the screen's totals."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from decimal import Decimal
from typing import Any

import pytest

from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed
from modules.reading.models import Occurrence, Reading
from modules.reading.services import occurrences_seed
from modules.registry.models import Category, PropertyCategory, Route, ServiceConnection
from modules.service.reports_builder import (
    BAR_COLOUR,
    Query,
    as_csv,
    as_docx,
    as_jpeg,
    as_txt,
    as_xlsx,
    build,
)
from tests.billing import factories as f
from tests.conftest import bearer, make_user

PASSWORD = "Senha-forte-123"
APR, MAY = YearMonth(2025, 4), YearMonth(2025, 5)


@pytest.fixture
def data(tenant_alpha: Any) -> list[Any]:
    occurrences_seed()
    g = f.group()
    r2, _ = Route.objects.get_or_create(group=g, code=2)
    units = [f.billable(g) for _ in range(4)]
    units[3].route = r2
    units[3].save(update_fields=["route"])
    PropertyCategory.objects.filter(property=units[1]).update(category=Category.objects.get(code="COM"))
    ServiceConnection.objects.filter(property=units[2], kind="water").update(situation="cut")
    closed = Occurrence.objects.get(code="10")  # average
    leak = Occurrence.objects.get(code="30")  # normal
    rows = [
        # unit, month, reader, m³, kind, occurrence
        (0, APR, "leiturista-a", 10, "measured", None),
        (1, APR, "leiturista-a", 20, "measured", None),
        (2, APR, "leiturista-b", 5, "measured", leak),
        (3, APR, "leiturista-b", 8, "measured", None),
        (0, MAY, "leiturista-a", 12, "measured", None),
        (1, MAY, "leiturista-a", 15, "average", closed),
        (2, MAY, "leiturista-b", 7, "measured", leak),
        (3, MAY, "leiturista-b", 9, "measured", None),
    ]
    for i, month, reader, m3, kind, occ in rows:
        Reading.objects.create(
            property=units[i],
            reference=month.first_day(),
            read_on=month.day(10),
            value=m3,
            consumption_m3=m3,
            consumption_kind=kind,
            occurrence=occ,
            actor=reader,
            source="device",
        )
    return units


def _rows(q: Query) -> dict[str, tuple[int, int, int, int]]:
    result = build(q)
    out = {r.label: (r.readings, r.measured_m3, r.considered_m3, r.occurrences) for r in result.rows}
    t = result.total
    out["Total"] = (t.readings, t.measured_m3, t.considered_m3, t.occurrences)
    return out


def test_route_and_reference_filters_give_the_fixtures_sums(data: list[Any]) -> None:
    assert _rows(Query(start=MAY, end=MAY, by="route")) == {
        "Grupo 7 · rota 1": (3, 19, 34, 2),
        "Grupo 7 · rota 2": (1, 9, 9, 0),
        "Total": (4, 28, 43, 2),
    }
    assert _rows(Query(start=APR, end=MAY, by="month", group=7, route=1)) == {
        "04/2025": (3, 35, 35, 1),
        "05/2025": (3, 19, 34, 2),
        "Total": (6, 54, 69, 3),
    }
    assert _rows(Query(start=APR, end=MAY, by="reader")) == {
        "leiturista-a": (4, 42, 57, 1),
        "leiturista-b": (4, 29, 29, 2),
        "Total": (8, 71, 86, 3),
    }
    occ = _rows(Query(start=APR, end=MAY, by="occurrence"))
    assert occ["10 – Impossibilidade de leitura (imóvel fechado)"] == (1, 0, 15, 1)
    assert occ["30 – Vazamento aparente"] == (2, 12, 12, 2)
    assert occ["Sem ocorrência"] == (5, 59, 59, 0)
    kinds = _rows(Query(start=MAY, end=MAY, by="kind"))
    assert len(kinds) == 3  # measured and average, and the total
    assert kinds["Total"] == (4, 28, 43, 2)


def test_connection_category_and_reading_filters(data: list[Any]) -> None:
    assert _rows(Query(start=APR, end=MAY, by="connection")) == {
        "Cortada": (2, 12, 12, 2),
        "Ligada": (6, 59, 74, 1),
        "Total": (8, 71, 86, 3),
    }
    assert _rows(Query(start=APR, end=MAY, by="category")) == {
        "COM": (2, 20, 35, 1),
        "RES": (6, 51, 51, 2),
        "Total": (8, 71, 86, 3),
    }
    cut_only = _rows(Query(start=APR, end=MAY, by="route", connection="cut"))
    assert cut_only == {"Grupo 7 · rota 1": (2, 12, 12, 2), "Total": (2, 12, 12, 2)}
    assert _rows(Query(start=APR, end=MAY, by="reader", category="COM"))["Total"] == (2, 20, 35, 1)
    assert _rows(Query(start=APR, end=MAY, by="route", occurrence="-"))["Total"] == (5, 59, 59, 0)
    assert _rows(Query(start=MAY, end=MAY, by="month", kind="average"))["Total"] == (1, 0, 15, 1)
    with pytest.raises(ValidationFailed) as raised:
        build(Query(start=MAY, end=APR, by="route"))
    assert raised.value.field == "end"
    with pytest.raises(ValidationFailed) as raised:
        build(Query(start=APR, end=MAY, by="colour"))
    assert raised.value.field == "by"


def test_every_export_carries_the_screens_totals(data: list[Any]) -> None:
    result = build(Query(start=APR, end=MAY, by="reader", measure="considered_m3"))
    assert [r.bar for r in result.rows] == [Decimal("100.00"), Decimal("50.88")]
    rows = list(csv.reader(io.StringIO(as_csv(result).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Leiturista" and rows[-1] == ["Total", "8", "71", "86", "3", "37,50"]
    txt = as_txt(result).decode()
    assert txt.splitlines()[-1].split() == ["Total", "8", "71", "86", "3", "37,50"]
    with zipfile.ZipFile(io.BytesIO(as_xlsx(result))) as z:
        assert "xl/workbook.xml" in z.namelist()
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    last = re.findall(r'<row r="(\d+)">(.*?)</row>', sheet)[-1][1]
    values = re.findall(r"<v>([^<]*)</v>|<t>([^<]*)</t>", last)
    assert [a or b for a, b in values] == ["Total", "8", "71", "86", "3", "37.50"]
    with zipfile.ZipFile(io.BytesIO(as_docx(result))) as z:
        document = z.read("word/document.xml").decode()
    last_row = re.findall(r"<w:tr>(.*?)</w:tr>", document)[-1]
    assert re.findall(r"<w:t[^>]*>([^<]*)</w:t>", last_row) == ["Total", "8", "71", "86", "3", "37,50"]
    assert "Leituras por leiturista" in document


def _bar_lengths(image: Any) -> list[int]:
    """The chart's bars as drawn: per pixel row, the count of the bar colour's pixels, grouped by bar."""
    rgb = image.convert("RGB")
    width, height = rgb.size
    px = rgb.load()
    near = lambda c: all(abs(a - b) < 40 for a, b in zip(c, BAR_COLOUR, strict=True))  # noqa: E731 (JPEG blur)
    per_line = [sum(1 for x in range(width) if near(px[x, y])) for y in range(height)]
    bars: list[int] = []
    previous = 0
    for count in per_line:
        if count and not previous:
            bars.append(count)
        elif count:
            bars[-1] = max(bars[-1], count)
        previous = count
    return bars


def test_the_jpeg_draws_the_chart_and_carries_the_table(data: list[Any]) -> None:
    """S12.9-02's BMP/JPG: a real JPEG whose bars keep the screen's proportions and whose comment is
    the TXT table with the same totals."""
    from PIL import Image

    result = build(Query(start=APR, end=MAY, by="reader", measure="considered_m3"))
    body = as_jpeg(result)
    image = Image.open(io.BytesIO(body))
    assert image.format == "JPEG" and image.size[0] >= 1100
    comment = image.info["comment"].decode("utf-8")
    assert comment.splitlines()[0] == "Leituras por leiturista"
    assert comment.splitlines()[-1].split() == ["Total", "8", "71", "86", "3", "37,50"]
    longest, other = _bar_lengths(image)
    assert abs(Decimal(other) / longest * 100 - Decimal("50.88")) < 1  # the screen's 100 % and 50.88 %
    empty = as_jpeg(build(Query(start=YearMonth(2020, 1), end=YearMonth(2020, 1), by="route")))
    assert _bar_lengths(Image.open(io.BytesIO(empty))) == []


def test_the_page_and_the_api(data: list[Any], alpha_client: Any) -> None:
    from pypdf import PdfReader

    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    headers = bearer(alpha_client, "chefe", PASSWORD)
    r = alpha_client.get(
        "/api/v1/reading/report-builder?by=route&start=2025-05&end=2025-05&group=7&route=1", **headers
    )
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == {
        "label": "Total",
        "readings": 3,
        "measured_m3": 19,
        "considered_m3": 34,
        "occurrences": 2,
        "occurrence_share": "66.67",
    }
    bad = alpha_client.get("/api/v1/reading/report-builder?by=route&start=2025-13", **headers)
    assert bad.status_code == 400 and "start" in bad.json()["errors"]
    huge = alpha_client.get("/api/v1/reading/report-builder?by=route&route=99999999999", **headers)
    assert huge.status_code == 400 and "route" in huge.json()["errors"]
    pdf = alpha_client.get(
        "/api/v1/reading/report-builder?by=route&start=2025-05&end=2025-05&output=pdf", **headers
    )
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert "Total 4 28 43 2 50,00" in text
    jpg = alpha_client.get(
        "/api/v1/reading/report-builder?by=route&start=2025-05&end=2025-05&output=jpg", **headers
    )
    assert jpg.status_code == 200 and jpg["Content-Type"] == "image/jpeg"
    assert jpg["Content-Disposition"] == 'attachment; filename="leituras-por-route-2025-05-2025-05.jpg"'
    assert jpg.content[:3] == b"\xff\xd8\xff"

    assert alpha_client.post("/conta/entrar/", {"username": "chefe", "password": PASSWORD}).status_code == 302
    page = alpha_client.get(
        "/servicos/relatorios-de-leitura/gerador/?by=reader&start=2025-04&end=2025-05"
    ).content.decode()
    assert "Leituras por leiturista" in page and "<svg" in page and 'width="100.00%"' in page
    assert "formato=jpg" in page
    image = alpha_client.get(
        "/servicos/relatorios-de-leitura/gerador/?by=reader&start=2025-04&end=2025-05&formato=jpg"
    )
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert "<td>leiturista-a</td>" in page and "style=" not in page.split("</style>")[-1]
    xlsx = alpha_client.get(
        "/servicos/relatorios-de-leitura/gerador/?by=reader&start=2025-04&end=2025-05&formato=xlsx"
    )
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
