"""Reads of debt: the debt position of a property (open bills with late charges), what a negotiation
would be and the simulation of an agreement, agreements' state, the installment policy in force, the
installments billing puts on the next bill, and what a certificate decision and its check need."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Count

from modules.billing.hooks import PendingItem, already_billed
from modules.billing.legal import legal_locks, legal_locks_for, properties_with_locks
from modules.billing.models import Bill, BillHold, BillItem, BillStatus
from modules.billing.selectors import HELD_BILLS
from modules.collection.policies import late_charge_rule
from modules.collection.selectors import PricedBill, open_bills, price_bill, without_fine
from modules.common.bulk import in_ids  # and the any_of lookup
from modules.common.document_templates import template_in_force
from modules.common.domain.dates import YearMonth
from modules.common.domain.money import Rounding
from modules.common.errors import NotFound, ValidationFailed
from modules.common.models import DocumentTemplate
from modules.registry.models import Property

from .documents import KINDS, Kind, Validity
from .domain import certificates as cert_rules
from .domain.certificates import CertificateDecision, DebtItem, DebtStatus, decide_certificate
from .domain.installments import (
    DebtToNegotiate,
    InstallmentPolicy,
    LeftoverPlacement,
    NegotiatedTotal,
    ScheduleLine,
    Simulation,
    negotiated_total,
    simulate,
    unbilled_present_value,
)
from .errors import ErrorCode
from .models import (
    Agreement,
    AgreementBill,
    Certificate,
    DebtSettings,
    Installment,
    InstallmentPolicyVersion,
)

ZERO = Decimal("0.00")
INSTALLMENT_SOURCE = "debt.installment"
LIVE = (Agreement.Status.AWAITING_DOWN_PAYMENT, Agreement.Status.ACTIVE)


def debt_settings() -> DebtSettings:
    return DebtSettings.current()


def statement_valid_until(issued_on: dt.date) -> dt.date:
    """The last day a debt statement issued on `issued_on` may be paid (NÃO RECEBER APÓS, VA-14): the
    same for the staff page, the staff API and the citizens' agency."""
    return issued_on + dt.timedelta(days=debt_settings().statement_valid_days)


def certificate_valid_until(issued_on: dt.date) -> dt.date:
    return issued_on + dt.timedelta(days=debt_settings().certificate_valid_days)


DEFAULT_DOWN_PAYMENT_DAYS = 5  # InstallmentPolicyVersion.down_payment_days' default


def guide_valid_until(issued_on: dt.date) -> dt.date:
    """The down-payment guia's last day under the installment policy in force (its model's default
    when the utility has none yet), as `agreement_create` gives it."""
    versions = InstallmentPolicyVersion.objects.filter(effective_from__lte=issued_on)
    version = versions.order_by("-effective_from").first()
    days = version.down_payment_days if version else DEFAULT_DOWN_PAYMENT_DAYS
    return issued_on + dt.timedelta(days=int(days))


def document_validities(issued_on: dt.date) -> Validity:
    """The validity of each kind of debt document issued on `issued_on`, from the utility's settings:
    what the template editor's preview prints (issue 12: one policy value each)."""
    return Validity(
        certificate=certificate_valid_until(issued_on),
        statement=statement_valid_until(issued_on),
        guide=guide_valid_until(issued_on),
    )


def property_get(property_id: int) -> Property:
    prop: Property | None = Property.objects.filter(pk=property_id).first()
    if prop is None:
        raise NotFound("Imóvel não encontrado.", field="property", code=ErrorCode.PROPERTY_NOT_FOUND)
    return prop


@dataclass(frozen=True)
class DebtPosition:
    property_id: int
    as_of: dt.date
    items: tuple[PricedBill, ...]

    def _sum(self, name: str) -> Decimal:
        return sum((getattr(i, name) for i in self.items), ZERO)

    @property
    def totals(self) -> dict[str, Decimal]:
        return {k: self._sum(k) for k in ("original", "fine", "interest", "correction", "total")}


def held_bill_ids(bill_ids: list[int]) -> dict[int, str]:
    """Bills folded into a live agreement (collection's hold hook)."""
    rows = AgreementBill.objects.filter(bill_id__in=bill_ids, active=True).values_list(
        "bill_id", "agreement_id"
    )
    return {bill: f"fatura incluída no parcelamento {agreement}" for bill, agreement in rows}


