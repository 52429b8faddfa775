"""Settings of what an opening leaves: which codes e-mail their execution sector and to whom
(3.2.11.6), and the texts of the opening terms (3.2.11.7), versioned like every document text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.document_templates import check_template, check_title
from modules.common.errors import Conflict, NotFound, ValidationFailed
from modules.common.models import DocumentTemplate

from .. import terms
from ..domain.closing import ClosingField, FieldKind, check_schema
from ..errors import ErrorCode
from ..models import Sector
from ..models_orders import ClosingForm, OpeningNotice, SectorRecipient
from ..selectors import code_get


@transaction.atomic(durable=True)
def opening_notice_set(*, actor: Actor, code: str, active: bool) -> OpeningNotice:
    row = code_get(code)
    notice: OpeningNotice
    notice, _ = OpeningNotice.objects.update_or_create(code=row, defaults={"is_active": active})
    audit_record(
        actor=actor,
        action="service.opening_notice_set",
        target=row,
        after={"opening_notice": "sim" if active else "não"},
    )
    return notice


@transaction.atomic(durable=True)
def sector_recipients_set(*, actor: Actor, sector_id: int, emails: list[str]) -> list[str]:
    """The sector's recipients become exactly `emails` (deduplicated, lower case)."""
    sector = Sector.objects.select_for_update().filter(pk=sector_id).first()
    if sector is None:
        raise NotFound("Setor não encontrado.", field="sector", code=ErrorCode.SECTOR_NOT_FOUND)
    clean: list[str] = []
    for index, raw in enumerate(emails):
        email = raw.strip().lower()
        if not email:
            continue
        try:
            validate_email(email)
        except DjangoValidationError as exc:
            raise ValidationFailed(
                f"E-mail inválido: {raw}.", field=f"emails[{index}]", code=ErrorCode.INVALID
            ) from exc
        if email not in clean:
            clean.append(email)
    before = sorted(SectorRecipient.objects.filter(sector=sector).values_list("email", flat=True))
    SectorRecipient.objects.filter(sector=sector).exclude(email__in=clean).delete()
    for email in clean:
        SectorRecipient.objects.get_or_create(sector=sector, email=email)
    audit_record(
        actor=actor,
        action="service.sector_recipients_set",
        target=sector,
        before={"recipients": ", ".join(before)},
        after={"recipients": ", ".join(sorted(clean))},
    )
    return sorted(clean)


def term_check(*, title: str, body_html: str) -> None:
    check_title(title)
    check_template(body_html, terms.PLACEHOLDERS)


@transaction.atomic(durable=True)
def term_template_create(
    *, actor: Actor, kind: str, valid_from: dt.date, title: str, body_html: str, today: dt.date
) -> DocumentTemplate:
    """A new version of an opening term's text from `valid_from` (today or later); terms already
    generated keep the text they were generated with (stored on the order)."""
    if terms.term_name(kind) is None:
        raise NotFound("Termo não usado por nenhum código de serviço.", field="kind", code=ErrorCode.INVALID)
    term_check(title=title, body_html=body_html)
    if valid_from < today:
        raise ValidationFailed(
            "A nova versão do texto começa hoje ou depois.", field="valid_from", code=ErrorCode.INVALID
        )
    if DocumentTemplate.objects.select_for_update().filter(kind=kind, valid_from=valid_from).exists():
        raise Conflict(
            f"Já existe uma versão deste termo a partir de {valid_from:%d/%m/%Y}; escolha outra data.",
            field="valid_from",
            code=ErrorCode.DUPLICATE,
        )
    row: DocumentTemplate = DocumentTemplate.objects.create(
        kind=kind,
        valid_from=valid_from,
        title=title.strip(),
        body_html=body_html,
        created_by=actor.get_username(),
    )
    audit_record(
        actor=actor,
        action="service.term_template_create",
        target=row,
        after=snapshot(row, fields=["kind", "valid_from", "title", "body_html"]),
    )
    return row


def closing_fields_of(code_id: int) -> list[ClosingField]:
    """The code's closing form as domain fields (empty: the common closing only)."""
    row = ClosingForm.objects.filter(code_id=code_id).first()
    return [closing_field(d) for d in (row.fields if row else [])]


def closing_field(data: dict[str, Any]) -> ClosingField:
    try:
        kind = FieldKind(str(data.get("kind", "")))
    except ValueError as exc:
        raise ValidationFailed(
            f"Tipo de campo inválido: {data.get('kind')!r} (texto: text, número: number, lista: choice, "
            "sim/não: yes_no).",
            field="closing_fields.kind",
            code=ErrorCode.INVALID,
        ) from exc
    return ClosingField(
        name=str(data.get("name", "")).strip(),
        label=str(data.get("label", "")).strip(),
        kind=kind,
        required=bool(data.get("required", False)),
        choices=tuple(str(c).strip() for c in data.get("choices") or () if str(c).strip()),
    )


@transaction.atomic(durable=True)
def closing_form_set(*, actor: Actor, code: str, fields: list[dict[str, Any]]) -> list[ClosingField]:
    """The code's closing form becomes `fields`; orders closed before keep what they reported."""
    row = code_get(code)
    parsed = [closing_field(d) for d in fields]
    check_schema(parsed)
    stored = [
        {
            "name": f.name,
            "label": f.label,
            "kind": f.kind.value,
            "required": f.required,
            "choices": list(f.choices),
        }
        for f in parsed
    ]
    before = ClosingForm.objects.filter(code=row).values_list("fields", flat=True).first()
    ClosingForm.objects.update_or_create(code=row, defaults={"fields": stored})
    audit_record(
        actor=actor,
        action="service.closing_form_set",
        target=row,
        before={"closing_fields": ", ".join(d["label"] for d in before or [])},
        after={"closing_fields": ", ".join(f.label for f in parsed)},
    )
    return parsed
