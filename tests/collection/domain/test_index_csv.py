"""The Central Bank's SGS CSV of a monthly series, as downloaded (`"data";"valor"`, `;`, comma
decimals, percent), and every way a line is refused (line and field named)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from modules.collection.domain.index_csv import IndexCsvRejected, parse_index_csv
from modules.common.domain.dates import YearMonth


def test_the_sgs_download_is_read_as_monthly_fractions() -> None:
    data = b'"data";"valor"\r\n"01/09/2026";"0,84"\r\n"01/10/2026";"0,93"\r\n'
    rates = parse_index_csv(data)
    assert [(r.line, r.month, r.rate) for r in rates] == [
        (2, YearMonth(2026, 9), D("0.0084")),
        (3, YearMonth(2026, 10), D("0.0093")),
    ]


def test_a_spreadsheet_copy_without_quotes_or_header_and_a_negative_ipca_are_read() -> None:
    data = "01/06/2026;-0,21\n\n01/07/2026;0,38\n".encode("latin-1")
    assert [(r.line, str(r.month), r.rate) for r in parse_index_csv(data)] == [
        (1, "2026-06", D("-0.0021")),
        (3, "2026-07", D("0.0038")),
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("01/10/2026;0.93;x\n", "Linha 1, campo linha: esperados 2 campos (data;valor), há 3"),
        (
            "2026-10-01;0,93\n",
            "Linha 1, campo data: «2026-10-01» não é o primeiro dia de um mês (dd/mm/aaaa)",
        ),
        (
            "31/02/2026;0,93\n",
            "Linha 1, campo data: «31/02/2026» não é o primeiro dia de um mês (dd/mm/aaaa)",
        ),
        ("01/10/2026;\n", "Linha 1, campo valor: «» não é uma taxa"),
        ("01/10/2026;0,123456\n", "Linha 1, campo valor: «0,123456» não é uma taxa"),
        ("01/10/2026;150\n", "Linha 1, campo valor: «150» não é uma taxa"),
        ("01/10/2026;0,93\n01/10/2026;0,95\n", "Linha 2, campo data: o mês 10/2026 já está na linha 1"),
        ('"data";"valor"\n', "Linha 1, campo arquivo: nenhuma linha data;valor encontrada"),
    ],
)
def test_each_bad_line_is_named_by_line_and_field(text: str, problem: str) -> None:
    with pytest.raises(IndexCsvRejected) as refused:
        parse_index_csv(text.encode())
    assert str(refused.value.problems[0]).startswith(problem)
