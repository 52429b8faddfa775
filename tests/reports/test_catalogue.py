"""Every definition of the catalogue over the shared data set: its summary (the database's GROUP BY)
reconciles with its detail (the rows, summed again in Python), group by group and in total, and
each format it offers renders."""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from typing import Any

import pytest
from pypdf import PdfReader

from modules.reports import engine, outputs
from modules.reports.catalogue import DEFINITIONS
from modules.reports.datasets import SOURCES
from modules.reports.domain.spec import Definition, FilterKind, Params, validate
from tests.reports import factories as rf


def required_params(d: Definition) -> dict[str, str]:
    spec = SOURCES[d.dataset].spec
    out: dict[str, str] = {}
    for name in d.required:
        f = spec.filter(name)
        assert f is not None
        if f.kind == FilterKind.MONTH:
            out[name] = rf.MONTH
        elif f.kind == FilterKind.DATE:
            period = f.period
            out[f"{period}_from"], out[f"{period}_to"] = "2025-05-01", "2025-06-30"
        elif f.kind == FilterKind.BOOL:
            out[name] = "true"
        elif name == "category":
            out[name] = "RES"
        else:
            raise AssertionError(f"no test value for {name}")
    return out


@pytest.fixture
def data(alpha_client: Any, tenant_alpha: Any) -> dict[str, Any]:
    api = rf.staff_api(alpha_client)
    billed = rf.billed_month(api)
    rf.payments(billed["bills"])
    return billed


def reconcile(d: Definition, params: Params) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    qs = engine.filtered(d, params)
    rows = list(engine.detail_rows(d, qs))
    summary, totals = engine.summary_rows(d, qs)
    names = {c.name for c in d.detail_columns(SOURCES[d.dataset].spec)}
    assert set(d.group_by) <= names, "the detail shows what the summary groups by"
    by_key: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_key[tuple(r[g] for g in d.group_by)].append(r)
    for s in summary:
        key = tuple(s[g] for g in d.group_by)
        for m in d.measures:
            assert s[m.name] == m.of_rows(by_key[key]), (d.code, key, m.name)
    for m in d.measures:
        assert totals[m.name] == m.of_rows(rows), (d.code, m.name)
        if d.group_by and not d.top:
            assert sum(s[m.name] for s in summary) == totals[m.name], (d.code, m.name)
    if d.group_by and not d.top:
        assert {tuple(s[g] for g in d.group_by) for s in summary} == set(by_key)
    return rows, summary


@pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: d.code)
def test_summary_reconciles_with_detail_and_every_format_renders(definition: Definition, data: Any) -> None:
    params = validate(
        definition, SOURCES[definition.dataset].spec, required_params(definition), "csv", max_period_days=731
    )
    reconcile(definition, params)
    result = engine.run(definition, params)
    for fmt in definition.formats:
        body = outputs.render(result, fmt.value)
        if fmt == "csv":
            assert body.startswith("\ufeff".encode())
            assert body.decode("utf-8").splitlines()[0].count(";") >= 0
        elif fmt == "xlsx":
            with zipfile.ZipFile(io.BytesIO(body)) as z:
                assert "xl/workbook.xml" in z.namelist()
        else:
            text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
            assert definition.title.split(" ")[0] in text


def test_the_shared_data_is_not_empty_where_it_matters(data: Any) -> None:
    """The reconciliation above would pass on empty tables: these definitions have rows."""
    from modules.reports.catalogue import BY_CODE

    for code in (
        "faturamento-por-categoria",
        "faturamento-detalhado",
        "faturamento-por-faixa",
        "faturamento-por-tipo-de-consumo",
        "servicos-faturados-por-tipo",
        "faturas-canceladas",
        "pagamentos-processados",
        "pagamentos-nao-identificados",
        "depositos-nao-identificados",
        "pagamentos-em-duplicidade",
        "arrecadacao-diaria",
        "cadastro-analitico",
        "cadastro-com-esgoto",
        "historico-de-consumo-por-faixa",
        "debitos-pendentes",
        "maiores-devedores",
    ):
        d = BY_CODE[code]
        params = validate(d, SOURCES[d.dataset].spec, required_params(d), "csv", max_period_days=731)
        rows, summary = reconcile(d, params)
        assert rows and summary, code