def debt_position(property_id: int, as_of: dt.date, bill_ids: list[int] | None = None) -> DebtPosition:
    rule = late_charge_rule(as_of)
    # a held bill (payment proven awaiting its file, or under a proceeding) is out of collection:
    # no late charges, not on a statement, not negotiated (seed 001 3.2.13.9.11, .20)
    bills = list(
        open_bills(property_id).exclude(HELD_BILLS).values_list("id", "reference", "due_date", "total")
    )
    held = set(
        AgreementBill.objects.filter(bill__property_id=property_id, active=True).values_list(
            "bill_id", flat=True
        )
    )
    items = tuple(
        price_bill(pk, reference, due, total, as_of, rule)
        for pk, reference, due, total in bills
        if pk not in held and (bill_ids is None or pk in bill_ids)
    )
    if legal_locks(property_id, on=as_of).no_fine:  # "impede multa" (TR S10.13-01)
        items = tuple(without_fine(i) for i in items)
    return DebtPosition(property_id, as_of, items)


def debt_positions(bill_ids: dict[int, list[int]], as_of: dt.date) -> dict[int, DebtPosition]:
    """`debt_position` for many properties at once (property id → the bills to price), in a fixed
    number of queries whatever their number: the daily notices price thousands of units (ADR 0211).
    The same rows and amounts as one `debt_position(pid, as_of, ids)` per property."""
    rule = late_charge_rule(as_of)
    wanted = {pk for ids in bill_ids.values() for pk in ids}
    rows: dict[int, list[PricedBill]] = {pid: [] for pid in bill_ids}
    if not wanted:
        return {pid: DebtPosition(pid, as_of, ()) for pid in bill_ids}
    held = set(
        AgreementBill.objects.filter(bill_id__any_of=wanted, active=True).values_list("bill_id", flat=True)
    )
    bills = (
        Bill.objects.filter(id__in=in_ids(wanted), status=BillStatus.RELEASED)  # by primary key: index probes
        .exclude(HELD_BILLS)
        .order_by("due_date", "id")
        .values_list("id", "property_id", "reference", "due_date", "total")
    )
    for pk, pid, reference, due, total in bills:
        if pk not in held and pid in rows:
            rows[pid].append(price_bill(pk, reference, due, total, as_of, rule))
    locked = properties_with_locks(as_of) & set(bill_ids)
    no_fine = {pid for pid, lock in legal_locks_for(locked, as_of).items() if lock.no_fine}
    return {
        pid: DebtPosition(
            pid, as_of, tuple(without_fine(i) for i in items) if pid in no_fine else tuple(items)
        )
        for pid, items in rows.items()
    }


def installment_policy(on: dt.date) -> tuple[InstallmentPolicyVersion, InstallmentPolicy]:
    version = (
        InstallmentPolicyVersion.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    )
    if version is None:
        raise NotFound(
            "Não há política de parcelamento vigente nesta data.",
            field="policy",
            code=ErrorCode.NO_INSTALLMENT_POLICY,
        )
    return version, InstallmentPolicy(
        monthly_rate=Decimal(version.monthly_rate),
        max_installments=version.max_installments,
        min_down_payment_rate=Decimal(version.min_down_payment_rate),
        down_payment_required=version.down_payment_required,
        min_installment=Decimal(version.min_installment),
        min_debt=Decimal(version.min_debt),
        fine_discount_rate=Decimal(version.fine_discount_rate),
        interest_discount_rate=Decimal(version.interest_discount_rate),
        rounding=Rounding(version.rounding),
        leftover=LeftoverPlacement(version.leftover),
    )


@dataclass(frozen=True)
class InstallmentState:
    installment: Installment
    bill_id: int | None
    bill_status: str | None
    due_date: dt.date | None

    @property
    def prepaid(self) -> bool:
        """Paid ahead by its booklet slip, before any bill carried it (VA-16, ADR 0213)."""
        return self.installment.paid_document_id is not None

    @property
    def paid(self) -> bool:
        # untyped Django: mypy reads a TextChoices member as its (value, label) tuple; it is the str
        return self.prepaid or self.bill_status == BillStatus.PAID


