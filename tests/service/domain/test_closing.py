"""A code's closing form (3.2.11.8), without a database: the schema's rules and the check of what a
closing reports against it."""

from __future__ import annotations

import pytest

from modules.common.errors import ValidationFailed
from modules.service.domain.closing import ClosingField, FieldKind, check_schema, check_values

CUT = [
    ClosingField("leitura", "Leitura no corte", FieldKind.NUMBER, required=True),
    ClosingField("nivel", "Nível do corte", FieldKind.CHOICE, required=True, choices=("cavalete", "ramal")),
    ClosingField("lacre", "Lacre", FieldKind.TEXT),
    ClosingField("morador", "Morador presente", FieldKind.YES_NO),
]


def test_values_are_checked_and_normalised() -> None:
    assert check_values(CUT, {"leitura": " 1234,50 ", "nivel": "ramal", "morador": "SIM"}) == {
        "leitura": "1234.5",
        "nivel": "ramal",
        "morador": "sim",
    }


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"nivel": "ramal"}, "fields.leitura", "Informe “Leitura no corte”"),
        ({"leitura": "12a", "nivel": "ramal"}, "fields.leitura", "deve ser um número"),
        ({"leitura": "NaN", "nivel": "ramal"}, "fields.leitura", "deve ser um número"),
        ({"leitura": "1", "nivel": "supressão"}, "fields.nivel", "escolha uma das opções (cavalete, ramal)"),
        ({"leitura": "1", "nivel": "ramal", "morador": "talvez"}, "fields.morador", "responda sim ou não"),
        ({"leitura": "1", "nivel": "ramal", "cor": "azul"}, "fields.cor", "não tem o campo cor"),
    ],
)
def test_a_bad_closing_is_refused_naming_the_field(values: dict[str, str], field: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_values(CUT, values)
    assert refused.value.field == field and message in refused.value.message


def test_a_form_with_a_bad_name_a_repeated_one_or_options_out_of_place_is_refused() -> None:
    check_schema(CUT)
    for fields, field in (
        ([ClosingField("Leitura", "x", FieldKind.TEXT)], "closing_fields[0].name"),
        (
            [ClosingField("a", "x", FieldKind.TEXT), ClosingField("a", "y", FieldKind.TEXT)],
            "closing_fields[1].name",
        ),
        ([ClosingField("a", "x", FieldKind.CHOICE)], "closing_fields[0].choices"),
        ([ClosingField("a", "x", FieldKind.TEXT, choices=("1",))], "closing_fields[0].choices"),
        ([ClosingField("a", " ", FieldKind.TEXT)], "closing_fields[0].label"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            check_schema(fields)
        assert refused.value.field == field
