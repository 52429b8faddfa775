"""The vendor's SLA API (public schema, vendor token): contracts, outages, probe results, the month's
SLA figures, incidents, vendor invoices and their PDFs."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import IsAuthenticatedAndCurrent
from modules.common.errors import ErrorCode as CommonCode
from modules.common.errors import NotFound, ValidationFailed

from . import pdf, selectors, services
from .domain.periods import YearMonth
from .errors import ErrorCode
from .models import Contract, Incident, IncidentChannel, Outage, VendorInvoice


@extend_schema_field(OpenApiTypes.DATETIME)
class AwareDateTimeField(serializers.Field):
    """ISO-8601 with an explicit offset: a bare local time would be ambiguous across time zones."""

    default_error_messages = {
        "invalid": "Data e hora inválidas: use ISO-8601, ex.: 2026-03-10T14:00:00-03:00.",
        "naive": "Informe o fuso horário na data e hora, ex.: 2026-03-10T14:00:00-03:00.",
    }

    def to_internal_value(self, data: Any) -> dt.datetime:
        try:
            value = parse_datetime(str(data)) if data not in (None, "") else None
        except ValueError:  # well-formed but impossible, e.g. minute 99: a 400, not a crash
            value = None
        if value is None:
            self.fail("invalid")
        if value.tzinfo is None:
            self.fail("naive")
        return value

    def to_representation(self, value: dt.datetime) -> str:
        return value.isoformat()


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _month(request: Request, tenant: Any, now: dt.datetime) -> YearMonth:
    text = request.query_params.get("month")
    current = selectors.current_month(tenant, now)
    if not text:
        return current
    try:
        month = YearMonth.parse(text)
    except ValueError:
        raise ValidationFailed(
            "Mês inválido: use AAAA-MM, ex.: 2026-03.", field="month", code=CommonCode.INVALID
        ) from None
    if month > current:
        raise ValidationFailed(
            "O mês pedido ainda não começou: não há números do futuro.",
            field="month",
            code=CommonCode.INVALID,
        )
    return month


class VendorApi(APIView):
    permission_classes: ClassVar[list[Any]] = [IsAuthenticatedAndCurrent]


# --- contract -------------------------------------------------------------------------------------------


class ContractIn(serializers.Serializer):
    monthly_value = serializers.CharField(required=False)
    start_date = serializers.DateField(required=False)
    availability_target = serializers.DecimalField(max_digits=6, decimal_places=3, required=False)
    annual_downtime_minutes = serializers.IntegerField(min_value=0, required=False)
    response_minutes = serializers.IntegerField(min_value=1, required=False)
    resolution_hours = serializers.JSONField(required=False)
    maintenance_excluded = serializers.BooleanField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


def contract_out(contract: Contract) -> dict[str, Any]:
    return {
        "tenant": contract.tenant.schema_name,
        "monthly_value": str(contract.monthly_value),
        "start_date": contract.start_date.isoformat(),
        "availability_target": str(contract.availability_target),
        "annual_downtime_minutes": contract.annual_downtime_minutes,
        "response_minutes": contract.response_minutes,
        "resolution_hours": contract.resolution_hours,
        "maintenance_excluded": contract.maintenance_excluded,
    }


class ContractApi(VendorApi):
    @extend_schema(responses={200: dict})
    def get(self, request: Request, schema: str) -> Response:
        contract = Contract.objects.filter(tenant=services.tenant_by_schema(schema)).first()
        if contract is None:
            raise NotFound("Contrato não cadastrado.", code=ErrorCode.CONTRACT_NOT_FOUND)
        return Response(contract_out(contract))

    @extend_schema(request=ContractIn, responses={200: dict})
    def put(self, request: Request, schema: str) -> Response:
        tenant = services.tenant_by_schema(schema)
        data = ContractIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        reason = values.pop("reason")
        contract = services.contract_set(
            actor=request.user,
            tenant=tenant,
            today=timezone.localdate(timezone=selectors.zone_of(tenant)),
            reason=reason,
            **values,
        )
        return Response(contract_out(contract))


# --- outages and probes ---------------------------------------------------------------------------------


class OutageIn(serializers.Serializer):
    start = AwareDateTimeField()
    end = AwareDateTimeField()
    cause = serializers.CharField(allow_blank=True)
    excluded = serializers.BooleanField(default=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


def outage_out(outage: Outage, in_month: dt.timedelta | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": outage.pk,
        "tenant": outage.tenant.schema_name,
        "start": _iso(outage.start),
        "end": _iso(outage.end),
        "source": outage.source,
        "cause": outage.cause,
        "excluded": outage.excluded,
        "reason": outage.exclusion_reason,
    }
    if in_month is not None:
        body["minutes_in_month"] = str(selectors._minutes(in_month))
    return body


class OutageCreateApi(VendorApi):
    @extend_schema(request=OutageIn, responses={201: dict})
    def post(self, request: Request, schema: str) -> Response:
        tenant = services.tenant_by_schema(schema)
        data = OutageIn(data=request.data)
        data.is_valid(raise_exception=True)
        outage = services.outage_record(
            actor=request.user, tenant=tenant, now=timezone.now(), **data.validated_data
        )
        return Response(outage_out(outage), status=status.HTTP_201_CREATED)


class ExclusionIn(serializers.Serializer):
    excluded = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)


class OutageExclusionApi(VendorApi):
    @extend_schema(request=ExclusionIn, responses={200: dict})
    def post(self, request: Request, pk: int) -> Response:
        outage = Outage.objects.select_related("tenant").filter(pk=pk).first()
        if outage is None:
            raise NotFound("Indisponibilidade não encontrada.", code=ErrorCode.OUTAGE_NOT_FOUND)
        data = ExclusionIn(data=request.data)
        data.is_valid(raise_exception=True)
        outage = services.outage_exclude(actor=request.user, outage=outage, **data.validated_data)
        return Response(outage_out(outage))


class ProbeIn(serializers.Serializer):
    tenant = serializers.CharField()
    at = AwareDateTimeField()
    ok = serializers.BooleanField()
    status_code = serializers.IntegerField(required=False, allow_null=True, min_value=100, max_value=599)
    latency_ms = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    error = serializers.CharField(required=False, allow_blank=True, default="")


class ProbeCreateApi(VendorApi):
    """For an external monitor (a second vantage point) that posts its results."""

    @extend_schema(request=ProbeIn, responses={201: dict})
    def post(self, request: Request) -> Response:
        data = ProbeIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if values["at"] > timezone.now() + dt.timedelta(minutes=1):
            raise ValidationFailed(
                "Resultado de sonda com instante no futuro.", field="at", code=CommonCode.INVALID
            )
        result = services.probe_record(tenant_schema=values.pop("tenant"), **values)
        return Response(
            {
                "id": result.pk,
                "tenant": result.tenant.schema_name,
                "at": _iso(result.at),
                "ok": result.ok,
                "applied": result.applied,
            },
            status=status.HTTP_201_CREATED,
        )


# --- the month's SLA figures ------------------------------------------------------------------------------


def incident_out(row: selectors.IncidentRow) -> dict[str, Any]:
    i = row.incident
    return {
        "protocol": i.protocol,
        "tenant": i.tenant.schema_name,
        "priority": i.priority,
        "priority_name": i.get_priority_display(),
        "status": i.status,
        "description": i.description,
        "channel": i.channel,
        "opened_at": _iso(i.opened_at),
        "opened_by": i.opened_by,
        "response_due": _iso(i.response_due),
        "acknowledged_at": _iso(i.acknowledged_at),
        "response": row.response.value,
        "resolution_due": _iso(i.resolution_due),
        "resolved_at": _iso(i.resolved_at),
        "resolution": row.resolution.value,
        "breached": row.breached,
        "root_cause": i.root_cause,
        "accepted_at": _iso(i.accepted_at),
        "closed_at": _iso(i.closed_at),
    }


def report_out(report: selectors.MonthReport) -> dict[str, Any]:
    minutes = report.unavailable_minutes
    return {
        "tenant": report.tenant.schema_name,
        "month": str(report.month),
        "as_of": _iso(report.as_of),
        "closed": report.closed,
        "time_zone": report.tenant.timezone,
        "availability_percent": str(report.availability_percent),
        "availability_target": str(report.contract.availability_target) if report.contract else None,
        "target_met": report.target_met,
        "unavailable_minutes": int(minutes) if minutes == minutes.to_integral_value() else float(minutes),
        "unavailable_seconds": str(report.unavailable_seconds.normalize()),
        "monthly_value": str(report.contract.monthly_value) if report.contract else None,
        "discount": str(report.discount),
        "unavailable_intervals": [
            {"start": _iso(i.start), "end": _iso(i.end), "minutes": str(selectors._minutes(i.duration))}
            for i in report.intervals
        ],
        "outages": [outage_out(row.outage, row.in_month) for row in report.outages],
        "incidents": [incident_out(row) for row in report.incidents],
        "breaches": [row.incident.protocol for row in report.breaches],
    }


class SlaMonthApi(VendorApi):
    @extend_schema(responses={200: dict})
    def get(self, request: Request, schema: str) -> Response:
        tenant = services.tenant_by_schema(schema)
        now = timezone.now()
        report = selectors.month_report(tenant=tenant, month=_month(request, tenant, now), as_of=now)
        return Response(report_out(report))


class SlaReportPdfApi(VendorApi):
    def get(self, request: Request, schema: str) -> HttpResponse:
        tenant = services.tenant_by_schema(schema)
        now = timezone.now()
        report = selectors.month_report(tenant=tenant, month=_month(request, tenant, now), as_of=now)
        body = pdf.sla_report_pdf(
            report, selectors.error_budget(tenant=tenant, as_of=min(now, report.window.end))
        )
        return pdf.pdf_response(body, f"relatorio-sla-{schema}-{report.month}.pdf")


# --- incidents --------------------------------------------------------------------------------------------


class IncidentIn(serializers.Serializer):
    tenant = serializers.CharField()
    priority = serializers.IntegerField()
    description = serializers.CharField(allow_blank=True)
    channel = serializers.ChoiceField(choices=IncidentChannel.choices, default=IncidentChannel.API)
    opened_at = AwareDateTimeField(required=False)
    scheduled_for = AwareDateTimeField(required=False)


def incident_by_protocol(protocol: str, **filters: Any) -> Incident:
    incident = Incident.objects.select_related("tenant").filter(protocol=protocol, **filters).first()
    if incident is None:
        raise NotFound(f"Chamado {protocol} não encontrado.", code=ErrorCode.INCIDENT_NOT_FOUND)
    return incident


class IncidentListCreateApi(VendorApi):
    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        now = timezone.now()
        qs = Incident.objects.select_related("tenant")
        if request.query_params.get("tenant"):
            qs = qs.filter(tenant__schema_name=request.query_params["tenant"])
        if request.query_params.get("open") in ("1", "true"):
            qs = qs.exclude(status="closed")
        rows = selectors.incident_rows(qs[:500], now)
        if request.query_params.get("breached") in ("1", "true"):
            rows = [r for r in rows if r.breached]
        return Response([incident_out(r) for r in rows])

    @extend_schema(request=IncidentIn, responses={201: dict})
    def post(self, request: Request) -> Response:
        data = IncidentIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        tenant = services.tenant_by_schema(values.pop("tenant"))
        now = timezone.now()
        incident = services.incident_open(actor=request.user, tenant=tenant, now=now, **values)
        return Response(
            incident_out(selectors.incident_rows([incident], now)[0]), status=status.HTTP_201_CREATED
        )


class IncidentDetailApi(VendorApi):
    def get(self, request: Request, protocol: str) -> Response:
        return Response(
            incident_out(selectors.incident_rows([incident_by_protocol(protocol)], timezone.now())[0])
        )


class ResolveIn(serializers.Serializer):
    solution = serializers.CharField(allow_blank=True)
    root_cause = serializers.CharField(allow_blank=True)


class IncidentActionApi(VendorApi):
    action = ""

    def post(self, request: Request, protocol: str) -> Response:
        incident = incident_by_protocol(protocol)
        now = timezone.now()
        if self.action == "acknowledge":
            incident = services.incident_acknowledge(actor=request.user, incident=incident, now=now)
        elif self.action == "resolve":
            data = ResolveIn(data=request.data)
            data.is_valid(raise_exception=True)
            incident = services.incident_resolve(
                actor=request.user, incident=incident, now=now, **data.validated_data
            )
        else:
            incident = services.incident_close(actor=request.user, incident=incident, now=now)
        return Response(incident_out(selectors.incident_rows([incident], now)[0]))


# --- invoices ---------------------------------------------------------------------------------------------


class InvoiceIn(serializers.Serializer):
    month = serializers.CharField()


def invoice_out(invoice: VendorInvoice) -> dict[str, Any]:
    return {
        "id": invoice.pk,
        "number": invoice.number,
        "tenant": invoice.tenant.schema_name,
        "month": invoice.month.strftime("%Y-%m"),
        "issued_at": _iso(invoice.issued_at),
        "due_date": invoice.due_date.isoformat(),
        "monthly_value": str(invoice.monthly_value),
        "discount": str(invoice.discount),
        "total": str(invoice.total),
        "lines": [
            {"description": line.description, "amount": str(line.amount)} for line in invoice.lines.all()
        ],
        "pdf": f"/ops/api/v1/invoices/{invoice.pk}/pdf",
    }


class InvoiceListIssueApi(VendorApi):
    def get(self, request: Request, schema: str) -> Response:
        tenant = services.tenant_by_schema(schema)
        qs = VendorInvoice.objects.filter(tenant=tenant).select_related("tenant").prefetch_related("lines")
        return Response([invoice_out(i) for i in qs])

    @extend_schema(request=InvoiceIn, responses={201: dict})
    def post(self, request: Request, schema: str) -> Response:
        tenant = services.tenant_by_schema(schema)
        data = InvoiceIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            month = YearMonth.parse(data.validated_data["month"])
        except ValueError:
            raise ValidationFailed(
                "Mês inválido: use AAAA-MM, ex.: 2026-03.", field="month", code=CommonCode.INVALID
            ) from None
        existed = VendorInvoice.objects.filter(tenant=tenant, month=month.first_day()).exists()
        invoice = services.invoice_issue(actor=request.user, tenant=tenant, month=month, now=timezone.now())
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(invoice_out(invoice), status=code)


class InvoicePdfApi(VendorApi):
    def get(self, request: Request, pk: int) -> HttpResponse:
        invoice = VendorInvoice.objects.select_related("tenant").filter(pk=pk).first()
        if invoice is None:
            raise NotFound("Fatura não encontrada.", code=ErrorCode.INVOICE_NOT_FOUND)
        return pdf.pdf_response(pdf.invoice_pdf(invoice), f"fatura-{invoice.number.replace('/', '-')}.pdf")
