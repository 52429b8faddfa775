"""Staff API of dívida ativa (seed 001 3.2.9.18; ADR 0198): the same steps as the pages, one view
per operation. Money is a string; the PDFs and CSVs are the staff pages' URLs, given in the
answers."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.common.clock import tenant_today
from modules.common.errors import ValidationFailed

from . import active_debt_selectors as reads
from . import active_debt_services as services
from .errors import ErrorCode
from .models_active_debt import ActiveDebtBook, ActiveDebtCertificate, ActiveDebtNotice, NoticeKind

FUNCTION = services.FUNCTION
MONEY = {"max_digits": 14, "decimal_places": 2, "coerce_to_string": True}


class ActiveDebtCriteriaIn(serializers.Serializer):
    due_from = serializers.DateField()
    due_to = serializers.DateField()
    min_days_overdue = serializers.IntegerField(min_value=1, max_value=3650, required=False)
    min_amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    neighbourhood = serializers.IntegerField(required=False, allow_null=True)

    def criteria(self, today: dt.date) -> reads.Criteria:
        data = self.validated_data
        defaults = reads.default_criteria(today)
        return reads.Criteria(
            due_from=data["due_from"],
            due_to=data["due_to"],
            min_days_overdue=data.get("min_days_overdue", defaults.min_days_overdue),
            min_amount=data.get("min_amount", defaults.min_amount),
            neighbourhood_id=data.get("neighbourhood"),
        )


class EligibleBillOut(serializers.Serializer):
    property = serializers.IntegerField(source="property_id")
    account_number = serializers.CharField()
    debtor = serializers.CharField(source="debtor.name")
    bill = serializers.IntegerField(source="priced.bill_id")
    due_date = serializers.DateField(source="priced.due_date")
    principal = serializers.DecimalField(source="priced.original", **MONEY)
    total = serializers.DecimalField(source="priced.total", **MONEY)


class ActiveDebtPreviewOut(serializers.Serializer):
    as_of = serializers.DateField()
    count = serializers.IntegerField()
    properties = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY)
    bills = EligibleBillOut(many=True)


class ActiveDebtBookOut(serializers.ModelSerializer):
    csv = serializers.SerializerMethodField()

    class Meta:
        model = ActiveDebtBook
        fields = [
            "id",
            "number",
            "as_of",
            "due_from",
            "due_to",
            "lines_per_page",
            "entries_count",
            "total",
            "criteria",
            "created_by",
            "csv",
        ]

    def get_csv(self, obj: ActiveDebtBook) -> str:
        return f"/cobranca/divida-ativa/livros/{obj.pk}/?formato=csv"


def _entry(r: reads.EntryRow) -> dict[str, Any]:
    e = r.entry
    return {
        "id": e.pk,
        "book": e.book.number,
        "page": e.page,
        "line": e.line,
        "bill": e.bill_id,
        "reference": e.reference,
        "due_date": e.due_date,
        "principal": str(e.principal),
        "total": str(e.total),
        "enrolled_on": e.enrolled_on,
        "situation": r.situation,
        "situation_label": r.label,
        "cda": e.cda.number if e.cda else None,
        "end_reason": e.end_reason,
        "ended_by": e.ended_by,
        "events": [
            {
                "kind": ev.kind,
                "label": ev.get_kind_display(),
                "on": ev.on,
                "detail": ev.detail,
                "reason": ev.reason,
                "by": ev.by,
            }
            for ev in r.events
        ],
    }


def _notice(n: ActiveDebtNotice) -> dict[str, Any]:
    return {
        "id": n.pk,
        "number": n.number,
        "kind": n.kind,
        "issued_on": n.issued_on,
        "deadline": n.deadline,
        "total": str(n.total),
        "received_on": n.received_on,
        "pdf": f"/cobranca/divida-ativa/notificacoes/{n.pk}.pdf",
    }


def _cda(c: ActiveDebtCertificate) -> dict[str, Any]:
    return {
        "id": c.pk,
        "number": c.number,
        "code": c.certificate.code,
        "issued_on": c.issued_on,
        "total": str(c.total),
        "balance": str(reads.cda_balance(c)),
        "agreement": c.agreement_id,
        "filed_on": c.filed_on,
        "court_number": c.court_number,
        "pdf": f"/cobranca/divida-ativa/certidoes/{c.pk}.pdf",
        "verification_url": f"/certidoes/verificar/?codigo={c.certificate.code}",
    }


class _Api(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = FUNCTION


class ActiveDebtPreviewApi(_Api):
    function_actions: ClassVar[dict[str, str]] = {"POST": "view"}

    @extend_schema(request=ActiveDebtCriteriaIn, responses={200: ActiveDebtPreviewOut})
    def post(self, request: Request) -> Response:
        """What an enrolment with these criteria would write today; nothing is written."""
        data = ActiveDebtCriteriaIn(data=request.data)
        data.is_valid(raise_exception=True)
        today = tenant_today()
        found = reads.eligible(data.criteria(today), today)
        body = {
            "as_of": today,
            "count": found.count,
            "properties": found.properties,
            "amount": found.amount,
            "bills": found.bills,
        }
        return Response(ActiveDebtPreviewOut(body).data)


class ActiveDebtBooksApi(_Api):
    function_actions: ClassVar[dict[str, str]] = {"GET": "view", "POST": "add"}

    @extend_schema(responses={200: ActiveDebtBookOut(many=True)})
    def get(self, request: Request) -> Response:
        return Response(ActiveDebtBookOut(reads.books()[:100], many=True).data)

    @extend_schema(request=ActiveDebtCriteriaIn, responses={201: ActiveDebtBookOut, 200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        """Enrol and write the book; 200 with book null when nothing is eligible (a replay)."""
        data = ActiveDebtCriteriaIn(data=request.data)
        data.is_valid(raise_exception=True)
        today = tenant_today()
        book = services.active_debt_enrol(actor=request.user, criteria=data.criteria(today), as_of=today)
        if book is None:
            return Response({"book": None, "detail": "Nenhuma fatura elegível: nada foi inscrito."})
        return Response(ActiveDebtBookOut(book).data, status=status.HTTP_201_CREATED)


class ActiveDebtBookApi(_Api):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        book = reads.book_get(pk)
        rows = reads.entry_rows(book.entries.order_by("sequence"))
        return Response({**ActiveDebtBookOut(book).data, "lines": [_entry(r) for r in rows]})


class PropertyActiveDebtApi(_Api):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        """The property's enrolled bills with their timeline, its notifications and its CDAs."""
        prop = reads.property_get(pk)
        return Response(
            {
                "property": prop.pk,
                "entries": [_entry(r) for r in reads.property_entries(prop.pk)],
                "notices": [_notice(n) for n in reads.property_notices(prop.pk)],
                "certificates": [_cda(c) for c in reads.property_certificates(prop.pk)],
            }
        )


