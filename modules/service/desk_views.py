"""The attendance desk: the one screen of a property (page and `GET /api/v1/properties/{id}/overview`),
each block only for the profiles that grant its function (desk.BLOCKS)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.access.views import function_required
from modules.billing.legal import may_override
from modules.common.clock import tenant_today
from modules.common.errors import NotFound, ValidationFailed
from modules.registry.models import Property

from .desk import PropertyOverview, property_overview
from .errors import ErrorCode
from .reading_summary import SummaryMonth, reading_summary


@function_required("registry.properties")
def desk_property_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        view = property_overview(
            pk, can=request.user.can, today=tenant_today(), reveal_legal=may_override(request.user)
        )
    except Property.DoesNotExist:
        raise Http404 from None
    from .units_selectors import property_cuts

    return render(
        request,
        "service/desk_property.html",
        {"v": view, "p": view.prop, "cuts": property_cuts(pk) if view.shows("orders") else []},
    )


def _day(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def overview_json(view: PropertyOverview) -> dict[str, Any]:
    """The same blocks as the page; money as strings, dates ISO; a block not granted is absent."""
    p = view.prop
    body: dict[str, Any] = {
        "property": p.pk,
        "blocks": view.blocks,
        "registry": {
            "account_number": p.account_number,
            "inscription": p.inscription,
            "status": p.status,
            "address": f"{p.street}, {p.number}{' – ' + p.complement if p.complement else ''}",
            "neighbourhood": str(p.neighbourhood),
            "categories": [
                {"category": c.category.code, "economies": c.economies} for c in p.categories.all()
            ],
            "customers": [
                {
                    "id": r.customer_id,
                    "name": r.customer.name,
                    "role": r.role,
                    "start": _day(r.start),
                    "end": _day(r.end),
                }
                for r in view.registry.relations
            ],
            "connections": [
                {"kind": c.kind, "situation": c.situation, "since": _day(c.since)}
                for c in view.registry.connections
            ],
        },
        "history": [{"at": _day(e.at), "actor": e.actor, "action": e.action} for e in view.registry.history],
    }
    if view.shows("bills"):
        body["bills"] = [
            {
                "id": b.pk,
                "reference": b.reference.strftime("%Y-%m"),
                "due_date": _day(b.due_date),
                "total": str(b.total),
                "status": b.status,
                "status_label": b.get_status_display(),
            }
            for b in view.bills
        ]
    if view.shows("readings"):
        body["consumption"] = [
            {
                "reference": m.reference.strftime("%Y-%m"),
                "m3": m.m3,
                "reading": None
                if m.reading is None
                else {
                    "read_on": _day(m.reading.read_on),
                    "value": m.reading.value,
                    "kind": m.reading.consumption_kind,
                    "occurrence": m.reading.occurrence.code if m.reading.occurrence else None,
                },
            }
            for m in view.consumption
        ]
    if view.shows("payments"):
        body["payments"] = [
            {
                "id": pay.pk,
                "paid_on": _day(pay.paid_on),
                "amount": str(pay.amount),
                "status": pay.status,
                "channel": pay.channel,
                "agent": pay.agent.name,
                "bill": pay.bill_id,
            }
            for pay in view.payments
        ]
    if view.debts is not None:
        body["debts"] = {
            "as_of": _day(view.debts.as_of),
            "items": [
                {
                    "bill": i.bill_id,
                    "reference": i.reference.strftime("%Y-%m"),
                    "due_date": _day(i.due_date),
                    "days_late": i.days_late,
                    "original": str(i.original),
                    "fine": str(i.fine),
                    "interest": str(i.interest),
                    "correction": str(i.correction),
                    "total": str(i.total),
                }
                for i in view.debts.items
            ],
            "totals": {k: str(v) for k, v in view.debts.totals.items()},
        }
    if view.shows("agreements"):
        body["agreements"] = [
            {
                "id": a.pk,
                "status": a.status,
                "created_at": _day(a.created_at),
                "total": str(a.total),
                "count": a.count,
                "installment_value": str(a.installment_value),
            }
            for a in view.agreements
        ]
    if view.shows("orders"):
        body["orders"] = [
            {
                "id": o.pk,
                "number": o.label,
                "code": o.code.code,
                "description": o.code.description,
                "status": o.status,
                "opened_at": _day(o.opened_at),
                "due_at": _day(o.due_at),
                "closed_at": _day(o.closed_at),
            }
            for o in view.orders
        ]
    if view.shows("documents"):
        body["certificates"] = [
            {"id": c.pk, "code": c.code, "kind": c.kind, "issued_on": _day(c.issued_on)}
            for c in view.certificates
        ]
    if view.shows("attendances"):
        body["attendances"] = [
            {
                "id": a.pk,
                "protocol": a.protocol,
                "channel": a.channel,
                "attendant": a.attendant.username,
                "started_at": _day(a.started_at),
                "ended_at": _day(a.ended_at),
                "closing": a.closing,
            }
            for a in view.attendances
        ]
        body["protocols"] = [
            {
                "protocol": r.protocol,
                "kind": r.kind,
                "type": r.type_code,
                "type_label": r.type_label,
                "channel": r.channel,
                "status": r.status,
                "created_at": _day(r.created_at),
                "expected_on": _day(r.expected_on),
                "order": r.order_id,
                "attendance": r.attendance_id,
            }
            for r in view.protocols
        ]
    return body


class PropertyOverviewApi(APIView):
    """The attendance desk's one screen of a property as JSON: the blocks the caller's profile grants."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "registry.properties"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        try:
            view = property_overview(
                pk, can=request.user.can, today=tenant_today(), reveal_legal=may_override(request.user)
            )
        except Property.DoesNotExist:
            raise NotFound(
                "Imóvel não encontrado.", field="property", code=ErrorCode.PROPERTY_NOT_FOUND
            ) from None
        return Response(overview_json(view))


