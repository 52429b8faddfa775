"""A unit's location (seed 001 3.2.13.10.8): localidade, setor, quadra, lote and sublote, whose
inscription and check digits are recomputed; and a route re-sequenced from quadra and lote (seed 002
S8.3-02)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from modules.common.audit import Actor, audit_record
from modules.common.errors import Conflict, ValidationFailed

from ..domain.inscription import Inscription, InvalidInscription, parse_inscription
from ..errors import ErrorCode
from ..models import Property, Route
from ..numbering import inscription_widths
from .properties import inscription_from_parts, inscription_refs
from .sequencing import DEFAULT_STEP, route_resequence_within

PARTS = ("locality", "sector", "block", "lot", "sublot")
LOCATION_FIELDS = (*PARTS, "inscription")
MAX_STEP = 1000


class LocationTaken(Conflict):
    """Another unit already sits at this inscription (3.2.19.26: duplicated locations); the answer
    names its matrícula so the clerk can look at it."""

    code = ErrorCode.LOCATION_TAKEN

    def __init__(self, other: Property, inscription: str) -> None:
        super().__init__(
            f"Já existe um imóvel nesta localização: matrícula {other.account_number} "
            f"(inscrição {inscription}).",
            field="inscription",
            code=ErrorCode.LOCATION_TAKEN,
        )
        self.account_number = other.account_number
        self.property_id = other.pk

    def as_dict(self) -> dict[str, object]:
        return super().as_dict() | {"account_number": self.account_number, "property": self.property_id}


def inscription_typed(text: str) -> Inscription:
    """A typed inscription, with or without its two check digits; wrong ones are refused, naming the
    field "inscription"."""
    try:
        return parse_inscription(text, inscription_widths())
    except InvalidInscription as exc:
        raise ValidationFailed(str(exc), field=exc.field, code=ErrorCode.INSCRIPTION_INVALID) from exc


def _location(prop: Property) -> dict[str, Any]:
    return {name: getattr(prop, name) for name in LOCATION_FIELDS}


@transaction.atomic(durable=True)
def property_set_location(
    *,
    actor: Actor,
    prop: Property,
    locality: int,
    sector: int,
    block: int,
    lot: int,
    sublot: int = 0,
    reason: str = "",
) -> Property:
    """Move the unit to another localidade/setor/quadra/lote/sublote: the inscription and its check
    digits are recomputed and the reference rows relinked; another unit already at that inscription is
    a 409 naming its matrícula. Old → new in the audit."""
    inscription = inscription_from_parts(
        {"locality": locality, "sector": sector, "block": block, "lot": lot, "sublot": sublot}
    )
    prop = Property.objects.select_for_update().get(pk=prop.pk)
    if inscription.formatted() == prop.inscription:
        raise ValidationFailed(
            "O imóvel já está nesta localização.", field="inscription", code=ErrorCode.UNCHANGED
        )
    other = Property.objects.filter(inscription=inscription.formatted()).exclude(pk=prop.pk).first()
    if other is not None:
        raise LocationTaken(other, inscription.formatted())
    refs = inscription_refs(inscription)
    before = _location(prop)
    prop.locality, prop.sector, prop.block, prop.lot, prop.sublot = inscription.parts()
    prop.inscription = inscription.formatted()
    for name, row in refs.items():
        setattr(prop, name, row)
    try:
        with transaction.atomic():
            prop.save(update_fields=[*LOCATION_FIELDS, *refs, "updated_at"])
    except IntegrityError as exc:  # another clerk took the place between the check and the write
        other = Property.objects.filter(inscription=inscription.formatted()).first()
        if other is None:
            raise
        raise LocationTaken(other, inscription.formatted()) from exc
    audit_record(
        actor=actor,
        action="registry.property_location",
        target=prop,
        before=before,
        after=_location(prop),
        reason=reason,
    )
    return prop


@transaction.atomic(durable=True)
def route_resequence(
    *, actor: Actor, route: Route, step: int = DEFAULT_STEP, reason: str = ""
) -> dict[str, tuple[int | None, int]]:
    """Number the route's units step, 2·step … in reading order (street, quadra, lote, número,
    complemento); answers {matrícula: (old, new)} for those that moved, each in the audit."""
    if not 1 <= step <= MAX_STEP:
        raise ValidationFailed(
            f"O passo da sequência deve estar entre 1 e {MAX_STEP}.",
            field="step",
            code=ErrorCode.ROUTE_STEP_INVALID,
        )
    route = Route.objects.select_for_update().get(pk=route.pk)  # one re-sequencing of the route at a time
    changed = route_resequence_within(route, step=step)
    audit_record(
        actor=actor,
        action="registry.route_resequence",
        target=route,
        before={"sequences": {acc: old for acc, (old, _) in changed.items()}},
        after={"step": step, "sequences": {acc: new for acc, (_, new) in changed.items()}},
        reason=reason,
    )
    return changed
