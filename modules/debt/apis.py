"""Staff API of debt: debt position, debt statement, installment simulation and agreements, certificates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.access.permissions import HasFunction
from modules.billing.legal import legal_locks, may_override
from modules.common.clock import tenant_today
from modules.common.domain.money import Rounding, parse_money
from modules.common.errors import NotFound, ValidationFailed
from modules.registry.models import Property

from . import services, settings_services
from .domain.installments import installment_value, simulate
from .errors import ErrorCode
from .models import Agreement, Certificate, InstallmentPolicyVersion
from .pdf import preview_pdf
from .selectors import (
    agreement_payoff_quote,
    debt_position,
    debt_settings,
    document_texts,
    installment_policy,
    negotiation,
    policy_export,
    policy_versions,
    statement_valid_until,
)


def _date(raw: str | None, field: str, default: dt.date) -> dt.date:
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationFailed(
            "Informe a data no formato AAAA-MM-DD.", field=field, code=ErrorCode.INVALID
        ) from exc


def _property_id(pk: int) -> int:
    if not Property.objects.filter(pk=pk).exists():
        raise NotFound("Imóvel não encontrado.", field="property", code=ErrorCode.PROPERTY_NOT_FOUND)
    return pk


AMOUNTS = ("original", "fine", "interest", "correction", "total")


def position_json(property_id: int, as_of: dt.date, *, reveal: bool = True) -> dict[str, Any]:
    """The debt position; each bill says whether it is in dívida ativa or under an execução fiscal
    (TR S10.11-01). Without the special privilege (`reveal` False) their amounts are masked (null,
    `masked`) and left out of the totals (TR S10.11-02)."""
    position = debt_position(property_id, as_of)
    locks = legal_locks(property_id, on=as_of)
    items = []
    for i in position.items:
        masked = not reveal and locks.lock_of(i.bill_id) is not None
        items.append(
            {
                "bill": i.bill_id,
                "reference": f"{i.reference:%Y-%m}",
                "due_date": i.due_date.isoformat(),
                "days_late": i.days_late,
                "active_debt": locks.active_debt(i.bill_id) is not None,
                "execution": locks.execution is not None,
                "masked": masked,
            }
            | {k: None if masked else str(getattr(i, k)) for k in AMOUNTS}
        )
    shown = [i for i, row in zip(position.items, items, strict=True) if not row["masked"]]
    return {
        "property": property_id,
        "as_of": as_of.isoformat(),
        "items": items,
        "totals": {k: str(sum((getattr(i, k) for i in shown), Decimal("0.00"))) for k in AMOUNTS},
    }


class PropertyDebtsApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.position"

    @extend_schema(
        parameters=[OpenApiParameter("as_of", str, description="AAAA-MM-DD")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, pk: int) -> Response:
        as_of = _date(request.query_params.get("as_of"), "as_of", tenant_today())
        return Response(position_json(_property_id(pk), as_of, reveal=may_override(request.user)))


STATEMENT_MAX_DAYS = 365


class StatementIn(serializers.Serializer):
    bills = serializers.ListField(child=serializers.IntegerField(), required=False)
    valid_until = serializers.DateField(required=False)
    requester = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="id do cliente que pede; um inquilino só negocia débitos do seu contrato de locação",
    )

    def validate_valid_until(self, value: dt.date) -> dt.date:
        """Late charges are priced up to this day and the barcode carries it: a far-future date is a
        mistake, and past FEBRABAN's due-date factor it cannot be encoded at all."""
        limit = tenant_today() + dt.timedelta(days=STATEMENT_MAX_DAYS)
        if value > limit:
            raise serializers.ValidationError(
                f"A validade do extrato vai no máximo até {limit:%d/%m/%Y} ({STATEMENT_MAX_DAYS} dias)."
            )
        return value


class StatementApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.position"

    @extend_schema(request=StatementIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        data = StatementIn(data=request.data)
        data.is_valid(raise_exception=True)
        today = tenant_today()
        doc = services.statement_create(
            actor=request.user,
            property_id=_property_id(pk),
            as_of=today,
            valid_until=data.validated_data.get("valid_until") or statement_valid_until(today),
            bill_ids=data.validated_data.get("bills"),
            requester_id=data.validated_data.get("requester"),
        )
        return Response(
            {
                "document": doc.pk,
                "amount": str(doc.amount),
                "barcode": doc.barcode,
                "typeable_line": doc.typeable_line,
                "valid_until": doc.valid_until,
                "pdf": f"/cobranca/documentos/{doc.pk}.pdf",
            },
            status=status.HTTP_201_CREATED,
        )


def _rate_percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}"