def _months(raw: str | None) -> int:
    try:
        months = int(raw or 12)
    except ValueError:
        raise ValidationFailed(
            "Informe o número de meses (1 a 60).", field="months", code=ErrorCode.INVALID
        ) from None
    if not 1 <= months <= 60:
        raise ValidationFailed("Informe o número de meses (1 a 60).", field="months", code=ErrorCode.INVALID)
    return months


@function_required("reading.readings")
def reading_summary_view(request: HttpRequest, pk: int) -> HttpResponse:
    """S10.7-01: the months that make the billing average, with what changed each bill."""
    prop = Property.objects.filter(pk=pk).first()
    if prop is None:
        raise Http404
    try:
        months = _months(request.GET.get("meses"))
    except ValidationFailed:
        months = 12
    rows = reading_summary(pk, today=tenant_today(), months=months)
    return render(request, "service/desk/reading_summary.html", {"p": prop, "rows": rows, "months": months})


def summary_json(row: SummaryMonth) -> dict[str, Any]:
    return {
        "reference": row.reference.strftime("%Y-%m"),
        "reading": row.reading,
        "read_on": _day(row.read_on),
        "days": row.days,
        "measured_m3": row.measured_m3,
        "billed_m3": row.billed_m3,
        "consumption_kind": row.consumption_kind,
        "average_m3": str(row.average_m3) if row.average_m3 is not None else None,
        "occurrence": row.occurrence,
        "meter_events": row.meter_events,
        "bill": row.bill_id,
        "bill_status": row.bill_status,
        "total": str(row.total) if row.total is not None else None,
        "components": [
            {"kind": c.kind, "description": c.description, "amount": str(c.amount)} for c in row.components
        ],
        "changed": row.changed,
        "changes": row.changes,
    }


class ReadingSummaryApi(APIView):
    """`GET /api/v1/properties/{id}/reading-summary?months=12` (S10.7-01), newest month first."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "reading.readings"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        if not Property.objects.filter(pk=pk).exists():
            raise NotFound("Imóvel não encontrado.", field="property", code=ErrorCode.PROPERTY_NOT_FOUND)
        months = _months(request.query_params.get("months"))
        rows = reading_summary(pk, today=tenant_today(), months=months)
        return Response({"property": pk, "months": [summary_json(r) for r in rows]})
