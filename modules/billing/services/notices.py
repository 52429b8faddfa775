"""The sewer-billing notice's text (3.2.13.10.7): versions saved by staff, checked against the
notice's placeholders (common.document_templates), and the default seeded on provisioning."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from modules.common.audit import Actor, SystemActor, audit_record, snapshot
from modules.common.document_templates import check_template, check_title
from modules.common.errors import Conflict, ValidationFailed
from modules.common.models import DocumentTemplate

from .. import sewer_notice
from ..errors import ErrorCode

SEED_ACTOR = SystemActor("provisionamento")
SEED_FROM = dt.date(2000, 1, 1)


def sewer_notice_versions() -> list[DocumentTemplate]:
    return list(
        DocumentTemplate.objects.filter(kind=sewer_notice.KIND).order_by("-valid_from", "-created_at")
    )


def sewer_notice_check(*, title: str, body_html: str) -> None:
    check_title(title)
    check_template(body_html, sewer_notice.PLACEHOLDERS)


@transaction.atomic(durable=True)
def sewer_notice_template_create(
    *, actor: Actor, valid_from: dt.date, title: str, body_html: str, today: dt.date
) -> DocumentTemplate:
    """A new version of the notice's text from `valid_from` (today or later): notices printed
    before keep their words (ADR 0135). Refuses a text outside the whitelist, naming the offender."""
    sewer_notice_check(title=title, body_html=body_html)
    if valid_from < today:
        raise ValidationFailed(
            "A nova versão do texto começa hoje ou depois.", field="valid_from", code=ErrorCode.TEXT_INVALID
        )
    if (
        DocumentTemplate.objects.select_for_update()
        .filter(kind=sewer_notice.KIND, valid_from=valid_from)
        .exists()
    ):
        raise Conflict(
            f"Já existe uma versão do comunicado a partir de {valid_from:%d/%m/%Y}; escolha outra data.",
            field="valid_from",
            code=ErrorCode.TEXT_INVALID,
        )
    row: DocumentTemplate = DocumentTemplate.objects.create(
        kind=sewer_notice.KIND,
        valid_from=valid_from,
        title=title.strip(),
        body_html=body_html,
        created_by=actor.get_username(),
    )
    audit_record(
        actor=actor,
        action="billing.sewer_notice_template_create",
        target=row,
        after=snapshot(row, fields=["kind", "valid_from", "title", "body_html"]),
    )
    return row


def sewer_notice_seed() -> None:
    """The default text as the first version, once (provisioning is idempotent). Runs inside the
    caller's transaction (provisioning's seed step)."""
    if DocumentTemplate.objects.filter(kind=sewer_notice.KIND).exists():
        return
    row = DocumentTemplate.objects.create(
        kind=sewer_notice.KIND,
        valid_from=SEED_FROM,
        title=sewer_notice.DEFAULT_TITLE,
        body_html=sewer_notice.DEFAULT_BODY,
        created_by=SEED_ACTOR.get_username(),
    )
    audit_record(
        actor=SEED_ACTOR,
        action="billing.sewer_notice_template_create",
        target=row,
        after=snapshot(row, fields=["kind", "valid_from", "title"]),
    )
