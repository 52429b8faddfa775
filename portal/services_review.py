"""The citizen asks for a consumption review from the agency (seed 001 3.2.6.1, "customer" origin;
ADR 0229): the same case the counter opens (service's `review_open`: its form, Year/Number, phases,
visit, rebill and laudo), on one of the bills the citizen sees, once per bill month while a case is
open. The laudo goes to the e-mail given here."""

from __future__ import annotations

from dataclasses import dataclass

from modules.common.domain.dates import YearMonth
from modules.common.errors import ErrorCode as CommonCode
from modules.common.errors import PermissionDenied, ValidationFailed
from modules.registry.models import Property
from modules.service.models_review import ConsumptionReview
from modules.service.services.reviews import ReviewForm, review_open

from .access_bills import property_bills
from .auth import CitizenActor, Grant
from .errors import ErrorCode


@dataclass(frozen=True)
class CitizenReviewForm:
    """What the citizen states (3.2.6.2): the bill, who asks, and the household."""

    bill_id: int
    name: str
    phone: str
    email: str
    residents: int
    description: str
    has_pool: bool = False
    pool_liters: int | None = None
    has_washing_machine: bool = False
    has_water_tank: bool = False
    tank_liters: int | None = None
    other_source: str = ""


def review_months(prop: Property) -> list[tuple[int, str]]:
    """The bills a review may be asked on: those the citizen sees (released or paid), newest first,
    as (bill id, "MM/AAAA")."""
    return [
        (pk, f"{ref:%m/%Y}")
        for pk, ref in property_bills(prop).order_by("-reference", "-id").values_list("pk", "reference")[:24]
    ]


def citizen_review_request(
    *, grant: Grant, prop: Property, form: CitizenReviewForm, channel: str
) -> ConsumptionReview:
    """Open the case for the citizen (one durable transaction: `review_open`'s). Raises
    PermissionDenied for a consultation-only sign-in, ValidationFailed naming the field, Conflict
    when the bill month already has an open case."""
    if not grant.can_request:
        raise PermissionDenied(
            "Nesta concessionária a entrada só com a matrícula permite apenas consultas.",
            code=ErrorCode.CONSULTATION_ONLY,
        )
    reference = property_bills(prop).filter(pk=form.bill_id).values_list("reference", flat=True).first()
    if reference is None:
        raise ValidationFailed("Escolha uma das contas do imóvel.", field="bill", code=CommonCode.INVALID)
    if not form.email.strip():
        raise ValidationFailed(
            "Informe o e-mail para receber o laudo.", field="email", code=CommonCode.INVALID
        )
    return review_open(
        actor=CitizenActor(grant),
        form=ReviewForm(
            property_id=prop.pk,
            reference=YearMonth.of(reference),
            requester_name=form.name,
            requester_phone=form.phone,
            requester_email=form.email,
            residents=form.residents,
            description=form.description,
            has_pool=form.has_pool,
            pool_liters=form.pool_liters,
            has_washing_machine=form.has_washing_machine,
            has_water_tank=form.has_water_tank,
            tank_liters=form.tank_liters,
            other_source=form.other_source,
            origin=ConsumptionReview.Origin.CUSTOMER,
            channel=channel,
            one_per_month=True,
        ),
    )


def citizen_reviews(prop: Property) -> list[ConsumptionReview]:
    """The unit's cases, newest first (the citizen's grant reached the property already)."""
    return list(
        ConsumptionReview.objects.filter(property=prop)
        .select_related("protocol")
        .order_by("-year", "-number")[:50]
    )
