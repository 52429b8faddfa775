"""Citizen API over the agency's money and debt services (issue 7, for the mobile app): bills with
barcode, typeable line and PDF, open debts, the debt statement, PIX/boleto charges through the
gateway, payments, consumption, certificates and the annual declaration, installment simulation and
online signing where the utility allows it; and, public, the bill simulator and the tariff table.

Nothing here computes: every number comes from the same accessors, selectors and services as the
pages (`access_bills`, `access_services`, `portal.bills`, `modules.debt`, `modules.collection`,
`modules.billing`). Every object is reached through the token's scope, so another citizen's bill,
document, charge or certificate answers exactly as a missing one does (404). Money is a string with
two decimals.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.billing.domain.tariffs import ServiceType
from modules.billing.pdf import bill_pdf
from modules.billing.services import simulation as bill_simulation
from modules.billing.services import tariffs as tariff_services
from modules.collection.gateway import gateway_charge_create
from modules.collection.models import GatewayCharge
from modules.common.clock import tenant_today
from modules.common.errors import Conflict, PermissionDenied, ValidationFailed
from modules.debt import pdf as debt_pdf
from modules.debt import selectors as debt_selectors
from modules.debt import services as debt_services
from modules.debt.domain.certificates import CertificateDecision, CertificateKind
from modules.debt.models import Agreement, Certificate
from modules.debt.services import statement_create

from . import bills as reads
from .access import access_property_by_id
from .access_bills import access_bill_by_id, access_charge_by_id, access_document_by_id
from .access_services import access_certificate_by_id
from .apis import CitizenThrottle, CitizenView
from .auth import CitizenActor
from .installments import debt_requester
from .models import AgencySettings
from .views_services import DECLARATION_YEARS, _can_sign

PDF_RESPONSE = {(200, "application/pdf"): OpenApiTypes.BINARY}
NOT_FOUND = OpenApiResponse(description="inexistente ou de outro cidadão (a mesma resposta)")


def Money(**kwargs: Any) -> serializers.DecimalField:
    """Money as a string with two decimals, e.g. "57.30"."""
    return serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True, **kwargs)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _api_url(name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs=kwargs)


# --- bills (VA-11 / VA-15) ---------------------------------------------------------------------------


class BillOutput(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.DateField(help_text="primeiro dia do mês de referência")
    due_date = serializers.DateField()
    total = Money()
    consumption_m3 = serializers.IntegerField(allow_null=True)
    state = serializers.ChoiceField(choices=["open", "overdue", "paid", "agreement"])
    state_label = serializers.CharField()
    payable = serializers.BooleanField()
    pdf_url = serializers.CharField()


class BillDetailOutput(BillOutput):
    barcode = serializers.CharField(help_text="44 dígitos")
    typeable_line = serializers.CharField(help_text="linha digitável, 48 dígitos")


def _bill_row(row: reads.BillRow, *, detail: bool = False) -> dict[str, Any]:
    b = row.bill
    body: dict[str, Any] = {
        "id": b.pk,
        "reference": b.reference,
        "due_date": b.due_date,
        "total": b.total,
        "consumption_m3": b.consumption_m3,
        "state": row.state,
        "state_label": row.label,
        "payable": row.payable,
        "pdf_url": _api_url("citizen-api-bill-pdf", property_id=b.property_id, bill_id=b.pk),
    }
    if detail:
        body |= {"barcode": b.barcode, "typeable_line": b.typeable_line}
    return body


class BillListApi(CitizenView):
    @extend_schema(operation_id="citizen_bill_list", responses={200: BillOutput(many=True), 404: NOT_FOUND})
    def get(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        rows = reads.bill_rows(prop, tenant_today())
        return Response(BillOutput([_bill_row(r) for r in rows], many=True).data)


class BillDetailApi(CitizenView):
    @extend_schema(operation_id="citizen_bill_detail", responses={200: BillDetailOutput, 404: NOT_FOUND})
    def get(self, request: Request, property_id: int, bill_id: int) -> Response:
        bill = access_bill_by_id(self.grant, property_id, bill_id)
        rows = reads.bill_rows(bill.property, tenant_today(), limit=10_000)
        row = next(r for r in rows if r.bill.pk == bill.pk)
        return Response(BillDetailOutput(_bill_row(row, detail=True)).data)


class BillPdfApi(CitizenView):
    @extend_schema(operation_id="citizen_bill_pdf", responses={**PDF_RESPONSE, 404: NOT_FOUND})
    def get(self, request: Request, property_id: int, bill_id: int) -> HttpResponse:
        bill = access_bill_by_id(self.grant, property_id, bill_id)
        return _pdf(bill_pdf(bill), f"conta-{bill.reference:%Y-%m}.pdf")


# --- open debts (VA-09 / VA-12) ------------------------------------------------------------------------


class DebtItemOutput(serializers.Serializer):
    bill_id = serializers.IntegerField()
    reference = serializers.DateField()
    due_date = serializers.DateField()
    original = Money()
    charges = Money(help_text="multa + juros + correção")
    total = Money()
    state = serializers.CharField(help_text="open, paid ou agreement")
    state_label = serializers.CharField()
    selectable = serializers.BooleanField(help_text="pode entrar num extrato ou pagamento")


class DebtTotalsOutput(serializers.Serializer):
    original = Money()
    fine = Money()
    interest = Money()
    correction = Money()
    total = Money()


class OpenDebtsOutput(serializers.Serializer):
    as_of = serializers.DateField()
    open_bills = serializers.IntegerField()
    items = DebtItemOutput(many=True)
    totals = DebtTotalsOutput()


def _debt_item(r: reads.StatementRow) -> dict[str, Any]:
    return {
        "bill_id": r.bill_id,
        "reference": r.reference,
        "due_date": r.due_date,
        "original": r.original,
        "charges": r.charges,
        "total": r.total,
        "state": r.state,
        "state_label": r.label,
        "selectable": r.selectable,
    }


class OpenDebtsApi(CitizenView):
    @extend_schema(
        operation_id="citizen_open_debts",
        description="Contas em aberto com acréscimos até hoje (itens e totais).",
        responses={200: OpenDebtsOutput, 404: NOT_FOUND},
    )
    def get(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        today = tenant_today()
        position = debt_selectors.debt_position(prop.pk, today)
        rows = [r for r in reads.statement_rows(prop, today) if r.selectable]
        body = {
            "as_of": today,
            "open_bills": len(position.items),
            "items": [_debt_item(r) for r in rows],
            "totals": position.totals,
        }
        return Response(OpenDebtsOutput(body).data)


# --- debt statement (VA-12 / VA-14) ----------------------------------------------------------------------


class BillIdsInput(serializers.Serializer):
    bills = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1)


class DocumentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    amount = Money()
    as_of = serializers.DateField()
    valid_until = serializers.DateField()
    status = serializers.CharField()
    barcode = serializers.CharField()
    typeable_line = serializers.CharField(help_text="linha digitável, 48 dígitos")
    pdf_url = serializers.CharField()


def _document(doc: Any) -> dict[str, Any]:
    return {
        "id": doc.pk,
        "amount": doc.amount,
        "as_of": doc.as_of,
        "valid_until": doc.valid_until,
        "status": doc.status,
        "barcode": doc.barcode,
        "typeable_line": doc.typeable_line,
        "pdf_url": _api_url("citizen-api-statement-pdf", property_id=doc.property_id, document_id=doc.pk),
    }


class StatementCreateApi(CitizenView):
    @extend_schema(
        operation_id="citizen_statement_create",
        description="Extrato de débitos das contas escolhidas (em aberto), no prazo de validade da empresa.",
        request=BillIdsInput,
        responses={
            201: DocumentOutput,
            400: OpenApiResponse(description="nenhuma conta em aberto"),
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        data = BillIdsInput(data=request.data)
        data.is_valid(raise_exception=True)
        today = tenant_today()
        valid_until = debt_selectors.statement_valid_until(today)
        doc = statement_create(
            actor=CitizenActor(self.grant),
            property_id=prop.pk,
            as_of=today,
            valid_until=valid_until,
            bill_ids=sorted(set(data.validated_data["bills"])),
        )
        return Response(DocumentOutput(_document(doc)).data, status=status.HTTP_201_CREATED)


class StatementDetailApi(CitizenView):
    @extend_schema(operation_id="citizen_statement_detail", responses={200: DocumentOutput, 404: NOT_FOUND})
    def get(self, request: Request, property_id: int, document_id: int) -> Response:
        doc = access_document_by_id(self.grant, property_id, document_id)
        return Response(DocumentOutput(_document(doc)).data)


class StatementPdfApi(CitizenView):
    @extend_schema(operation_id="citizen_statement_pdf", responses={**PDF_RESPONSE, 404: NOT_FOUND})
    def get(self, request: Request, property_id: int, document_id: int) -> HttpResponse:
        doc = access_document_by_id(self.grant, property_id, document_id)
        return _pdf(debt_pdf.statement_pdf(doc), f"extrato-{doc.pk}.pdf")


# --- online payment (VA-11 / VA-13) -------------------------------------------------------------------


class ChargeInput(BillIdsInput):
    method = serializers.ChoiceField(choices=["pix", "boleto", "credit_card"])
    card_token = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ChargeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    method = serializers.CharField()
    amount = Money()
    status = serializers.CharField()
    status_label = serializers.CharField()
    paid = serializers.BooleanField()
    qr_code = serializers.CharField(help_text="PIX copia e cola (vazio noutros meios)")
    expires_at = serializers.DateTimeField(
        allow_null=True,
        help_text="até quando o código PIX pode ser pago (fuso da concessionária); nulo no boleto, no cartão",
    )
    document_id = serializers.IntegerField()
    typeable_line = serializers.CharField(help_text="do documento de arrecadação da cobrança")


def _charge(charge: GatewayCharge) -> dict[str, Any]:
    return {
        "id": charge.pk,
        "method": charge.method,
        "amount": Decimal(charge.amount_cents).scaleb(-2),
        "status": charge.status,
        "status_label": reads.charge_label(charge),
        "paid": reads.charge_paid(charge),
        "qr_code": charge.qr_code,
        "expires_at": charge.expires_at,
        "document_id": charge.document_id,
        "typeable_line": charge.document.typeable_line,
    }


class ChargeCreateApi(CitizenView):
    @extend_schema(
        operation_id="citizen_charge_create",
        description="Cobrança PIX, boleto ou cartão (token do cartão) das contas em aberto escolhidas.",
        request=ChargeInput,
        responses={
            201: ChargeOutput,
            400: OpenApiResponse(description="contas ou meio inválidos"),
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        data = ChargeInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        charge = gateway_charge_create(
            actor=CitizenActor(self.grant),
            property_id=prop.pk,
            bill_ids=v["bills"],
            method=v["method"],
            today=tenant_today(),
            card_token=v.get("card_token", "").strip(),
        )
        charge = access_charge_by_id(self.grant, prop.pk, charge.pk)
        return Response(ChargeOutput(_charge(charge)).data, status=status.HTTP_201_CREATED)


class ChargeDetailApi(CitizenView):
    @extend_schema(
        operation_id="citizen_charge_detail",
        description="Situação da cobrança (consulte até `paid` ser verdadeiro).",
        responses={200: ChargeOutput, 404: NOT_FOUND},
    )
    def get(self, request: Request, property_id: int, charge_id: int) -> Response:
        charge = access_charge_by_id(self.grant, property_id, charge_id)
        return Response(ChargeOutput(_charge(charge)).data)


# --- payments (VA-22), consumption (VA-21) -------------------------------------------------------------


class PaymentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    paid_on = serializers.DateField()
    amount = Money()
    agent = serializers.CharField()
    channel = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    bill_id = serializers.IntegerField(allow_null=True)
    bill_reference = serializers.DateField(allow_null=True)
    document_id = serializers.IntegerField(allow_null=True)


class PaymentListApi(CitizenView):
    @extend_schema(
        operation_id="citizen_payment_list", responses={200: PaymentOutput(many=True), 404: NOT_FOUND}
    )
    def get(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        rows = [
            {
                "id": p.pk,
                "paid_on": p.paid_on,
                "amount": p.amount,
                "agent": p.agent.name,
                "channel": p.channel,
                "status": p.status,
                "status_label": p.get_status_display(),
                "bill_id": p.bill_id,
                "bill_reference": p.bill.reference if p.bill else None,
                "document_id": p.document_id,
            }
            for p in reads.payments_of(prop)
        ]
        return Response(PaymentOutput(rows, many=True).data)


class ConsumptionMonthOutput(serializers.Serializer):
    reference = serializers.DateField()
    m3 = serializers.IntegerField()


class ConsumptionOutput(serializers.Serializer):
    months = serializers.IntegerField()
    average_m3 = serializers.DecimalField(max_digits=10, decimal_places=1)
    history = ConsumptionMonthOutput(many=True)


class ConsumptionApi(CitizenView):
    @extend_schema(
        operation_id="citizen_consumption",
        parameters=[
            OpenApiParameter(
                "months", int, enum=list(reads.CHART_MONTHS), description="12 (padrão), 18 ou 24"
            )
        ],
        responses={
            200: ConsumptionOutput,
            400: OpenApiResponse(description="meses fora de 12, 18 ou 24"),
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        raw = request.query_params.get("months", "12")
        if not (raw.isdigit() and int(raw) in reads.CHART_MONTHS):
            choices = ", ".join(str(m) for m in reads.CHART_MONTHS)
            raise ValidationFailed(f"months: use um destes valores: {choices}.", field="months")
        months = int(raw)
        chart = reads.consumption_chart(prop, tenant_today(), months)
        body = {
            "months": chart.months,
            "average_m3": chart.average,
            "history": [{"reference": b.reference, "m3": b.m3} for b in chart.bars],
        }
        return Response(ConsumptionOutput(body).data)


# --- certificates (VA-18 / VA-19) and the annual declaration (VA-20) ---------------------------------


class CertificateDebtOutput(serializers.Serializer):
    reference = serializers.CharField()
    amount = Money()
    due_date = serializers.DateField(allow_null=True)
    agreement = serializers.CharField(allow_null=True)


class DecisionOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[k.value for k in CertificateKind])
    can_issue = serializers.BooleanField()
    reason = serializers.CharField()
    overdue = CertificateDebtOutput(many=True)
    overdue_total = Money()
    open_agreements = serializers.ListField(child=serializers.CharField())


class CertificateOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    issued_on = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    verify_url = serializers.CharField(help_text="autenticação pública")
    pdf_url = serializers.CharField()


class CertificateRefusalOutput(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    decision = DecisionOutput()


def _decision(d: CertificateDecision) -> dict[str, Any]:
    return {
        "kind": d.kind.value,
        "can_issue": d.kind is not CertificateKind.REFUSED,
        "reason": d.reason,
        "overdue": [
            {"reference": i.reference, "amount": i.amount, "due_date": i.due_date, "agreement": i.agreement}
            for i in d.overdue
        ],
        "overdue_total": d.overdue_total,
        "open_agreements": list(d.open_agreements),
    }


def _certificate(cert: Certificate) -> dict[str, Any]:
    return {
        "id": cert.pk,
        "code": cert.code,
        "kind": cert.kind,
        "kind_label": cert.get_kind_display(),
        "year": cert.year,
        "issued_on": cert.issued_on,
        "valid_until": cert.valid_until,
        "verify_url": f"{reverse('certificate-verify')}?codigo={cert.code}",
        "pdf_url": _api_url(
            "citizen-api-certificate-pdf", property_id=cert.property_id, certificate_id=cert.pk
        ),
    }


class CertificatesApi(CitizenView):
    @extend_schema(
        operation_id="citizen_certificate_decision",
        description="O que uma certidão pedida hoje diria: negativa, positiva com efeito de negativa ou "
        "recusada, com os débitos vencidos que a impedem.",
        responses={200: DecisionOutput, 404: NOT_FOUND},
    )
    def get(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        return Response(
            DecisionOutput(_decision(debt_selectors.certificate_decision(prop.pk, tenant_today()))).data
        )

    @extend_schema(
        operation_id="citizen_certificate_issue",
        request=None,
        responses={201: CertificateOutput, 409: CertificateRefusalOutput, 404: NOT_FOUND},
    )
    def post(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        today = tenant_today()
        try:
            cert = debt_services.certificate_issue(
                actor=CitizenActor(self.grant), property_id=prop.pk, today=today
            )
        except Conflict as exc:
            body = {
                **exc.as_dict(),
                "decision": DecisionOutput(
                    _decision(debt_selectors.certificate_decision(prop.pk, today))
                ).data,
            }
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(CertificateOutput(_certificate(cert)).data, status=status.HTTP_201_CREATED)


class CertificateDetailApi(CitizenView):
    @extend_schema(
        operation_id="citizen_certificate_detail", responses={200: CertificateOutput, 404: NOT_FOUND}
    )
    def get(self, request: Request, property_id: int, certificate_id: int) -> Response:
        cert = access_certificate_by_id(access_property_by_id(self.grant, property_id), certificate_id)
        return Response(CertificateOutput(_certificate(cert)).data)


class CertificatePdfApi(CitizenView):
    @extend_schema(operation_id="citizen_certificate_pdf", responses={**PDF_RESPONSE, 404: NOT_FOUND})
    def get(self, request: Request, property_id: int, certificate_id: int) -> HttpResponse:
        cert = access_certificate_by_id(access_property_by_id(self.grant, property_id), certificate_id)
        return _pdf(debt_pdf.certificate_pdf(cert), f"certidao-{cert.code}.pdf")


class YearInput(serializers.Serializer):
    year = serializers.IntegerField(help_text=f"um dos últimos {DECLARATION_YEARS} anos encerrados")


class AnnualDeclarationApi(CitizenView):
    @extend_schema(
        operation_id="citizen_annual_declaration_issue",
        description="Declaração anual de quitação (Lei 12.007/2009); recusada com as contas em aberto.",
        request=YearInput,
        responses={
            201: CertificateOutput,
            400: OpenApiResponse(description="ano inválido"),
            409: OpenApiResponse(description="contas do ano em aberto (nomeadas em `detail`)"),
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        data = YearInput(data=request.data)
        data.is_valid(raise_exception=True)
        today = tenant_today()
        year = data.validated_data["year"]
        if year not in range(today.year - DECLARATION_YEARS, today.year):
            raise serializers.ValidationError({"year": ["Escolha um dos últimos anos encerrados."]})
        cert = debt_services.annual_declaration_issue(
            actor=CitizenActor(self.grant), property_id=prop.pk, year=year, today=today
        )
        return Response(CertificateOutput(_certificate(cert)).data, status=status.HTTP_201_CREATED)


# --- installments (VA-32) and online agreements ---------------------------------------------------------


class InstallmentOptionOutput(serializers.Serializer):
    count = serializers.IntegerField()
    down_payment = Money()
    installment = Money()
    total_paid = Money()


class DebtSummaryOutput(serializers.Serializer):
    """Seed 003's "Resumo do débito"."""

    bills = Money(help_text="contas")
    payment_slips = Money(help_text="guias de pagamento")
    late_charges = Money(help_text="acréscimos por impontualidade")
    services = Money(help_text="débitos a cobrar: serviços (a taxa de reativação, quando pedida)")
    previous_agreements = Money(help_text="débitos a cobrar: parcelamento")
    credits = Money(help_text="créditos a realizar")
    updated_total = Money(help_text="débito total atualizado")