def installment_states(agreement: Agreement) -> list[InstallmentState]:
    installments = list(agreement.installments.all())
    billed = {
        int(source_id): (bill_id, status, due)
        for source_id, bill_id, status, due in BillItem.objects.filter(
            source=INSTALLMENT_SOURCE, source_id__in=[str(i.pk) for i in installments]
        )
        .exclude(bill__status=BillStatus.CANCELLED)
        .values_list("source_id", "bill_id", "bill__status", "bill__due_date")
    }
    return [InstallmentState(i, *(billed.get(i.pk) or (None, None, None))) for i in installments]


def certificate_debts(property_id: int, as_of: dt.date) -> list[DebtItem]:
    """Open bills outside agreements, and the unpaid installments of live agreements (an installment
    not yet on a bill has no due date: never overdue, TR §10.11)."""
    position = debt_position(property_id, as_of)
    items = [
        DebtItem(f"{p.reference:%m/%Y}", p.original, p.due_date, DebtStatus.OPEN) for p in position.items
    ]
    # held bills: not overdue while the hold lasts, but not cleared either (positive with the
    # effect of a negative one)
    items += [
        DebtItem(f"{reference:%m/%Y}", total, due, DebtStatus.SUSPENDED)
        for reference, total, due in open_bills(property_id)
        .filter(HELD_BILLS)
        .values_list("reference", "total", "due_date")
    ]
    live = Agreement.objects.filter(
        property_id=property_id, status__in=[Agreement.Status.ACTIVE, Agreement.Status.AWAITING_DOWN_PAYMENT]
    )
    for agreement in live:
        if agreement.status == Agreement.Status.AWAITING_DOWN_PAYMENT and agreement.down_payment_document:
            doc = agreement.down_payment_document
            items.append(
                DebtItem("entrada", doc.amount, doc.valid_until, DebtStatus.OPEN, agreement=agreement.number)
            )
        for state in installment_states(agreement):
            if not state.paid:
                items.append(
                    DebtItem(
                        f"parcela {state.installment.number}/{agreement.count}",
                        state.installment.amount,
                        state.due_date,
                        DebtStatus.OPEN,
                        agreement=agreement.number,
                    )
                )
    return items


def year_bills(property_id: int, year: int) -> list[DebtItem]:
    from modules.billing.models import Bill
    from modules.collection.models import Settlement

    paid_on = dict(
        Settlement.objects.filter(
            bill__property_id=property_id, reversed=False, bill__due_date__year=year
        ).values_list("bill_id", "paid_on")
    )
    status_map = {BillStatus.PAID: DebtStatus.PAID, BillStatus.CANCELLED: DebtStatus.CANCELLED}
    return [
        DebtItem(
            f"{b.reference:%m/%Y}",
            b.total,
            b.due_date,
            DebtStatus.SUSPENDED
            if b.hold == BillHold.IN_PROCESS and b.status == BillStatus.RELEASED
            else status_map.get(b.status, DebtStatus.OPEN),
            paid_on=paid_on.get(b.pk),
        )
        for b in Bill.objects.filter(property_id=property_id, due_date__year=year).exclude(
            status=BillStatus.DRAFT
        )
    ]


def property_by_account(account: str) -> int | None:
    """The property of a matrícula as typed at the counter (with or without its check-digit dash)."""
    text = account.strip()
    digits = "".join(c for c in text if c.isdigit())
    if not digits:
        return None
    forms = {text, digits, f"{digits[:-1]}-{digits[-1]}"}
    pk: int | None = Property.objects.filter(account_number__in=forms).values_list("pk", flat=True).first()
    return pk


def certificate_decision(property_id: int, as_of: dt.date) -> CertificateDecision:
    """What a certificate requested today would say (the page shows a refusal with its debts)."""
    return decide_certificate(certificate_debts(property_id, as_of), as_of)


def live_agreement(property_id: int) -> Agreement | None:
    agreement: Agreement | None = Agreement.objects.filter(property_id=property_id, status__in=LIVE).first()
    return agreement


