"""The reading reports of seed 001 3.2.4 as CSV (pt-BR headers, `;`, UTF-8 with BOM), on known data:
group 7 route 1, four units read 10 m³ a month from February to April, then in May one normal
(10 m³), one high (60 m³), one closed house (average) and one low (2 m³) with a leak occurrence;
reader A read the first two, reader B the other two."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from modules.common.audit import SystemActor
from modules.common.csv_export import BOM, csv_text
from modules.common.domain.dates import YearMonth
from modules.reading.services import ReadingInput, occurrences_seed, reading_register
from modules.registry.models import Property
from tests.billing import factories as f
from tests.conftest import bearer, make_user

PASSWORD = "Senha-forte-123"
MAY = YearMonth(2025, 5)
A, B = SystemActor("leiturista-a"), SystemActor("leiturista-b")


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def route(tenant_alpha: Any) -> list[Property]:
    occurrences_seed()
    g = f.group()
    props = [f.billable(g) for _ in range(4)]
    for month in (YearMonth(2025, 2), YearMonth(2025, 3), YearMonth(2025, 4), MAY):
        f.schedule(g, month)
    for n, month in enumerate((YearMonth(2025, 2), YearMonth(2025, 3), YearMonth(2025, 4)), start=1):
        for p in props:
            reading_register(
                actor=f.ACTOR, data=ReadingInput(p.account_number, month, month.day(10), 10 * n, "")
            )
    may = [(A, 40, ""), (A, 90, ""), (B, None, "10"), (B, 32, "30")]
    start = dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC)
    for i, (p, (reader, value, occurrence)) in enumerate(zip(props, may, strict=True)):
        # reader A's two readings reach the server 7 min 30 s apart
        with time_machine.travel(start + dt.timedelta(seconds=450 * i), tick=False):
            reading_register(
                actor=reader, data=ReadingInput(p.account_number, MAY, MAY.day(10), value, occurrence)
            )
    return props


def _get(client: Any, headers: dict[str, str], slug: str, **params: Any) -> list[list[str]]:
    query = "&".join(f"{k}={v}" for k, v in {"month": "2025-05", **params}.items())
    r = client.get(f"/api/v1/reading/reports?report={slug}&{query}", **headers)
    assert r.status_code == 200, r.content
    assert r["Content-Type"] == "text/csv; charset=utf-8"
    text = r.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


@pytest.fixture
def api(alpha_client: Any) -> tuple[Any, dict[str, str]]:
    make_user("alpha", "chefe", PASSWORD, is_admin=True)
    return alpha_client, bearer(alpha_client, "chefe", PASSWORD)


def test_the_csv_is_what_brazilian_excel_reads() -> None:
    from decimal import Decimal

    text = csv_text(["Matrícula", "Valor (R$)"], [("1-0", Decimal("40.56")), ("2;3", None)])
    assert text == '\ufeffMatrícula;Valor (R$)\r\n1-0;40,56\r\n"2;3";\r\n'


def test_the_occurrence_report_and_its_filters(route: list[Property], api: Any) -> None:
    rows = _get(*api, "ocorrencias")
    assert rows[0][:8] == [
        "Grupo",
        "Rota",
        "Sequência",
        "Matrícula",
        "Endereço",
        "Data da leitura",
        "Ocorrência",
        "Descrição",
    ]
    assert [(r[3], r[6], r[8], r[10]) for r in rows[1:]] == [
        (route[2].account_number, "10", "10", "sistema:leiturista-b"),
        (route[3].account_number, "30", "2", "sistema:leiturista-b"),
    ]
    assert len(_get(*api, "ocorrencias", occurrence="30")) == 2
    assert len(_get(*api, "ocorrencias", reader="sistema:leiturista-a")) == 1  # headers only
    assert len(_get(*api, "ocorrencias", group=8)) == 1


def test_the_verification_bulletin_lists_only_the_flagged_units(route: list[Property], api: Any) -> None:
    rows = _get(*api, "boletim-de-verificacao")
    listed = {r[3]: r for r in rows[1:]}
    assert set(listed) == {route[1].account_number, route[3].account_number}
    high = listed[route[1].account_number]
    assert high[4] == f"Cliente {route[1].account_base}" and high[6] == "RES × 1"
    assert (high[8], high[9], high[10], high[11]) == ("30", "90", "60", "10,00")
    assert "Consumo alto" in high[12] and high[14] == "Em análise"


def test_the_deviation_report_keeps_only_what_passes_the_threshold(route: list[Property], api: Any) -> None:
    rows = _get(*api, "desvio", threshold="30")
    assert rows[0][7] == "Desvio do consumo (%)"
    assert [(r[3], r[5], r[6], r[7]) for r in rows[1:]] == [
        (route[1].account_number, "60", "10,00", "500,00"),
        (route[3].account_number, "2", "10,00", "-80,00"),
    ]
    assert [r[3] for r in _get(*api, "desvio", threshold="85")[1:]] == [route[1].account_number]
    r = api[0].get("/api/v1/reading/reports?report=desvio&month=2025-05&threshold=muito", **api[1])
    assert r.status_code == 400 and r.json()["field"] == "threshold"


def test_the_excess_report_lists_exactly_the_units_above_the_range_maximum(
    route: list[Property], api: Any
) -> None:
    rows = _get(*api, "excesso")
    # default policy +70 %: average 10 → at most 17 m³
    assert [(r[3], r[7], r[9], r[10]) for r in rows[1:]] == [(route[1].account_number, "60", "17", "43")]


def test_reader_productivity_by_group_and_route(route: list[Property], api: Any) -> None:
    rows = _get(*api, "produtividade")
    assert rows[1:] == [
        ["sistema:leiturista-a", "7", "1", "2", "0", "0,00"],
        ["sistema:leiturista-b", "7", "1", "2", "2", "100,00"],
    ]


def test_the_time_between_readings_adds_up_to_the_span(route: list[Property], api: Any) -> None:
    rows = _get(*api, "tempo-entre-leituras", reader="sistema:leiturista-a")
    assert [(r[0], r[5], r[7], r[8]) for r in rows[1:]] == [
        ("1", route[0].account_number, "", "00:00:00"),
        ("2", route[1].account_number, "00:07:30", "00:07:30"),
    ]
    r = api[0].get("/api/v1/reading/reports?report=tempo-entre-leituras&month=2025-05", **api[1])
    assert r.status_code == 400 and r.json()["field"] == "reader"


def test_the_reading_bulletin_is_the_route_in_sequence_with_the_last_reading(
    route: list[Property], api: Any
) -> None:
    rows = _get(*api, "boletim-de-leitura", month="2025-06", group=7)
    assert rows[0][5:] == ["Hidrômetro", "Leitura anterior", "Leitura", "Ocorrência", "Data"]
    assert [(r[3], r[6], r[7]) for r in rows[1:]] == [
        (route[0].account_number, "40", ""),
        (route[1].account_number, "90", ""),
        (route[2].account_number, "30", ""),  # May was not read (closed house): April's reading
        (route[3].account_number, "32", ""),
    ]


def test_the_reading_bulletin_prints_as_a_pdf_per_route_with_blank_fields(
    route: list[Property], api: Any, alpha_client: Any
) -> None:
    """3.2.4.9: the bulletin for reading on paper, as an A4 PDF (API and page): the route's units in
    sequence with matrícula, address, meter and previous reading; reading, occurrence and date blank."""
    import pypdf

    client, headers = api
    r = client.get(
        "/api/v1/reading/reports?report=boletim-de-leitura&month=2025-06&group=7&output=pdf", **headers
    )
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf", r.content[:200]
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(r.content)).pages)
    assert "Boletim de leitura" in text and "Leitura anterior" in text and "Rua Tiradentes" in text
    places = [text.index(p.account_number) for p in route]
    assert places == sorted(places)  # in route sequence
    make_user("alpha", "gestora-pdf", PASSWORD, is_admin=True)
    assert alpha_client.login(username="gestora-pdf", password=PASSWORD)
    assert 'value="pdf"' in alpha_client.get("/servicos/relatorios-de-leitura/").content.decode()
    page = alpha_client.get(
        "/servicos/relatorios-de-leitura/",
        {"relatorio": "boletim-de-leitura", "month": "2025-06", "group": "7", "formato": "pdf"},
    )
    assert page["Content-Type"] == "application/pdf" and page.content.startswith(b"%PDF")


def test_the_staff_page_downloads_each_report(route: list[Property], alpha_client: Any) -> None:
    make_user("alpha", "gestora", PASSWORD, is_admin=True)
    alpha_client.post("/conta/entrar/", {"username": "gestora", "password": PASSWORD})
    assert "/servicos/relatorios-de-leitura/" in alpha_client.get("/").content.decode()
    page = alpha_client.get("/servicos/relatorios-de-leitura/").content.decode()
    assert page.count("Baixar CSV") == 7
    r = alpha_client.get("/servicos/relatorios-de-leitura/?relatorio=produtividade&month=2025-05")
    assert r["Content-Disposition"] == 'attachment; filename="produtividade-2025-05.csv"'
    assert "leiturista-b;7;1;2;2;100,00" in r.content.decode("utf-8")
    r = alpha_client.get("/servicos/relatorios-de-leitura/?relatorio=boletim-de-leitura&month=2025-05")
    assert r.status_code == 400 and "Informe o grupo de faturamento." in r.content.decode()
