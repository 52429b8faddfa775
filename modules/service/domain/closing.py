"""The closing form a service code asks for (3.2.11.8: "parameterisable closing form asking for
service-specific data"), pure: the code's fields (a cut asks for the reading and the seal, a
connection for the branch's diameter and pavement) and the check of what a closing reports against
them. Values travel as text (a form, JSON); numbers are Decimal, yes/no is "sim"/"não"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from modules.common.errors import ValidationFailed

from ..errors import ErrorCode

NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_FIELDS = 20


class FieldKind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    CHOICE = "choice"
    YES_NO = "yes_no"


KIND_LABELS = {
    FieldKind.TEXT: "texto",
    FieldKind.NUMBER: "número",
    FieldKind.CHOICE: "lista de opções",
    FieldKind.YES_NO: "sim ou não",
}


@dataclass(frozen=True)
class ClosingField:
    name: str  # "leitura_corte"
    label: str  # "Leitura no corte"
    kind: FieldKind
    required: bool = False
    choices: tuple[str, ...] = ()


def fields_json(fields: list[ClosingField]) -> list[dict[str, object]]:
    """The form as the API gives it (the code's closing-fields API and the phone's day alike)."""
    return [
        {
            "name": f.name,
            "label": f.label,
            "kind": f.kind.value,
            "required": f.required,
            "choices": list(f.choices),
        }
        for f in fields
    ]


def check_schema(fields: list[ClosingField]) -> None:
    """A code's closing form: valid names, once each, choices only (and always) for a list."""
    if len(fields) > MAX_FIELDS:
        raise ValidationFailed(
            f"No máximo {MAX_FIELDS} campos no encerramento.", field="closing_fields", code=ErrorCode.INVALID
        )
    seen: set[str] = set()
    for index, f in enumerate(fields):
        where = f"closing_fields[{index}]"
        if not NAME.match(f.name):
            raise ValidationFailed(
                "O nome do campo usa letras minúsculas, números e _ (até 40), começando por letra.",
                field=f"{where}.name",
                code=ErrorCode.INVALID,
            )
        if f.name in seen:
            raise ValidationFailed(
                f"O campo {f.name} aparece duas vezes.", field=f"{where}.name", code=ErrorCode.DUPLICATE
            )
        seen.add(f.name)
        if not f.label.strip():
            raise ValidationFailed(
                "Informe o rótulo do campo.", field=f"{where}.label", code=ErrorCode.INVALID
            )
        if (f.kind is FieldKind.CHOICE) != bool(f.choices):
            raise ValidationFailed(
                "Só um campo de lista tem opções, e ele precisa delas.",
                field=f"{where}.choices",
                code=ErrorCode.INVALID,
            )


def check_values(fields: list[ClosingField], values: dict[str, str]) -> dict[str, str]:
    """What an executed closing reports, checked against the code's form: the required ones present,
    numbers numbers, choices among the options, no field the form does not have. Answers the
    values normalised (trimmed; numbers as plain decimals; yes/no as "sim"/"não")."""
    known = {f.name: f for f in fields}
    for name in values:
        if name not in known:
            raise ValidationFailed(
                f"O encerramento deste serviço não tem o campo {name}.",
                field=f"fields.{name}",
                code=ErrorCode.INVALID,
            )
    clean: dict[str, str] = {}
    for f in fields:
        raw = (values.get(f.name) or "").strip()
        where = f"fields.{f.name}"
        if not raw:
            if f.required:
                raise ValidationFailed(
                    f"Informe “{f.label}”: o encerramento deste serviço exige.",
                    field=where,
                    code=ErrorCode.CLOSING_FIELD_REQUIRED,
                )
            continue
        if f.kind is FieldKind.NUMBER:
            try:
                number = Decimal(raw.replace(",", ".") if raw.count(",") == 1 and "." not in raw else raw)
            except InvalidOperation as exc:
                raise ValidationFailed(
                    f"“{f.label}” deve ser um número.", field=where, code=ErrorCode.INVALID
                ) from exc
            if not number.is_finite():
                raise ValidationFailed(
                    f"“{f.label}” deve ser um número.", field=where, code=ErrorCode.INVALID
                )
            clean[f.name] = f"{number.normalize():f}"
        elif f.kind is FieldKind.CHOICE:
            if raw not in f.choices:
                raise ValidationFailed(
                    f"“{f.label}”: escolha uma das opções ({', '.join(f.choices)}).",
                    field=where,
                    code=ErrorCode.INVALID,
                )
            clean[f.name] = raw
        elif f.kind is FieldKind.YES_NO:
            answer = raw.lower()
            if answer not in {"sim", "não", "nao", "true", "false", "1", "0"}:
                raise ValidationFailed(
                    f"“{f.label}”: responda sim ou não.", field=where, code=ErrorCode.INVALID
                )
            clean[f.name] = "sim" if answer in {"sim", "true", "1"} else "não"
        else:
            clean[f.name] = raw[:300]
    return clean