class InstallmentSimulateApi(APIView):
    """Property form: {"property", "down_payment", "installments"?}; what-if form: {"debt_total",
    "down_payment", "installments": [n, …], "monthly_interest_percent"}. Answers one row per count."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.agreements"
    function_actions: ClassVar[dict[str, str]] = {"POST": "view"}

    @extend_schema(request={"application/json": {"type": "object"}}, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        today = tenant_today()
        if "debt_total" in data:
            return Response(self._what_if(data, today))
        raw_property = data.get("property")
        if not isinstance(raw_property, int):
            raise ValidationFailed(
                "Informe o imóvel (property) ou o débito (debt_total).",
                field="property",
                code=ErrorCode.INVALID,
            )
        _property_id(raw_property)
        down = self._money(data, "down_payment", required=False)
        version, policy = installment_policy(today)
        _, _, _, total = negotiation(raw_property, today, None)
        sim = simulate(total, policy, down_payment=down)
        options = list(sim.options)
        wanted = data.get("installments")
        if wanted is not None:
            if not isinstance(wanted, int) or wanted < 1:
                raise ValidationFailed(
                    "Informe o número de parcelas como inteiro positivo.",
                    field="installments",
                    code=ErrorCode.INVALID,
                )
            if wanted > policy.max_installments:
                raise ValidationFailed(
                    f"O número máximo de parcelas é {policy.max_installments}.",
                    field="installments",
                    code=ErrorCode.TOO_MANY_INSTALLMENTS,
                )
            options = [o for o in options if o.count == wanted]
            if not options:
                raise ValidationFailed(
                    f"Com {wanted} parcelas a parcela ficaria abaixo da mínima de "
                    f"R$ {policy.min_installment}.",
                    field="installments",
                    code=ErrorCode.INSTALLMENT_BELOW_MINIMUM,
                )
        return Response(
            {
                "property": raw_property,
                "total": str(sim.total),
                "down_payment": str(sim.down_payment),
                "financed": str(sim.financed),
                "monthly_interest_percent": _rate_percent(policy.monthly_rate),
                "policy": version.resolution,
                "options": [
                    {
                        "installments": o.count,
                        "down_payment": str(o.down_payment),
                        "installment_value": str(o.installment),
                        "total": str(o.total_paid),
                    }
                    for o in options
                ],
            }
        )

    @staticmethod
    def _money(data: dict[str, Any], field: str, *, required: bool = True) -> Decimal | None:
        raw = data.get(field)
        if raw is None and not required:
            return None
        value = parse_money(raw)
        if value is None or value < 0:
            raise ValidationFailed(
                f'Informe {field} como texto com até duas casas decimais (ex.: "41.53").',
                field=field,
                code=ErrorCode.INVALID,
            )
        return value

    def _what_if(self, data: dict[str, Any], today: dt.date) -> dict[str, Any]:
        total = self._money(data, "debt_total")
        down = self._money(data, "down_payment", required=False) or Decimal("0.00")
        assert total is not None
        raw_rate = data.get("monthly_interest_percent")
        try:
            rate = Decimal(str(raw_rate).strip()) / 100 if isinstance(raw_rate, str) else None
        except ArithmeticError:
            rate = None
        if rate is None or rate < 0 or rate >= 1:
            raise ValidationFailed(
                'Informe a taxa mensal em percentual como texto (ex.: "1.63").',
                field="monthly_interest_percent",
                code=ErrorCode.INVALID,
            )
        counts = data.get("installments")
        if (
            not isinstance(counts, list)
            or not counts
            or not all(isinstance(n, int) and 1 <= n <= 600 for n in counts)
        ):
            raise ValidationFailed(
                "Informe as quantidades de parcelas como lista de inteiros (ex.: [1, 2, 3]).",
                field="installments",
                code=ErrorCode.INVALID,
            )
        if down >= total:
            raise ValidationFailed(
                "A entrada deve ser menor que o débito.",
                field="down_payment",
                code=ErrorCode.DOWN_PAYMENT_NOT_BELOW_DEBT,
            )
        version = (
            InstallmentPolicyVersion.objects.filter(effective_from__lte=today)
            .order_by("-effective_from")
            .first()
        )
        rounding = Rounding(version.rounding) if version else Rounding.HALF_UP
        financed = total - down
        return {
            "debt_total": str(total),
            "down_payment": str(down),
            "financed": str(financed),
            "monthly_interest_percent": str(raw_rate).strip(),
            "options": [
                {
                    "installments": n,
                    "down_payment": str(down),
                    "installment_value": str(installment_value(financed, rate, n, rounding)),
                }
                for n in counts
            ],
        }


class AgreementIn(serializers.Serializer):
    property = serializers.IntegerField()
    down_payment = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    installments = serializers.IntegerField(min_value=1)
    reinstall = serializers.BooleanField(default=False)
    bills = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        allow_empty=False,
        help_text="ids das faturas em aberto a negociar; sem a lista, todas as faturas em aberto",
    )
    transfer_from = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="ids de outros imóveis cujos débitos em aberto entram neste parcelamento",
    )
    requester = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="id do cliente que pede; um inquilino só negocia débitos do seu contrato de locação",
    )


class AgreementOut(serializers.ModelSerializer):
    number = serializers.CharField()
    installments = serializers.SerializerMethodField()
    down_payment_barcode = serializers.CharField(source="down_payment_document.barcode", default=None)
    down_payment_typeable_line = serializers.CharField(
        source="down_payment_document.typeable_line", default=None
    )
    down_payment_due = serializers.DateField(source="down_payment_document.valid_until", default=None)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "number",
            "property",
            "status",
            "as_of",
            "bills_total",
            "fines",
            "interest",
            "previous_agreements",
            "discount",
            "total",
            "down_payment",
            "count",
            "monthly_rate",
            "installment_value",
            "down_payment_barcode",
            "down_payment_typeable_line",
            "down_payment_due",
            "replaces",
            "cancel_reason",
            "installments",
        ]

    def get_installments(self, obj: Agreement) -> list[dict[str, Any]]:
        return [
            {
                "number": i.number,
                "amount": str(i.amount),
                "interest": str(i.interest),
                "amortization": str(i.amortization),
                "balance": str(i.balance),
            }
            for i in obj.installments.all()
        ]


class AgreementsApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.agreements"

    @extend_schema(request=AgreementIn, responses={201: AgreementOut})
    def post(self, request: Request) -> Response:
        data = AgreementIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        agreement = services.agreement_create(
            actor=request.user,
            property_id=v["property"],
            down_payment=v["down_payment"],
            count=v["installments"],
            as_of=tenant_today(),
            reinstall=v["reinstall"],
            requester_id=v.get("requester"),
            bill_ids=v.get("bills"),
            transfer_from=v.get("transfer_from"),
        )
        return Response(AgreementOut(agreement).data, status=status.HTTP_201_CREATED)


class PayoffOut(serializers.Serializer):
    agreement = serializers.IntegerField(source="agreement.pk")
    as_of = serializers.DateField()
    installments = serializers.IntegerField()
    face_value = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)
    present_value = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)
    interest_removed = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)


class PayoffDocumentOut(serializers.Serializer):
    document = serializers.IntegerField(source="pk")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)
    valid_until = serializers.DateField()
    barcode = serializers.CharField()
    typeable_line = serializers.CharField()


class AgreementPayoffApi(APIView):
    """GET: what paying the rest of the agreement today costs (present value); POST: the guia."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.agreements"
    function_actions: ClassVar[dict[str, str]] = {"GET": "view", "POST": "change"}

    @extend_schema(responses={200: PayoffOut})
    def get(self, request: Request, pk: int) -> Response:
        agreement = Agreement.objects.filter(pk=pk).first()
        if agreement is None:
            raise NotFound("Parcelamento não encontrado.", code=ErrorCode.AGREEMENT_NOT_FOUND)
        return Response(PayoffOut(agreement_payoff_quote(agreement, tenant_today())).data)

    @extend_schema(request=None, responses={201: PayoffDocumentOut})
    def post(self, request: Request, pk: int) -> Response:
        document = services.agreement_payoff_issue(actor=request.user, agreement_id=pk, as_of=tenant_today())
        return Response(PayoffDocumentOut(document).data, status=status.HTTP_201_CREATED)


class AgreementDetailApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.agreements"

    @extend_schema(responses={200: AgreementOut})
    def get(self, request: Request, pk: int) -> Response:
        agreement = Agreement.objects.filter(pk=pk).first()
        if agreement is None:
            raise NotFound("Parcelamento não encontrado.", code=ErrorCode.AGREEMENT_NOT_FOUND)
        return Response(AgreementOut(agreement).data)


class CancelIn(serializers.Serializer):
    reason = serializers.CharField()


class AgreementCancelApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.agreements"
    function_actions: ClassVar[dict[str, str]] = {"POST": "change"}

    @extend_schema(request=CancelIn, responses={200: AgreementOut})
    def post(self, request: Request, pk: int) -> Response:
        data = CancelIn(data=request.data)
        data.is_valid(raise_exception=True)
        agreement = services.agreement_cancel(
            actor=request.user, agreement_id=pk, reason=data.validated_data["reason"]
        )
        return Response(AgreementOut(agreement).data)


class CertificateIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["clearance", "annual"], default="clearance")
    # a calendar year the dates can hold (the service refuses the current and later years)
    year = serializers.IntegerField(required=False, min_value=1900, max_value=9998)


class CertificateOut(serializers.ModelSerializer):
    verification_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "code",
            "kind",
            "property",
            "year",
            "issued_on",
            "valid_until",
            "statement",
            "verification_url",
        ]

    def get_verification_url(self, obj: Certificate) -> str:
        return f"/certidoes/verificar/?codigo={obj.code}"


