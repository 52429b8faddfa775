"""The definition rules without a database: parameters refused in pt-BR, periods, formats, JSON."""

from __future__ import annotations

from decimal import Decimal

import pytest

from modules.reports.catalogue import BY_CODE, DEFINITIONS
from modules.reports.datasets import SOURCES
from modules.reports.domain.spec import (
    Condition,
    Measure,
    ReportInputError,
    definition_from_dict,
    definition_problems,
    definition_to_dict,
    validate,
)
from modules.reports.errors import ErrorCode


def _validate(code: str, raw: dict[str, object], fmt: str = "csv", limit: int = 731) -> object:
    d = BY_CODE[code]
    return validate(d, SOURCES[d.dataset].spec, raw, fmt, max_period_days=limit)


def test_a_filter_the_definition_does_not_allow_is_refused_naming_it() -> None:
    with pytest.raises(ReportInputError) as e:
        _validate("faturamento-por-categoria", {"month": "2025-05", "agent": "237"})
    assert e.value.code == ErrorCode.FILTER_NOT_ALLOWED
    assert e.value.field == "params.agent"
    assert e.value.message.startswith(
        "O filtro 'agent' não é permitido no relatório faturamento-por-categoria"
    )


def test_a_period_over_the_definitions_maximum_is_refused() -> None:
    with pytest.raises(ReportInputError) as e:
        _validate("arrecadacao-diaria", {"credited_from": "2025-01-01", "credited_to": "2025-06-30"})
    assert e.value.code == ErrorCode.PERIOD_TOO_LONG
    assert e.value.message == (
        "O período de 181 dias excede o máximo de 92 dias deste relatório; divida-o em períodos menores."
    )
    assert _validate(
        "arrecadacao-diaria", {"credited_from": "2025-04-01", "credited_to": "2025-06-30"}
    ).values


def test_the_utilitys_maximum_applies_when_lower_than_the_definitions() -> None:
    with pytest.raises(ReportInputError) as e:
        _validate(
            "arrecadacao-diaria", {"credited_from": "2025-05-01", "credited_to": "2025-06-30"}, limit=31
        )
    assert "máximo de 31 dias" in e.value.message


def test_a_format_the_layout_cannot_give_is_refused() -> None:
    with pytest.raises(ReportInputError) as e:
        _validate("cadastro-analitico", {}, fmt="pdf")
    assert e.value.code == ErrorCode.FORMAT_NOT_AVAILABLE
    assert e.value.message == (
        "O formato 'pdf' não está disponível para o relatório cadastro-analitico "
        "(layout analítico e sintético); formatos disponíveis: CSV, XLSX."
    )


def test_malformed_and_missing_values_are_named() -> None:
    with pytest.raises(ReportInputError) as e:
        _validate("faturamento-por-categoria", {"month": "05/2025"})
    assert (e.value.code, e.value.field) == (ErrorCode.FILTER_INVALID, "params.month")
    assert e.value.message == "Mês de referência: use o formato AAAA-MM (por exemplo 2025-05)."
    with pytest.raises(ReportInputError) as e:
        _validate("faturamento-por-categoria", {})
    assert (e.value.code, e.value.message) == (
        ErrorCode.FILTER_REQUIRED,
        "Informe o filtro Mês de referência (month).",
    )
    with pytest.raises(ReportInputError) as e:
        _validate("faturamento-detalhado", {"kind": "beer"})
    assert e.value.message.startswith("Rubrica: valor 'beer' inválido; use um de: water (Água)")


def test_every_definition_is_sound_over_its_dataset() -> None:
    problems = {d.code: definition_problems(d, SOURCES[d.dataset].spec) for d in DEFINITIONS}
    assert {k: v for k, v in problems.items() if v} == {}
    assert len({d.code for d in DEFINITIONS}) == len(DEFINITIONS)


@pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: d.code)
def test_a_definition_round_trips_through_json(definition: object) -> None:
    assert definition_from_dict(definition_to_dict(definition)) == definition  # type: ignore[arg-type]


def test_a_conditional_measure_over_rows() -> None:
    rows = [{"kind": "water", "amount": Decimal("1.10")}, {"kind": "sewer", "amount": Decimal("2.00")}]
    water = Measure("water", "Água", "sum", "amount", where=(Condition("kind", "in", ("water",)),))
    others = Measure("o", "Outros", "sum", "amount", where=(Condition("kind", "not_in", ("water",)),))
    assert (water.of_rows(rows), others.of_rows(rows), Measure("n", "N", "count").of_rows(rows)) == (
        Decimal("1.10"),
        Decimal("2.00"),
        2,
    )