def _debt(
    property_id: int,
    as_of: dt.date,
    replacing: Agreement | None,
    services: Decimal = Decimal("0.00"),
    bill_ids: list[int] | None = None,
    transfer_from: tuple[int, ...] = (),
) -> tuple[InstallmentPolicyVersion, InstallmentPolicy, DebtPosition, DebtToNegotiate]:
    version, policy = installment_policy(as_of)
    position = debt_position(property_id, as_of, bill_ids)
    for other in transfer_from:
        # 3.2.9.2.4: another unit's open debts move into this plan (its bills stay its own, held by the
        # agreement: AgreementBill rows of another property are the trace)
        position = DebtPosition(property_id, as_of, position.items + debt_position(other, as_of).items)
    previous = Decimal("0.00")
    if replacing is not None:
        previous = unbilled_present_value(
            [
                ScheduleLine(
                    number=s.installment.number,
                    due_date=None,
                    amount=s.installment.amount,
                    interest=s.installment.interest,
                    amortization=s.installment.amortization,
                    balance=s.installment.balance,
                )
                for s in installment_states(replacing)
                if s.bill_id is None
            ]
        )
    totals = position.totals
    debt = DebtToNegotiate(
        bills=totals["original"],
        fines=totals["fine"],
        interest=totals["interest"] + totals["correction"],
        services=services,
        previous_agreements=previous,
    )
    return version, policy, position, debt


class Negotiation(NamedTuple):
    """What an agreement signed on `as_of` would negotiate: the policy in force, the open debts and
    the total to install (after the policy's discounts, with the replaced plan's balance)."""

    version: InstallmentPolicyVersion
    policy: InstallmentPolicy
    position: DebtPosition
    total: Decimal


def negotiation(
    property_id: int,
    as_of: dt.date,
    replacing: Agreement | None,
    *,
    bill_ids: list[int] | None = None,
    transfer_from: tuple[int, ...] = (),
) -> Negotiation:
    """`bill_ids`: only these open bills (picked by the user, 3.2.9.2.3, or a CDA's, 3.2.9.18.7);
    every open bill otherwise. `transfer_from`: other units whose open debts join (3.2.9.2.4)."""
    version, policy, position, debt = _debt(
        property_id, as_of, replacing, bill_ids=bill_ids, transfer_from=transfer_from
    )
    return Negotiation(
        version,
        policy,
        position,
        negotiated_total(debt, policy).total if debt.bills + debt.previous_agreements else Decimal("0.00"),
    )


def installment_simulation(
    *, property_id: int, as_of: dt.date, down_payment: Decimal | None = None
) -> tuple[InstallmentPolicyVersion, InstallmentPolicy, DebtPosition, Simulation]:
    """The simulation a new agreement of this property would follow today: (policy version, policy,
    debt position, every count the policy allows for this entry). Read-only; the staff API, the
    wizard and the citizens' agency answer the same numbers."""
    property_get(property_id)
    version, policy, position, total = negotiation(property_id, as_of, None)
    return version, policy, position, simulate(total, policy, down_payment=down_payment)


@dataclass(frozen=True)
class SimulationDetail:
    """Seed 003's whole simulator screen: the debt summary (Resumo do débito), the cash payment
    (PAGAMENTO À VISTA) and the installment options, with or without the reactivation fee."""

    version: InstallmentPolicyVersion
    policy: InstallmentPolicy
    position: DebtPosition
    debt: DebtToNegotiate
    negotiated: NegotiatedTotal
    simulation: Simulation | None  # None when the entry or the debt is refused (see `refusal`)
    refusal: ValidationFailed | None
    reactivation_fee: Decimal  # added to "débitos a cobrar: serviços" when asked for


def installment_simulation_detail(
    *, property_id: int, as_of: dt.date, down_payment: Decimal | None = None, reactivation: bool = False
) -> SimulationDetail:
    """Like installment_simulation, with the summary lines and, when the citizen asks for the water
    connection to be reactivated, the utility's reactivation fee (InstallmentPolicyVersion) added to
    the debt as a service to be charged, before the installment table."""
    property_get(property_id)
    version, _ = installment_policy(as_of)
    fee = Decimal(version.reactivation_fee) if reactivation else Decimal("0.00")
    version, policy, position, debt = _debt(property_id, as_of, None, services=fee)
    if debt.bills + debt.previous_agreements:
        negotiated = negotiated_total(debt, policy)
    else:  # no open bill: nothing to negotiate, the fee alone is paid with the reactivation
        negotiated = NegotiatedTotal(updated=Decimal("0.00"), discount=Decimal("0.00"), total=Decimal("0.00"))
    try:
        sim: Simulation | None = simulate(negotiated.total, policy, down_payment=down_payment)
        refusal = None
    except ValidationFailed as exc:
        sim, refusal = None, exc
    return SimulationDetail(version, policy, position, debt, negotiated, sim, refusal, fee)


SLIP_SOURCE = "debt.installment_slip"


