"""Tariff exemptions (isenções, seed 001 3.2.13.10.13): register a property's exemption from one bill
component in a window of reference months, with its reason; end one early. The billing run zeroes the
exempt component in the months inside the window only (domain.pricing.exempt_lines)."""

from __future__ import annotations

from django.db import transaction

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.domain.dates import YearMonth
from modules.common.errors import NotFound, ValidationFailed
from modules.common.selectors import overlapping
from modules.registry.models import Property

from ..domain.pricing import EXEMPTIBLE_KINDS, ITEM_KIND_LABELS, ItemKind
from ..errors import ErrorCode
from ..models import TariffExemption

FIELDS = ["property", "component", "valid_from", "valid_until", "reason"]


def exemptions_of(property_id: int) -> list[TariffExemption]:
    return list(TariffExemption.objects.filter(property_id=property_id).order_by("component", "-valid_from"))


def _window(valid_from: YearMonth, valid_until: YearMonth | None) -> str:
    return f"{valid_from.label} a {valid_until.label}" if valid_until else f"{valid_from.label} em diante"


@transaction.atomic(durable=True)
def exemption_create(
    *,
    actor: Actor,
    property_id: int,
    component: str,
    valid_from: YearMonth,
    valid_until: YearMonth | None,
    reason: str,
) -> TariffExemption:
    """A property exempt from `component` from the reference month `valid_from` to `valid_until`
    (inclusive; None: until ended). Refuses (400) an unknown component, a window that ends before it
    starts, an empty reason, and a window overlapping another exemption of the same component."""
    prop = Property.objects.select_for_update().filter(pk=property_id).first()
    if prop is None:
        raise NotFound("Imóvel não encontrado.", field="property", code=ErrorCode.PROPERTY_NOT_FOUND)
    if component not in {k.value for k in EXEMPTIBLE_KINDS}:
        names = ", ".join(f"{k.value} ({ITEM_KIND_LABELS[k]})" for k in EXEMPTIBLE_KINDS)
        raise ValidationFailed(
            f"Componente não isentável: {component}. Use {names}.",
            field="component",
            code=ErrorCode.EXEMPTION_COMPONENT_INVALID,
        )
    if valid_until is not None and valid_until < valid_from:
        raise ValidationFailed(
            "A referência final vem antes da inicial.",
            field="valid_until",
            code=ErrorCode.EXEMPTION_WINDOW_INVALID,
        )
    if not reason.strip():
        raise ValidationFailed("Informe o motivo da isenção.", field="reason", code=ErrorCode.REASON_REQUIRED)
    start = valid_from.first_day()
    end = valid_until.first_day() if valid_until else None
    clash = (
        overlapping(
            TariffExemption.objects.filter(property=prop, component=component),
            start_field="valid_from",
            end_field="valid_until",
            start=start,
            end=end,
        )
        .order_by("valid_from")
        .first()
    )
    if clash is not None:
        other = _window(
            YearMonth.of(clash.valid_from), YearMonth.of(clash.valid_until) if clash.valid_until else None
        )
        raise ValidationFailed(
            f"O imóvel já tem isenção de {ITEM_KIND_LABELS[ItemKind(component)]} de {other}, "
            "que se sobrepõe a esta.",
            field="valid_from",
            code=ErrorCode.EXEMPTION_OVERLAPS,
        )
    row: TariffExemption = TariffExemption.objects.create(
        property=prop,
        component=component,
        valid_from=start,
        valid_until=end,
        reason=reason.strip(),
        created_by=actor.get_username(),
    )
    audit_record(
        actor=actor, action="billing.exemption_create", target=row, after=snapshot(row, fields=FIELDS)
    )
    return row