class CashPaymentOutput(serializers.Serializer):
    """Seed 003's "PAGAMENTO À VISTA"."""

    updated = Money()
    taxes = Money()
    discount = Money()
    total = Money()


class RequesterOutput(serializers.Serializer):
    name = serializers.CharField()
    document = serializers.CharField(help_text="sempre mascarado")


class InstallmentSimulationOutput(serializers.Serializer):
    debt = DebtTotalsOutput()
    summary = DebtSummaryOutput()
    cash = CashPaymentOutput()
    reactivation = serializers.BooleanField()
    reactivation_fee = Money(help_text="taxa de reativação de ligação de água da concessionária")
    requester = RequesterOutput(allow_null=True, help_text="o cliente do `cpf` informado")
    notice = serializers.CharField()
    total = Money()
    down_payment = Money()
    financed = Money()
    monthly_rate = serializers.DecimalField(max_digits=8, decimal_places=6)
    options = InstallmentOptionOutput(many=True)
    can_sign = serializers.BooleanField(help_text="a concessionária permite firmar pela agência")
    current_agreement_id = serializers.IntegerField(allow_null=True)
    resolution = serializers.CharField()


class AgreementInput(serializers.Serializer):
    down_payment = Money(min_value=Decimal("0.00"))
    count = serializers.IntegerField(min_value=1)


class AgreementOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    total = Money()
    down_payment = Money()
    count = serializers.IntegerField()
    installment_value = Money()
    down_payment_typeable_line = serializers.CharField(allow_blank=True)


NOT_A_CONTRACT = (
    "Esta simulação não é um contrato. O valor de entrada pode variar de acordo com os critérios "
    "estabelecidos na respectiva resolução."
)


class InstallmentsApi(CitizenView):
    @extend_schema(
        operation_id="citizen_installment_simulation",
        parameters=[
            OpenApiParameter(
                "down_payment", str, description="entrada em reais, ex.: 41.53 (padrão: a mínima)"
            ),
            OpenApiParameter(
                "cpf",
                str,
                description="CPF/CNPJ do solicitante: deve ser do proprietário ou do responsável pela conta "
                "(400 `invalid` se inválido, 400 `not_responsible` se não responde pelo débito)",
            ),
            OpenApiParameter(
                "reactivation", bool, description="com reativação de ligação de água (soma a taxa ao débito)"
            ),
        ],
        responses={
            200: InstallmentSimulationOutput,
            400: OpenApiResponse(description="entrada recusada, CPF inválido ou não responsável pelo débito"),
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        field = Money(min_value=Decimal("0.00"), required=False)
        raw = request.query_params.get("down_payment")
        down = field.run_validation(raw) if raw else None
        cpf = request.query_params.get("cpf", "").strip()
        requester = debt_requester(prop, cpf) if cpf else None
        reactivation = serializers.BooleanField().to_internal_value(
            request.query_params.get("reactivation", "false")
        )
        detail = debt_selectors.installment_simulation_detail(
            property_id=prop.pk, as_of=tenant_today(), down_payment=down, reactivation=reactivation
        )
        if detail.simulation is None:
            assert detail.refusal is not None
            raise detail.refusal
        sim, debt, negotiated = detail.simulation, detail.debt, detail.negotiated
        current = debt_selectors.live_agreement(prop.pk)
        body = {
            "debt": detail.position.totals,
            "summary": {
                "bills": debt.bills,
                "payment_slips": debt.payment_slips,
                "late_charges": debt.fines + debt.interest,
                "services": debt.services,
                "previous_agreements": debt.previous_agreements,
                "credits": debt.credits,
                "updated_total": negotiated.updated,
            },
            "cash": {
                "updated": negotiated.updated,
                "taxes": Decimal("0.00"),
                "discount": negotiated.discount,
                "total": negotiated.total,
            },
            "reactivation": reactivation,
            "reactivation_fee": Decimal(detail.version.reactivation_fee),
            "requester": {"name": requester.name, "document": requester.document_masked}
            if requester
            else None,
            "notice": NOT_A_CONTRACT,
            "total": sim.total,
            "down_payment": sim.down_payment,
            "financed": sim.financed,
            "monthly_rate": detail.policy.monthly_rate,
            "options": [
                {
                    "count": o.count,
                    "down_payment": o.down_payment,
                    "installment": o.installment,
                    "total_paid": o.total_paid,
                }
                for o in sim.options
            ],
            "can_sign": _can_sign(self.grant, AgencySettings.current()) and not reactivation,
            "current_agreement_id": current.pk if current else None,
            "resolution": detail.version.resolution,
        }
        return Response(InstallmentSimulationOutput(body).data)


class AgreementCreateApi(CitizenView):
    @extend_schema(
        operation_id="citizen_agreement_create",
        description="Firma o parcelamento simulado (só onde a concessionária permite e para o titular "
        "que provou o CPF/CNPJ).",
        request=AgreementInput,
        responses={
            201: AgreementOutput,
            403: OpenApiResponse(description="a concessionária não permite firmar pela agência"),
            409: OpenApiResponse(description="já há parcelamento vigente ou a simulação mudou"),
            404: NOT_FOUND,
        },
    )
    def post(self, request: Request, property_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        if not _can_sign(self.grant, AgencySettings.current()):
            raise PermissionDenied("Parcelamento pela agência não disponível. Procure o atendimento.")
        if debt_selectors.live_agreement(prop.pk) is not None:
            raise Conflict("Este imóvel já tem um parcelamento vigente.", code="agreement_exists")
        data = AgreementInput(data=request.data)
        data.is_valid(raise_exception=True)
        agreement: Agreement = debt_services.agreement_create(
            actor=CitizenActor(self.grant),
            property_id=prop.pk,
            down_payment=data.validated_data["down_payment"],
            count=data.validated_data["count"],
            as_of=tenant_today(),
        )
        guia = agreement.down_payment_document
        body = {
            "id": agreement.pk,
            "number": agreement.number,
            "status": agreement.status,
            "total": agreement.total,
            "down_payment": agreement.down_payment,
            "count": agreement.count,
            "installment_value": agreement.installment_value,
            "down_payment_typeable_line": guia.typeable_line if guia else "",
        }
        return Response(AgreementOutput(body).data, status=status.HTTP_201_CREATED)


# --- public: tariff table (VA-30) and bill simulator (VA-31) ------------------------------------------


class PublicView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [CitizenThrottle]


class BandOutput(serializers.Serializer):
    from_m3 = serializers.IntegerField()
    to_m3 = serializers.IntegerField(allow_null=True)
    price = Money(help_text="água, por m³ e por economia")


class FixedChargeOutput(serializers.Serializer):
    code = serializers.CharField()
    description = serializers.CharField()
    amount = Money()
    per_dwelling_unit = serializers.BooleanField()


class TariffCategoryOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    minimum_m3_per_unit = serializers.IntegerField()
    sewer_percent = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    bands = BandOutput(many=True)
    fixed_charges = FixedChargeOutput(many=True)


class TariffOutput(serializers.Serializer):
    act = serializers.CharField()
    valid_from = serializers.DateField()
    categories = TariffCategoryOutput(many=True)


class TariffApi(PublicView):
    @extend_schema(
        operation_id="public_tariff_table",
        responses={200: TariffOutput, 404: OpenApiResponse(description="nenhuma tarifa aprovada vigente")},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        tariff = tariff_services.tariff_in_force(tenant_today())
        version = tariff_services.tariff_version(tariff)
        body = {
            "act": tariff.act,
            "valid_from": tariff.valid_from,
            "categories": [
                {
                    "code": c.code,
                    "name": c.name,
                    "minimum_m3_per_unit": c.minimum_m3_per_unit,
                    "sewer_percent": c.sewer_percent,
                    "bands": c.bands,
                    "fixed_charges": c.fixed_charges,
                }
                for c in version.categories
            ],
        }
        return Response(TariffOutput(body).data)


class BillSimulationInput(serializers.Serializer):
    category = serializers.CharField(max_length=20)
    dwelling_units = serializers.IntegerField(min_value=1, max_value=999, default=1)
    consumption_m3 = serializers.IntegerField(min_value=0, max_value=99_999)
    service = serializers.ChoiceField(
        choices=[ServiceType.WATER_SEWER.value, ServiceType.WATER.value],
        default=ServiceType.WATER_SEWER.value,
    )


class BillSimulationOutput(serializers.Serializer):
    tariff_act = serializers.CharField()
    water = Money()
    sewer = Money()
    fixed = Money()
    total = Money()


class BillSimulatorApi(PublicView):
    @extend_schema(
        operation_id="public_bill_simulation",
        parameters=[BillSimulationInput],
        responses={
            200: BillSimulationOutput,
            400: OpenApiResponse(description="categoria ou consumo inválidos"),
            404: OpenApiResponse(description="nenhuma tarifa aprovada vigente"),
        },
        auth=[],
    )
    def get(self, request: Request) -> Response:
        data = BillSimulationInput(data=request.query_params)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        tariff = tariff_services.tariff_in_force(tenant_today())
        version = tariff_services.tariff_version(tariff)
        if v["category"] not in {c.code for c in version.categories}:
            raise serializers.ValidationError({"category": ["Categoria inexistente na tarifa vigente."]})
        result = bill_simulation.simulate(
            version=version,
            entries=[bill_simulation.SimulationEntry(v["category"], v["dwelling_units"])],
            consumption_m3=v["consumption_m3"],
            service=ServiceType(v["service"]),
        )
        body = {
            "tariff_act": tariff.act,
            **{k: Decimal(result[k]) for k in ("water", "sewer", "fixed", "total")},
        }
        return Response(BillSimulationOutput(body).data)