def slip_reserved(installment_ids: list[str]) -> set[str]:
    """Installments (ids as text) a booklet slip answers for: paid ahead by one, or with one still
    open and payable today (VA-16, ADR 0213). Billing offers none of them, so an installment is never
    both on a bill and on a slip that can be paid."""
    from modules.collection.models import PaymentDocument
    from modules.common.clock import tenant_today

    prepaid = {
        str(pk)
        for pk in Installment.objects.filter(
            pk__in=[int(i) for i in installment_ids], paid_document__isnull=False
        ).values_list("pk", flat=True)
    }
    open_slips = set(
        PaymentDocument.objects.filter(
            source=SLIP_SOURCE,
            source_id__in=installment_ids,
            status=PaymentDocument.Status.OPEN,
            valid_until__gte=tenant_today(),
        ).values_list("source_id", flat=True)
    )
    return prepaid | open_slips


def installment_items(property_ids: list[int], reference: YearMonth) -> dict[int, list[PendingItem]]:
    """billing's item source: the next unbilled installment of each active agreement, one per month."""
    result: dict[int, list[PendingItem]] = {}
    agreements = Agreement.objects.filter(property_id__in=property_ids, status=Agreement.Status.ACTIVE)
    installments = list(Installment.objects.filter(agreement__in=agreements).select_related("agreement"))
    if not installments:
        return result
    ids = [str(i.pk) for i in installments]
    billed = already_billed(INSTALLMENT_SOURCE, ids)
    # paid ahead by a booklet slip, or with a slip open today: billing leaves it to the slip (ADR 0213)
    billed |= slip_reserved(ids)
    this_month = set(
        BillItem.objects.filter(
            source=INSTALLMENT_SOURCE, source_id__in=ids, bill__reference=reference.first_day()
        )
        .exclude(bill__status=BillStatus.CANCELLED)
        .values_list("source_id", flat=True)
    )
    busy = {i.agreement_id for i in installments if str(i.pk) in this_month}
    offered: set[int] = set()
    for item in sorted(installments, key=lambda i: (i.agreement_id, i.number)):
        agreement = item.agreement
        if str(item.pk) in billed or agreement.pk in busy or agreement.pk in offered:
            continue
        offered.add(agreement.pk)
        result.setdefault(agreement.property_id, []).append(
            PendingItem(
                kind="installment",
                description=f"Parcela {item.number}/{agreement.count} do parcelamento {agreement.number}",
                amount=item.amount,
                source=INSTALLMENT_SOURCE,
                source_id=str(item.pk),
            )
        )
    return result


def certificate_verify(code: str) -> Certificate:
    normalized = cert_rules.normalize_code(code)  # a mistyped code is caught before any lookup
    cert: Certificate | None = Certificate.objects.filter(code=normalized).first()
    if cert is None:
        raise NotFound(
            "Documento não autenticado: nenhum documento foi emitido com este código de autenticação.",
            field="code",
            code=ErrorCode.CERTIFICATE_NOT_FOUND,
        )
    return cert


@dataclass(frozen=True)
class PolicyVersionRow:
    version: InstallmentPolicyVersion
    in_force: bool
    upcoming: bool
    agreements: int

    def _percent(self, name: str) -> str:
        return f"{(Decimal(getattr(self.version, name)) * 100).normalize():f}".replace(".", ",")

    @property
    def monthly_percent(self) -> str:
        return self._percent("monthly_rate")

    @property
    def down_percent(self) -> str:
        return self._percent("min_down_payment_rate")

    @property
    def fine_percent(self) -> str:
        return self._percent("fine_discount_rate")

    @property
    def interest_percent(self) -> str:
        return self._percent("interest_discount_rate")


def policy_versions(today: dt.date) -> list[PolicyVersionRow]:
    """Every version of the installment policy, newest first: which is in force today, which are to
    come, and how many agreements each was signed under."""
    versions = list(InstallmentPolicyVersion.objects.order_by("-effective_from"))
    used = {
        r["policy_id"]: r["n"]
        for r in Agreement.objects.order_by().values("policy_id").annotate(n=Count("id"))
    }
    current = next((v.pk for v in versions if v.effective_from <= today), None)
    return [
        PolicyVersionRow(v, v.pk == current, v.effective_from > today, used.get(v.pk, 0)) for v in versions
    ]