class ActiveDebtNoticeIn(serializers.Serializer):
    notice_kind = serializers.ChoiceField(choices=NoticeKind.choices, default=NoticeKind.NOTICE)


class PropertyActiveDebtNoticesApi(_Api):
    function_actions: ClassVar[dict[str, str]] = {"POST": "add"}

    @extend_schema(request=ActiveDebtNoticeIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = ActiveDebtNoticeIn(data=request.data)
        data.is_valid(raise_exception=True)
        reads.property_get(pk)
        notice = services.active_debt_notice_issue(
            actor=request.user, property_id=pk, kind=data.validated_data["notice_kind"], as_of=tenant_today()
        )
        return Response(_notice(notice), status=status.HTTP_201_CREATED)


class ActiveDebtReceiptIn(serializers.Serializer):
    received_on = serializers.DateField()


class ActiveDebtNoticeReceiptApi(_Api):
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=ActiveDebtReceiptIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        reads.notice_get(pk)
        data = ActiveDebtReceiptIn(data=request.data)
        data.is_valid(raise_exception=True)
        notice = services.active_debt_notice_receipt(
            actor=request.user,
            notice_id=pk,
            received_on=data.validated_data["received_on"],
            today=tenant_today(),
        )
        return Response(_notice(notice))


class PropertyActiveDebtCertificatesApi(_Api):
    function_actions: ClassVar[dict[str, str]] = {"POST": "add"}

    @extend_schema(request=None, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        """The CDA; 409 with the pt-BR reason when the bills are paid or the notice not received."""
        reads.property_get(pk)
        cda = services.active_debt_certificate_issue(actor=request.user, property_id=pk, as_of=tenant_today())
        return Response(_cda(cda), status=status.HTTP_201_CREATED)


class PropertyActiveDebtConfessionApi(_Api):
    function_actions: ClassVar[dict[str, str]] = {"POST": "add"}

    @extend_schema(request=None, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        reads.property_get(pk)
        doc = services.active_debt_confession_issue(actor=request.user, property_id=pk, as_of=tenant_today())
        return Response(
            {
                "document": doc.pk,
                "amount": str(doc.amount),
                "valid_until": doc.valid_until,
                "typeable_line": doc.typeable_line,
                "pdf": f"/cobranca/divida-ativa/termos/{doc.pk}.pdf",
            },
            status=status.HTTP_201_CREATED,
        )


class ActiveDebtInstallmentsIn(serializers.Serializer):
    down_payment = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    installments = serializers.IntegerField(min_value=1, max_value=240)


class ActiveDebtInstallmentsApi(_Api):
    function_actions: ClassVar[dict[str, str]] = {"POST": "add"}

    @extend_schema(request=ActiveDebtInstallmentsIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        reads.cda_get(pk)
        data = ActiveDebtInstallmentsIn(data=request.data)
        data.is_valid(raise_exception=True)
        agreement = services.active_debt_installments_create(
            actor=request.user,
            cda_id=pk,
            down_payment=data.validated_data["down_payment"],
            count=data.validated_data["installments"],
            as_of=tenant_today(),
        )
        return Response(
            {
                "agreement": agreement.pk,
                "number": agreement.number,
                "total": str(agreement.total),
                "installment_value": str(agreement.installment_value),
                "certificate": _cda(reads.cda_get(pk)),
            },
            status=status.HTTP_201_CREATED,
        )


class ActiveDebtFilingIn(serializers.Serializer):
    court_number = serializers.CharField(max_length=60)
    filed_on = serializers.DateField()


class ActiveDebtFilingApi(_Api):
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=ActiveDebtFilingIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        reads.cda_get(pk)
        data = ActiveDebtFilingIn(data=request.data)
        data.is_valid(raise_exception=True)
        cda = services.active_debt_certificate_file(
            actor=request.user, cda_id=pk, today=tenant_today(), **data.validated_data
        )
        return Response(_cda(cda))


class ActiveDebtEntryEndIn(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
    reversal = serializers.BooleanField(
        default=False, help_text="true: estorno (a fatura pode ser reinscrita); false: exclusão"
    )


class ActiveDebtEntryEndApi(_Api):
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=ActiveDebtEntryEndIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        reads.entry_get(pk)
        data = ActiveDebtEntryEndIn(data=request.data)
        data.is_valid(raise_exception=True)
        write = (
            services.active_debt_entry_reverse
            if data.validated_data["reversal"]
            else services.active_debt_entry_remove
        )
        entry = write(
            actor=request.user, entry_id=pk, reason=data.validated_data["reason"], today=tenant_today()
        )
        return Response(_entry(reads.entry_rows(type(entry).objects.filter(pk=entry.pk))[0]))


def _day(raw: str | None, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError as exc:
        raise ValidationFailed(
            "Informe a data no formato AAAA-MM-DD.", field=field, code=ErrorCode.INVALID
        ) from exc


class ActiveDebtReportApi(_Api):
    @extend_schema(
        parameters=[
            OpenApiParameter("report", str, enum=list(reads.REPORTS), required=True),
            OpenApiParameter("start", OpenApiTypes.DATE, required=True),
            OpenApiParameter("end", OpenApiTypes.DATE, required=True),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        rows = reads.report(
            request.query_params.get("report", ""),
            _day(request.query_params.get("start"), "start"),
            _day(request.query_params.get("end"), "end"),
        )
        return Response(
            {
                "count": len(rows),
                "total": str(reads.report_total(rows)),
                "rows": [
                    {
                        "on": r.on,
                        "book": r.book,
                        "page": r.page,
                        "line": r.line,
                        "account_number": r.account_number,
                        "debtor": r.debtor,
                        "reference": r.reference,
                        "amount": str(r.amount),
                        "detail": r.detail,
                    }
                    for r in rows
                ],
            }
        )


class ActiveDebtExportApi(_Api):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        """The attorney's rows (docs/active-debt-export.md); the CSV is at `csv`."""
        return Response(
            {
                "columns": list(reads.EXPORT_COLUMNS),
                "rows": reads.attorney_rows(),
                "csv": "/cobranca/divida-ativa/procuradoria.csv",
            }
        )
