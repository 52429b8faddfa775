"""R-05 (ADR 0225): the utility chooses how its matrícula carries the check digit, before it issues
the first one: the stored numbers carry the digit, so a later change would orphan every bill, slip and
printed document that shows them."""

from __future__ import annotations

from django.db import transaction

from modules.common.audit import Actor, audit_record
from modules.common.errors import Conflict, ValidationFailed

from ..errors import ErrorCode
from ..models import Customer, Property
from ..models_numbering import NumberingSettings


@transaction.atomic(durable=True)
def numbering_update(
    *, actor: Actor, account_rule: str, account_separator: str, inscription_widths: str | None = None
) -> NumberingSettings:
    """R-05 and R-07: the matrícula's rule and the inscrição's widths, both fixed before the first
    property (`inscription_widths` None keeps the current widths)."""
    if account_rule not in NumberingSettings.Rule.values:
        raise ValidationFailed(
            "Escolha a regra do dígito verificador da lista.",
            field="account_rule",
            code=ErrorCode.ACCOUNT_NUMBER_INVALID,
        )
    if account_separator not in NumberingSettings.Separator.values:
        raise ValidationFailed(
            "Escolha o separador do dígito: hífen ou ponto.",
            field="account_separator",
            code=ErrorCode.ACCOUNT_NUMBER_INVALID,
        )
    if (
        inscription_widths is not None
        and inscription_widths not in NumberingSettings.InscriptionWidths.values
    ):
        raise ValidationFailed(
            "Escolha as larguras da inscrição da lista.",
            field="inscription_widths",
            code=ErrorCode.INSCRIPTION_INVALID,
        )
    NumberingSettings.current()
    row: NumberingSettings = NumberingSettings.objects.select_for_update().get(pk=1)
    widths = inscription_widths if inscription_widths is not None else row.inscription_widths
    before = {
        "account_rule": row.account_rule,
        "account_separator": row.account_separator,
        "inscription_widths": row.inscription_widths,
    }
    after = {
        "account_rule": account_rule,
        "account_separator": account_separator,
        "inscription_widths": widths,
    }
    if before == after:
        return row
    if Property.objects.exists() or Customer.objects.filter(commercial_base__isnull=False).exists():
        raise Conflict(
            "A regra da matrícula e as larguras da inscrição só mudam antes do primeiro imóvel cadastrado: "
            "as matrículas e inscrições já emitidas estão nas contas e nos documentos impressos.",
            field="account_rule" if before["inscription_widths"] == widths else "inscription_widths",
            code=ErrorCode.NUMBERING_LOCKED,
        )
    row.account_rule, row.account_separator, row.inscription_widths = account_rule, account_separator, widths
    row.save()
    audit_record(actor=actor, action="registry.numbering_update", target=row, before=before, after=after)
    return row