@dataclass(frozen=True)
class DocumentText:
    kind: Kind
    title: str  # in force today (the default's when no version is)
    body_html: str
    in_force: DocumentTemplate | None
    versions: list[DocumentTemplate]  # newest first
    upcoming: list[DocumentTemplate]  # starting after today, soonest first


def document_texts(today: dt.date) -> list[DocumentText]:
    """Each debt document's text in force today and its versions."""
    rows: dict[str, list[DocumentTemplate]] = {}
    for row in DocumentTemplate.objects.filter(kind__in=list(KINDS)).order_by("-valid_from", "-created_at"):
        rows.setdefault(row.kind, []).append(row)
    out = []
    for kind in KINDS.values():
        versions = rows.get(kind.key, [])
        current = template_in_force(kind.key, today)
        out.append(
            DocumentText(
                kind,
                current.title if current else kind.title,
                current.body_html if current else kind.body,
                current,
                versions,
                sorted((v for v in versions if v.valid_from > today), key=lambda v: v.valid_from),
            )
        )
    return out


def policy_export(version: InstallmentPolicyVersion) -> dict[str, Any]:
    """A version as the API and the configuration document show it: rates as fractions and money
    as strings at the field's precision, dates ISO."""

    def fixed(value: Any, places: str) -> str:
        return str(Decimal(value).quantize(Decimal(places)))

    return {
        "effective_from": version.effective_from.isoformat(),
        "resolution": version.resolution,
        "monthly_rate": fixed(version.monthly_rate, "0.000001"),
        "max_installments": version.max_installments,
        "standard_max_installments": version.standard_max_installments,
        "min_down_payment_rate": fixed(version.min_down_payment_rate, "0.0001"),
        "down_payment_required": version.down_payment_required,
        "min_installment": fixed(version.min_installment, "0.01"),
        "min_debt": fixed(version.min_debt, "0.01"),
        "fine_discount_rate": fixed(version.fine_discount_rate, "0.0001"),
        "interest_discount_rate": fixed(version.interest_discount_rate, "0.0001"),
        "rounding": version.rounding,
        "leftover": version.leftover,
        "down_payment_days": version.down_payment_days,
        "cancel_after_unpaid": version.cancel_after_unpaid,
        "reactivation_fee": fixed(version.reactivation_fee, "0.01"),
        "representative_name": version.representative_name,
        "max_replans": version.max_replans,
        "replan_max_installments": version.replan_max_installments,
        "replan_max_installments_infraction": version.replan_max_installments_infraction,
        "replan_min_down_payment_rate_infraction": fixed(
            version.replan_min_down_payment_rate_infraction, "0.0001"
        ),
    }


def replans_of_customer(property_id: int) -> int:
    """Re-plans (agreements replacing another) on any property of the property's current responsible
    customer (3.2.9.1.10 counts per customer); 0 when the property has nobody responsible."""
    from modules.registry.models import PropertyRelation

    customer = (
        PropertyRelation.objects.filter(property_id=property_id, end__isnull=True)
        .order_by("role")
        .values_list("customer_id", flat=True)
        .first()
    )
    if customer is None:
        return int(Agreement.objects.filter(property_id=property_id, replaces__isnull=False).count())
    properties = PropertyRelation.objects.filter(customer_id=customer, end__isnull=True).values("property_id")
    return int(Agreement.objects.filter(property_id__in=properties, replaces__isnull=False).count())


@dataclass(frozen=True)
class PayoffQuote:
    """What paying the rest of an active agreement on a day costs (3.2.9.4): the installments not yet
    on a bill at present value (their amortization: the interest not yet earned is removed); the
    installments already billed stay on their bills, with their own late charges."""

    agreement: Agreement
    as_of: dt.date
    installments: int
    face_value: Decimal
    present_value: Decimal

    @property
    def interest_removed(self) -> Decimal:
        return self.face_value - self.present_value


def agreement_payoff_quote(agreement: Agreement, as_of: dt.date) -> PayoffQuote:
    from .domain.installments import early_payoff

    unbilled = [s.installment for s in installment_states(agreement) if s.bill_id is None and not s.paid]
    lines = [ScheduleLine(i.number, None, i.amount, i.interest, i.amortization, i.balance) for i in unbilled]
    return PayoffQuote(
        agreement=agreement,
        as_of=as_of,
        installments=len(lines),
        face_value=sum((line.amount for line in lines), ZERO),
        present_value=early_payoff(lines),
    )
