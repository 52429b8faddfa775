"""Campanhas ativas (3.2.16.4): a filter over the registry builds the call list, the dialer
provider places the calls (channels_providers.dial), and each target keeps its outcome, pulled back
from the provider (`campaign_refresh`). Filters are data on the campaign, so the list can be
explained later: which neighbourhoods, sectors, streets; only properties with a bill overdue for
more than N days (debt reminder); only properties with an order executed since a date (survey).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from modules.billing.domain.statuses import BillStatus
from modules.billing.models import Bill
from modules.common.audit import Actor, SystemActor, audit_record
from modules.common.errors import Conflict, NotFound, ValidationFailed
from modules.registry.models import Property, PropertyRelation

from .. import channels_providers
from ..domain.phones import InvalidPhone, to_e164
from ..errors import ErrorCode
from ..models import Campaign, CampaignTarget, ChannelSettings, ServiceOrder

FINAL = {"answered", "no_answer", "busy", "failed"}
DIALER = SystemActor("service.dialer")
FILTER_KEYS = {"neighbourhoods", "streets", "sectors", "overdue_days", "orders_executed_since"}


def _ids(value: Any, name: str) -> list[int]:
    if not isinstance(value, list) or not all(isinstance(v, int) for v in value):
        raise ValidationFailed(
            "Informe uma lista de identificadores.", field=f"filters.{name}", code=ErrorCode.INVALID
        )
    return value


def campaign_properties(filters: dict[str, Any], today: dt.date) -> QuerySet[Property]:
    """The properties the filters select (active ones only), before the phone is looked at."""
    unknown = set(filters) - FILTER_KEYS
    if unknown:
        raise ValidationFailed(
            f"Filtro desconhecido: {sorted(unknown)[0]}.", field="filters", code=ErrorCode.INVALID
        )
    query = Property.objects.filter(status=Property.Status.ACTIVE)
    if filters.get("neighbourhoods"):
        query = query.filter(neighbourhood_id__in=_ids(filters["neighbourhoods"], "neighbourhoods"))
    if filters.get("streets"):
        query = query.filter(street_id__in=_ids(filters["streets"], "streets"))
    if filters.get("sectors"):
        query = query.filter(sector_ref_id__in=_ids(filters["sectors"], "sectors"))
    if filters.get("overdue_days") is not None:
        days = filters["overdue_days"]
        if not isinstance(days, int) or days < 0:
            raise ValidationFailed(
                "Dias de atraso inválidos.", field="filters.overdue_days", code=ErrorCode.INVALID
            )
        overdue = Bill.objects.filter(
            property=OuterRef("pk"), status=BillStatus.RELEASED, due_date__lt=today - dt.timedelta(days=days)
        )
        query = query.filter(Exists(overdue))
    if filters.get("orders_executed_since"):
        try:
            since = dt.date.fromisoformat(str(filters["orders_executed_since"]))
        except ValueError:
            raise ValidationFailed(
                "Data inválida.", field="filters.orders_executed_since", code=ErrorCode.INVALID
            ) from None
        executed = ServiceOrder.objects.filter(
            property=OuterRef("pk"), status="executed", executed_at__date__gte=since
        )
        query = query.filter(Exists(executed))
    return query.order_by("pk")


def _phones(property_ids: list[int]) -> dict[int, tuple[int, str]]:
    """Per property, the first current customer (account payer, then user, then owner) with a valid
    phone (mobile first): (customer id, E.164)."""
    ddd = ChannelSettings.current().default_ddd
    order = {"bill_payer": 0, "user": 1, "owner": 2}
    rows = sorted(
        PropertyRelation.objects.filter(property_id__in=property_ids, end__isnull=True).values_list(
            "property_id",
            "role",
            "customer_id",
            "customer__phone",
            "customer__phone_home",
            "customer__phone_work",
        ),
        key=lambda r: (r[0], order.get(r[1], 9)),
    )
    found: dict[int, tuple[int, str]] = {}
    for property_id, _, customer_id, *phones in rows:
        if property_id in found:
            continue
        for raw in phones:
            if not raw:
                continue
            try:
                found[property_id] = (customer_id, to_e164(raw, ddd))
                break
            except InvalidPhone:
                continue
    return found


@transaction.atomic(durable=True)
def campaign_create(
    *, actor: Actor, name: str, kind: str, message: str, filters: dict[str, Any], today: dt.date
) -> Campaign:
    """The campaign and its call list: one target per selected property that has a phone."""
    if kind not in Campaign.Kind.values:
        raise ValidationFailed("Tipo de campanha inválido.", field="kind", code=ErrorCode.INVALID)
    if not (name or "").strip():
        raise ValidationFailed("Informe o nome.", field="name", code=ErrorCode.INVALID)
    if not (message or "").strip():
        raise ValidationFailed("Informe a mensagem da ligação.", field="message", code=ErrorCode.INVALID)
    property_ids = list(campaign_properties(filters, today).values_list("pk", flat=True))
    campaign: Campaign = Campaign.objects.create(
        name=name.strip(),
        kind=kind,
        message=message.strip(),
        filters=filters,
        created_at=timezone.now(),
        created_by=actor.get_username(),
    )
    phones = _phones(property_ids)
    CampaignTarget.objects.bulk_create(
        CampaignTarget(campaign=campaign, property_id=pk, customer_id=phones[pk][0], phone=phones[pk][1])
        for pk in property_ids
        if pk in phones
    )
    audit_record(
        actor=actor,
        action="service.campaign_create",
        target=campaign,
        after={"kind": kind, "filters": filters, "selected": len(property_ids), "targets": len(phones)},
    )
    return campaign


def campaign_get(campaign_id: int) -> Campaign:
    campaign: Campaign | None = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound("Campanha não encontrada.", field="campaign", code=ErrorCode.CAMPAIGN_NOT_FOUND)
    return campaign


@transaction.atomic(durable=True)
def _mark_dialing(*, actor: Actor, campaign_id: int) -> list[int]:
    campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound("Campanha não encontrada.", field="campaign", code=ErrorCode.CAMPAIGN_NOT_FOUND)
    if campaign.status != Campaign.Status.DRAFT:
        raise Conflict("A campanha já foi iniciada.", field="campaign", code=ErrorCode.CAMPAIGN_NOT_DRAFT)
    campaign.status, campaign.started_at = Campaign.Status.DIALING, timezone.now()
    campaign.save(update_fields=["status", "started_at"])
    audit_record(
        actor=actor, action="service.campaign_start", target=campaign, after={"status": campaign.status}
    )
    return list(campaign.targets.filter(outcome="pending").values_list("pk", flat=True))


@transaction.atomic(durable=True)
def _dial_one(target_id: int) -> None:
    target = CampaignTarget.objects.select_for_update().select_related("campaign").get(pk=target_id)
    if target.outcome != "pending":
        return  # a re-run of the start never dials twice
    try:
        target.dialer_call_id = channels_providers.dial(
            target.phone, target.campaign.message, f"campaign:{target.campaign_id}:target:{target.pk}"
        )
        target.outcome = "dialing"
    except channels_providers.ProviderFailed:
        target.outcome = "failed"
    target.attempts += 1
    target.updated_at = timezone.now()
    target.save(update_fields=["dialer_call_id", "outcome", "attempts", "updated_at"])


def campaign_start(*, actor: Actor, campaign_id: int) -> int:
    """Every pending target to the dialer, each in its own transaction (a provider failure marks
    that target failed and goes on); returns how many were dialled."""
    campaign_get(campaign_id)  # 404 first: another utility's campaign is not found, whatever else
    channels_providers.dialer_settings()  # refuse before anything is marked
    targets = _mark_dialing(actor=actor, campaign_id=campaign_id)
    for target_id in targets:
        _dial_one(target_id)
    return len(targets)


@transaction.atomic(durable=True)
def campaign_refresh(*, campaign_id: int) -> dict[str, int]:
    """The dialer's outcome of every call still open; the campaign is done when none is."""
    campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound("Campanha não encontrada.", field="campaign", code=ErrorCode.CAMPAIGN_NOT_FOUND)
    changed = 0
    for target in campaign.targets.select_for_update().filter(outcome="dialing").exclude(dialer_call_id=""):
        status = channels_providers.dial_status(target.dialer_call_id)
        if status.status in FINAL:
            target.outcome, target.answer, target.updated_at = (
                status.status,
                status.answer[:20],
                timezone.now(),
            )
            target.save(update_fields=["outcome", "answer", "updated_at"])
            changed += 1
    if (
        campaign.status == Campaign.Status.DIALING
        and not campaign.targets.filter(outcome__in=["pending", "dialing"]).exists()
    ):
        campaign.status = Campaign.Status.DONE
        campaign.save(update_fields=["status"])
    if changed:
        audit_record(
            actor=DIALER, action="service.campaign_refresh", target=campaign, after={"updated": changed}
        )
    return campaign_summary(campaign)


def campaign_summary(campaign: Campaign) -> dict[str, int]:
    """Targets, attempts and outcomes (feeds the campaign performance report, 3.2.19.67)."""
    counts = dict.fromkeys(CampaignTarget.Outcome.values, 0)
    for outcome in campaign.targets.values_list("outcome", flat=True):
        counts[outcome] += 1
    attempts = sum(campaign.targets.values_list("attempts", flat=True))
    return {"targets": sum(counts.values()), "attempts": attempts, **counts}