class CertificatesApi(APIView):
    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.certificates"

    @extend_schema(request=CertificateIn, responses={201: CertificateOut})
    def post(self, request: Request, pk: int) -> Response:
        data = CertificateIn(data=request.data)
        data.is_valid(raise_exception=True)
        today = tenant_today()
        if data.validated_data["kind"] == "annual":
            year = data.validated_data.get("year")
            if year is None:
                raise ValidationFailed("Informe o ano da declaração.", field="year", code=ErrorCode.INVALID)
            cert = services.annual_declaration_issue(
                actor=request.user, property_id=_property_id(pk), year=year, today=today
            )
        else:
            cert = services.certificate_issue(actor=request.user, property_id=_property_id(pk), today=today)
        return Response(CertificateOut(cert).data, status=status.HTTP_201_CREATED)


# Settings: the debt parameters, installment policy versions and document texts (function debt.settings)


class DebtSettingsIO(serializers.Serializer):
    statement_valid_days = serializers.IntegerField(
        required=False, help_text="validade do extrato de débitos, em dias (1 a 365): “Não receber após”"
    )
    certificate_valid_days = serializers.IntegerField(
        required=False,
        help_text="validade da certidão negativa ou positiva com efeito de negativa (1 a 365 dias)",
    )


def _debt_settings_json(row: Any) -> dict[str, Any]:
    return {name: getattr(row, name) for name in services.SETTINGS_FIELDS}


class DebtSettingsApi(APIView):
    """The utility's debt parameters (the page /cobranca/parametros/): how long a debt statement and a
    certificate are valid. GET with the function's view grant; PUT (some or all fields) with its change
    grant, audited with before and after; a value out of bounds is a 400 naming the field."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.settings"

    @extend_schema(operation_id="debt_settings_read", responses={200: DebtSettingsIO})
    def get(self, request: Request) -> Response:
        return Response(_debt_settings_json(debt_settings()))

    @extend_schema(
        operation_id="debt_settings_update", request=DebtSettingsIO, responses={200: DebtSettingsIO}
    )
    def put(self, request: Request) -> Response:
        if isinstance(request.data, dict):
            unknown = sorted(set(request.data) - set(services.SETTINGS_FIELDS))
            if unknown:
                raise ValidationFailed(
                    f"Parâmetro desconhecido: {unknown[0]}.", field=unknown[0], code=ErrorCode.INVALID
                )
        data = DebtSettingsIO(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.debt_settings_update(actor=request.user, **data.validated_data)
        return Response(_debt_settings_json(row))


class InstallmentPoliciesApi(APIView):
    """GET: the versions, newest first (`in_force`, `agreements`); POST: a new version
    ({"effective_from": "AAAA-MM-DD", "resolution", every policy field}) → 201."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.settings"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        rows = policy_versions(tenant_today())
        return Response(
            {
                "results": [
                    {
                        "id": r.version.pk,
                        **policy_export(r.version),
                        "in_force": r.in_force,
                        "agreements": r.agreements,
                    }
                    for r in rows
                ]
            }
        )

    @extend_schema(request={"application/json": {"type": "object"}}, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = dict(request.data) if isinstance(request.data, dict) else {}
        raw = data.pop("effective_from", None)
        effective_from = _date(raw if isinstance(raw, str) else None, "effective_from", dt.date.min)
        if effective_from == dt.date.min:
            raise ValidationFailed(
                "Informe a data de início (AAAA-MM-DD).", field="effective_from", code=ErrorCode.INVALID
            )
        version = settings_services.installment_policy_create(
            actor=request.user, effective_from=effective_from, today=tenant_today(), **data
        )
        return Response({"id": version.pk, **policy_export(version)}, status=status.HTTP_201_CREATED)


def _template_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.pk,
        "kind": row.kind,
        "valid_from": row.valid_from.isoformat(),
        "title": row.title,
        "body_html": row.body_html,
        "created_by": row.created_by,
        "created_at": row.created_at.isoformat(),
    }


