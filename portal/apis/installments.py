"""Citizen API: the installment simulation (VA-32, seed 003's blocks) and signing the agreement online
where the utility allows it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from modules.common.clock import tenant_today
from modules.common.errors import Conflict, PermissionDenied
from modules.common.errors import ErrorCode as CommonCode
from modules.debt import booklet as booklet_reads
from modules.debt import pdf as debt_pdf
from modules.debt import selectors as debt_selectors
from modules.debt import services as debt_services
from modules.debt.models import Agreement

from ..access import access_property_by_id
from ..access_services import access_agreement_by_id
from ..auth import CitizenActor
from ..errors import ErrorCode
from ..installments import can_sign_online, debt_requester
from ..mail import booklet_outgoing, email_on_record, send_document
from ..models import AgencySettings
from .base import NOT_FOUND, PDF_RESPONSE, CitizenView, Money, pdf_response
from .debts import DebtTotalsOutput
from .email import SentOutput


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
            "can_sign": can_sign_online(self.grant, AgencySettings.current()) and not reactivation,
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
        if not can_sign_online(self.grant, AgencySettings.current()):
            raise PermissionDenied(
                "Parcelamento pela agência não disponível. Procure o atendimento.",
                code=CommonCode.PERMISSION_DENIED,
            )
        if debt_selectors.live_agreement(prop.pk) is not None:
            raise Conflict("Este imóvel já tem um parcelamento vigente.", code=ErrorCode.AGREEMENT_EXISTS)
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


# --- VA-16 / VA-17: the installment booklet (ADR 0213) ------------------------------------------


class BookletSlipOutput(serializers.Serializer):
    installment = serializers.IntegerField(help_text="número da parcela")
    count = serializers.IntegerField(help_text="parcelas do parcelamento")
    kind = serializers.ChoiceField(
        choices=[booklet_reads.SlipKind.BILL, booklet_reads.SlipKind.UPDATED, booklet_reads.SlipKind.AHEAD],
        help_text="bill: paga com a conta que a traz; updated: essa conta venceu e vai num extrato novo "
        "com multa, juros e correção (VA-17); ahead: ainda não veio em conta, lâmina própria",
    )
    amount = Money(help_text="valor da parcela")
    to_pay = Money(help_text="valor que a linha digitável paga")
    pay_until = serializers.DateField()
    typeable_line = serializers.CharField(help_text="48 dígitos; vazio numa conta em débito automático")
    bill_id = serializers.IntegerField(allow_null=True)
    document_id = serializers.IntegerField(allow_null=True, help_text="extrato ou lâmina emitida")
    original = Money(help_text="updated: valor da conta antes dos acréscimos")
    charges = Money(help_text="updated: multa + juros + correção")


class BookletOutput(serializers.Serializer):
    agreement_id = serializers.IntegerField()
    number = serializers.CharField()
    as_of = serializers.DateField()
    paid = serializers.IntegerField(help_text="parcelas já pagas (não listadas)")
    active_debt = serializers.ListField(child=serializers.CharField(), help_text="CDAs de dívida ativa")
    slips = BookletSlipOutput(many=True)


def _booklet_for(grant: Any, property_id: int, agreement_id: int) -> tuple[Any, Any]:
    prop = access_property_by_id(grant, property_id)
    agreement = access_agreement_by_id(prop, agreement_id)
    booklet = booklet_reads.booklet_issue(
        actor=CitizenActor(grant), agreement_id=agreement.pk, as_of=tenant_today()
    )
    return prop, booklet


def booklet_data(booklet: Any) -> dict[str, Any]:
    a = booklet.agreement
    return {
        "agreement_id": a.pk,
        "number": a.number,
        "as_of": booklet.as_of,
        "paid": booklet.paid,
        "active_debt": list(booklet.active_debt),
        "slips": [
            {
                "installment": s.installment.number,
                "count": a.count,
                "kind": s.kind,
                "amount": s.amount,
                "to_pay": s.to_pay,
                "pay_until": s.pay_until,
                "typeable_line": s.typeable_line,
                "bill_id": s.bill.pk if s.bill else None,
                "document_id": s.document.pk if s.document else None,
                "original": s.original,
                "charges": s.charges,
            }
            for s in booklet.slips
        ],
    }


BOOKLET_REFUSED = OpenApiResponse(description="parcelamento aguardando a entrada, quitado ou cancelado")


class BookletApi(CitizenView):
    @extend_schema(
        operation_id="citizen_agreement_booklet",
        summary="2ª via do carnê: as parcelas não pagas, cada uma com a linha que a paga hoje",
        responses={200: BookletOutput, 404: NOT_FOUND, 409: BOOKLET_REFUSED},
    )
    def get(self, request: Request, property_id: int, agreement_id: int) -> Response:
        _prop, booklet = _booklet_for(self.grant, property_id, agreement_id)
        return Response(BookletOutput(booklet_data(booklet)).data)


class BookletPdfApi(CitizenView):
    @extend_schema(
        operation_id="citizen_agreement_booklet_pdf",
        responses={**PDF_RESPONSE, 404: NOT_FOUND, 409: BOOKLET_REFUSED},
    )
    def get(self, request: Request, property_id: int, agreement_id: int) -> HttpResponse:
        _prop, booklet = _booklet_for(self.grant, property_id, agreement_id)
        return pdf_response(debt_pdf.booklet_pdf(booklet), f"carne-{booklet.agreement.pk}.pdf")


class BookletEmailApi(CitizenView):
    @extend_schema(
        operation_id="citizen_agreement_booklet_email",
        request=None,
        responses={
            202: SentOutput,
            404: NOT_FOUND,
            409: OpenApiResponse(
                description="sem e-mail cadastrado (no_email) ou parcelamento não em andamento"
            ),
            429: OpenApiResponse(description="limite de envios por hora do imóvel (code too_many_emails)"),
        },
    )
    def post(self, request: Request, property_id: int, agreement_id: int) -> Response:
        prop = access_property_by_id(self.grant, property_id)
        access_agreement_by_id(prop, agreement_id)
        email_on_record(prop)  # before documents are made for nothing
        _prop, booklet = _booklet_for(self.grant, property_id, agreement_id)
        sent_to = send_document(prop, booklet_outgoing(booklet, prop))
        return Response(SentOutput({"sent_to": sent_to}).data, status=status.HTTP_202_ACCEPTED)