class DocumentTemplateIn(serializers.Serializer):
    kind = serializers.CharField(max_length=60)
    valid_from = serializers.DateField()
    title = serializers.CharField(max_length=200)
    body_html = serializers.CharField(allow_blank=True, trim_whitespace=False)


class DocumentTemplatesApi(APIView):
    """GET: each debt document with its placeholders, default text, text in force and versions;
    POST: a new version → 201 (an unknown placeholder, tag, filter or element is refused naming it)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.settings"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(
            {
                "results": [
                    {
                        "kind": t.kind.key,
                        "label": t.kind.label,
                        "placeholders": [
                            {"name": p.name, "description": p.description} for p in t.kind.placeholders
                        ],
                        "default": {"title": t.kind.title, "body_html": t.kind.body},
                        "in_force": t.in_force.pk if t.in_force else None,
                        "title": t.title,
                        "body_html": t.body_html,
                        "versions": [_template_json(v) for v in t.versions],
                    }
                    for t in document_texts(tenant_today())
                ]
            }
        )

    @extend_schema(request=DocumentTemplateIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        data = DocumentTemplateIn(data=request.data)
        data.is_valid(raise_exception=True)
        row = settings_services.document_template_create(
            actor=request.user, today=tenant_today(), **data.validated_data
        )
        return Response(_template_json(row), status=status.HTTP_201_CREATED)


class DocumentTemplatePreviewIn(serializers.Serializer):
    kind = serializers.CharField(max_length=60)
    title = serializers.CharField(max_length=200)
    body_html = serializers.CharField(allow_blank=True, trim_whitespace=False)


class DocumentTemplatePreviewApi(APIView):
    """POST {"kind", "title", "body_html"} → the document's PDF with invented data (nothing saved)."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.settings"
    function_actions: ClassVar[dict[str, str]] = {"POST": "view"}

    @extend_schema(
        request=DocumentTemplatePreviewIn, responses={(200, "application/pdf"): OpenApiTypes.BINARY}
    )
    def post(self, request: Request) -> HttpResponse:
        data = DocumentTemplatePreviewIn(data=request.data)
        data.is_valid(raise_exception=True)
        settings_services.template_check(**data.validated_data)
        body = preview_pdf(**data.validated_data, today=tenant_today())
        return HttpResponse(body, content_type="application/pdf")


class BookletSlipOut(serializers.Serializer):
    installment = serializers.IntegerField(source="installment.number")
    kind = serializers.CharField(help_text="bill, updated (VA-17: a conta vencida num extrato novo) ou ahead")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)
    to_pay = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)
    pay_until = serializers.DateField()
    typeable_line = serializers.CharField()
    bill_id = serializers.IntegerField(source="bill.pk", allow_null=True, default=None)
    document_id = serializers.IntegerField(source="document.pk", allow_null=True, default=None)


class BookletOut(serializers.Serializer):
    agreement_id = serializers.IntegerField(source="agreement.pk")
    as_of = serializers.DateField()
    paid = serializers.IntegerField()
    active_debt = serializers.ListField(child=serializers.CharField())
    slips = BookletSlipOut(many=True)


class AgreementBookletApi(APIView):
    """2ª via do carnê (VA-16, ADR 0213): the unpaid installments, each with the line that pays it
    today; issues the updated extratos (VA-17) and slips it needs (the PDF: the agreement page's
    "2ª via do carnê")."""

    permission_classes: ClassVar[list[Any]] = [HasFunction]
    function = "debt.agreements"
    function_actions: ClassVar[dict[str, str]] = {"GET": "change"}

    @extend_schema(operation_id="debt_agreement_booklet", responses={200: BookletOut})
    def get(self, request: Request, pk: int) -> Response:
        from .booklet import booklet_issue

        booklet = booklet_issue(actor=request.user, agreement_id=pk, as_of=tenant_today())
        return Response(BookletOut(booklet).data)
