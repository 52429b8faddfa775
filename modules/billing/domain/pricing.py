"""One property's bill of one month, as a pure function of named facts.

The services load, for a chunk of properties, what each bill depends on (`PropertyFacts`: its
economias, connections, meter, the month's reading, the history where the reading is missing, the
chosen due day, other modules' pending items) and what the month's bills share (`BillingTerms`:
the tariff version in force, the group's schedule, holidays, the tenant's minimum time to pay).
`price_bill` turns them into a `PricedBill`: the consumption billed and how it was chosen, what
the critique must look at (anomalies), the bill lines, the total and the due date. The billing
run, the rebill and the simulation's comparison all price through here; nothing here reads the
database or the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum

from modules.common.domain import calendar as cal
from modules.common.domain.dates import YearMonth
from modules.common.errors import DomainError
from modules.reading.domain.consumption import (
    FLAG_LABELS,
    ConsumptionKind,
    ConsumptionPolicy,
    Flag,
    HistoryEntry,
    average_consumption,
    common_area_consumption,
    fixed_by_outlets,
)

from ..errors import ErrorCode
from .apportion import apportion
from .calculation import BillCalculation, CategoryBill, calculate_bill
from .exceptions import (
    SERVICE_TYPE_LABELS,
    BillingException,
    ExceptionKind,
    exempt_components,
    first,
    volume_rule,
)
from .tariffs import DwellingUnitMode, DwellingUnits, ServiceType, TariffVersion

ZERO = Decimal("0.00")


class NotBillable(DomainError):
    """One property the run cannot bill; reported in the run, the others go on."""


class ItemKind(StrEnum):
    """What a bill line (rubrica) charges."""

    WATER = "water"
    SEWER = "sewer"
    FIXED = "fixed"
    SERVICE = "service"
    INSTALLMENT = "installment"
    CREDIT = "credit"
    LATE_CHARGE = "late_charge"
    ADJUSTMENT = "adjustment"
    SOLID_WASTE = "solid_waste"


ITEM_KIND_LABELS = {
    ItemKind.WATER: "Água",
    ItemKind.SEWER: "Esgoto",
    ItemKind.FIXED: "Tarifa fixa",
    ItemKind.SERVICE: "Serviço",
    ItemKind.INSTALLMENT: "Parcela de acordo",
    ItemKind.CREDIT: "Crédito",
    ItemKind.LATE_CHARGE: "Acréscimos por impontualidade",
    ItemKind.ADJUSTMENT: "Ajuste",
    ItemKind.SOLID_WASTE: "Resíduos sólidos",
}

# the components a property may be exempt from (3.2.13.10.13): the tariff's and the service fees;
# never an installment, a credit or a late charge, which are the customer's own debts and credits
EXEMPTIBLE_KINDS = (ItemKind.WATER, ItemKind.SEWER, ItemKind.FIXED, ItemKind.SERVICE, ItemKind.SOLID_WASTE)
EXEMPT_SUFFIX = " – isento"


class AnomalyCode(StrEnum):
    """What the critique is asked to look at, besides the reading's own flags (BILL_FLAGS)."""

    CORRECTED = "corrected"
    READING_IN_REVIEW = "reading_in_review"
    NO_READING = "no_reading"
    ECONOMIES_CHANGED = "economies_changed"  # S8.9-04: the economias changed during the reference
    # an individualized condominium's master (S14.8-03): the dependents passed the master's volume,
    # or a dependent has no reading of the month to subtract
    CONDO_DEPENDENTS_EXCEED = "condo_dependents_exceed"
    CONDO_DEPENDENT_UNREAD = "condo_dependent_unread"


# the reading's flags that the bill's critique repeats (a review occurrence shows as "in review")
BILL_FLAGS = frozenset({Flag.HIGH, Flag.LOW, Flag.ZERO, Flag.ROLLOVER, Flag.METER_SWAP})


@dataclass(frozen=True)
class PendingItem:
    """A line another module puts on the next bill (installment, credit, late charge, service fee)."""

    kind: str  # an ItemKind value
    description: str
    amount: Decimal  # negative for credits
    source: str  # "debt.installment"
    source_id: str


@dataclass(frozen=True)
class UnitFact:
    """Economias of one category (and subcategory, when the property has one) in the property."""

    category_code: str
    subcategory_code: str
    economies: int
    plan_minimum_m3_per_unit: int | None = None  # the usage plan's minimum, when it sets one (S5.3-04)
    dwelling_unit_mode: str = DwellingUnitMode.SPLIT.value  # the usage plan's economia mode (S5.3-05)


@dataclass(frozen=True)
class ReadingFact:
    """The month's reading as the bill uses and prints it."""

    kind: ConsumptionKind
    consumption_m3: int
    flags: tuple[str, ...]
    in_review: bool
    read_on: dt.date | None = None
    previous_value: int | None = None
    value: int | None = None
    meter_number: str = ""
    occurrence: str = ""  # the occurrence's description, when the reader noted one


@dataclass(frozen=True)
class Payer:
    """Who the bill is issued to, as it was on the issue date (registry.domain.payer decides)."""

    name: str
    document: str  # CPF/CNPJ, digits (or the alphanumeric CNPJ); "" when the customer has none


@dataclass(frozen=True)
class CondominiumFacts:
    """A master meter's dependents in the month (S14.8): the consumption of each dependent read in
    the month, and the account numbers of those with no reading (billed by average on their own
    bills, so their volume is not known here)."""

    dependents_m3: tuple[int, ...]
    unread: tuple[str, ...] = ()
    # ADR 0220: "master" bills the common area on the master's bill (ADR 0190); "apportion" splits
    # it equally (whole m³, ADR 0021's apportion) among the dependents' bills, the master's bills 0 m³
    policy: str = "master"


class CommonAreaPolicy(StrEnum):
    MASTER = "master"
    APPORTION = "apportion"


def common_area_shares(master_m3: int, dependents_m3: Sequence[int]) -> tuple[int, ...]:
    """Each dependent's whole-m³ share of the common area, in the dependents' order (S14.8-02 under
    the apportion policy): 500 m³ less 430 m³ over 3 dependents → 24, 23, 23."""
    if not dependents_m3:
        return ()
    area = common_area_consumption(master_m3, dependents_m3)
    return apportion(area.m3, [1] * len(dependents_m3))


@dataclass(frozen=True)
class PropertyFacts:
    property_id: int
    account_base: int
    active: bool
    status_label: str  # the property's situation, as people read it
    units: tuple[UnitFact, ...]
    water_active: bool
    sewer_active: bool
    metered: bool  # a meter is installed on the water connection
    reading: ReadingFact | None
    water_outlets: int = 0  # tomadas d'água: what an unmetered property is billed by
    history: tuple[HistoryEntry, ...] = ()  # loaded only when the month has no reading
    due_day: int | None = None  # the day the customer chose (Lei 9.791/1999)
    pending: tuple[PendingItem, ...] = ()
    payer: Payer | None = None  # None: nobody is responsible for the property's bills
    # the sewer connection's own share of the water amount (S4.7-02), in place of the tariff's
    sewer_percent: Decimal | None = None
    economies_changed: bool = False  # S8.9-04: registry changed its economias during the reference
    # the master of an individualized condominium: its bill charges the common area (S14.8-02)
    condominium: CondominiumFacts | None = None
    # the components (ItemKind values) exempt in the reference month (3.2.13.10.13)
    exempt: frozenset[str] = frozenset()
    # the billing exceptions in force in the reference month (S4.7, domain.exceptions)
    exceptions: tuple[BillingException, ...] = ()
    # the day the water connection was (re)connected, when it was: 3.2.7.12.5 delays its first bill
    connected_on: dt.date | None = None
    # the bill goes to an alternative delivery address (3.2.7.12.7: the delivery fee, when charged)
    alternative_delivery: bool = False
    # a dependent's share of its condominium's common area, under the apportion policy (ADR 0220)
    common_area_share_m3: int | None = None


@dataclass(frozen=True)
class BilledConsumption:
    """One bill of a past month, as the tariff comparison prices it again: the m³ it billed, with
    the property's economias and connections."""

    m3: int
    units: tuple[UnitFact, ...]
    water_active: bool
    sewer_active: bool
    sewer_percent: Decimal | None = None


@dataclass(frozen=True)
class ScheduleDates:
    """The group's billing and due dates in the reference month (the reading schedule)."""

    billing_date: dt.date
    due_date: dt.date


@dataclass(frozen=True)
class BillingTerms:
    """What every bill of a group and month shares."""

    reference: YearMonth
    version: TariffVersion
    issued_on: dt.date  # the day the bills are issued (the run's day), not the schedule's
    schedule: ScheduleDates | None
    holidays: frozenset[dt.date]
    consumption_policy: ConsumptionPolicy = field(default_factory=ConsumptionPolicy)
    min_days_after_issue: int = 5  # ADR 0024
    m3_per_outlet: int = 0  # unmetered properties: m³ per water outlet (0: the tariff's minimum)
    # 3.2.7.12.5: a connection (re)connected fewer days than this before the reading waits a cycle
    first_bill_min_days: int = 0
    # 3.2.7.12.7: the fee on bills sent to an alternative delivery address; 0 = not charged
    delivery_fee: Decimal = ZERO


@dataclass(frozen=True)
class Anomaly:
    code: str  # an AnomalyCode or a reading Flag value
    message: str


@dataclass(frozen=True)
class ConsumptionChoice:
    kind: ConsumptionKind
    volume_m3: int
    anomalies: tuple[Anomaly, ...]


@dataclass(frozen=True)
class BillLine:
    kind: str  # an ItemKind value (other modules' items carry theirs)
    description: str
    category: str
    band: str
    quantity_m3: int | None
    unit_price: Decimal | None
    amount: Decimal
    source: str
    source_id: str
    position: int
    rule: str = ""  # the rule that made the line ("tariff.band+minimum", "exception.volume_cap" …)


@dataclass(frozen=True)
class PricedBill:
    property_id: int
    account_base: int
    calculation: BillCalculation
    consumption_kind: ConsumptionKind
    lines: tuple[BillLine, ...]
    total: Decimal
    due_date: dt.date
    anomalies: tuple[Anomaly, ...]
    reading: ReadingFact | None  # what the bill prints of the month's reading
    payer: Payer | None
    service: ServiceType = ServiceType.WATER_SEWER
    consumption_m3: int = 0  # the month's volume before a volume exception

    @property
    def billed_m3(self) -> int:
        return self.calculation.billed_m3


Calculate = Callable[[int, tuple[DwellingUnits, ...], ServiceType, Decimal | None], BillCalculation]


@dataclass
class CachedCalculation:
    """`calculate_bill` on one tariff version, remembered: most properties of a month share
    (m³, economias, service, sewer share), so each combination is priced once."""

    version: TariffVersion
    _seen: dict[tuple[int, tuple[DwellingUnits, ...], ServiceType, Decimal | None], BillCalculation] = field(
        default_factory=dict
    )

    def __call__(
        self, m3: int, units: tuple[DwellingUnits, ...], service: ServiceType, sewer_percent: Decimal | None
    ) -> BillCalculation:
        key = (m3, units, service, sewer_percent)
        calc = self._seen.get(key)
        if calc is None:
            calc = self._seen[key] = calculate_bill(
                self.version, m3, units, service, sewer_percent=sewer_percent
            )
        return calc


def dwelling_units(units: Sequence[UnitFact], version: TariffVersion) -> tuple[DwellingUnits, ...]:
    """The property's economias in the version's categories: a subcategory the version prices on its
    own ("RES/SOC") is billed as such, otherwise as its category. Raises NotBillable when there is
    none, or when the version has no price for one of them."""
    if not units:
        raise NotBillable("Imóvel sem categoria/economias.", code=ErrorCode.NO_DWELLING_UNITS)
    codes = {c.code for c in version.categories}
    resolved = []
    for unit in units:
        sub = f"{unit.category_code}/{unit.subcategory_code}"
        code = sub if unit.subcategory_code and sub in codes else unit.category_code
        if code not in codes:
            raise NotBillable(
                f"Categoria {code} não existe na tarifa do ato {version.act}.",
                code=ErrorCode.UNKNOWN_CATEGORY,
            )
        resolved.append(
            DwellingUnits(
                code, unit.economies, unit.plan_minimum_m3_per_unit, DwellingUnitMode(unit.dwelling_unit_mode)
            )
        )
    return tuple(resolved)


def service_type(
    *,
    water_active: bool,
    sewer_active: bool,
    version: TariffVersion,
    units: Sequence[DwellingUnits],
    chosen: ServiceType | None = None,
) -> ServiceType:
    """What the connections bill: water and sewer, water only, or sewer only at the special sewer
    tariff (TEE, for properties on wells) when every category has one (S8.7-01); or the type a
    `service_type` exception chose (S14.1-06: the five types, "água e TEE" and "água, esgoto e TEE"
    among them), which still needs the water connection active when it bills water. Raises
    NotBillable otherwise."""
    if chosen is not None:
        if chosen.water and not water_active:
            raise NotBillable(
                f"Tipo de faturamento {SERVICE_TYPE_LABELS[chosen]} sem ligação de água ativa.",
                code=ErrorCode.NO_ACTIVE_CONNECTION,
            )
        return chosen
    if water_active and sewer_active:
        return ServiceType.WATER_SEWER
    if water_active:
        return ServiceType.WATER
    if sewer_active and all(
        version.category(u.category_code).special_sewer_amount is not None for u in units
    ):
        return ServiceType.SPECIAL_SEWER
    raise NotBillable("Imóvel sem ligação de água ativa.", code=ErrorCode.NO_ACTIVE_CONNECTION)


def choose_consumption(
    facts: PropertyFacts, terms: BillingTerms, *, consumption_override: int | None = None
) -> ConsumptionChoice:
    """The volume to bill (`own_consumption`); for the master of an individualized condominium, the
    common area: that volume less the dependents' of the month (`condominium_consumption`). A
    correction's figure is the bill's volume as given, never reduced again."""
    choice = own_consumption(facts, terms, consumption_override=consumption_override)
    if consumption_override is not None:
        return choice
    if facts.common_area_share_m3:
        return replace(choice, volume_m3=choice.volume_m3 + facts.common_area_share_m3)
    if facts.condominium is None:
        return choice
    area = condominium_consumption(choice, facts.condominium)
    if facts.condominium.policy == CommonAreaPolicy.APPORTION and facts.condominium.dependents_m3:
        return replace(area, volume_m3=0)  # the dependents' bills carry it
    return area


def condominium_consumption(choice: ConsumptionChoice, condo: CondominiumFacts) -> ConsumptionChoice:
    """The master's bill charges its volume less the dependents' read in the month (S14.8-02). It
    goes to critique, never to a negative or made-up volume (S14.8-03, ADR 0190): when the dependents
    sum more than the master the common area is billed at 0 m³ (the tariff's minimum still applies);
    when a dependent has no reading of the month, its volume is unknown and the subtraction leaves
    it out, so the common area may be too high."""
    area = common_area_consumption(choice.volume_m3, condo.dependents_m3)
    anomalies = list(choice.anomalies)
    dependents = sum(condo.dependents_m3)
    if area.dependents_exceed_master:
        anomalies.append(
            Anomaly(
                AnomalyCode.CONDO_DEPENDENTS_EXCEED,
                f"Dependentes somam {dependents} m³, mais que o medidor principal ({choice.volume_m3} m³): "
                "área comum faturada com 0 m³. Verifique o sincronismo das leituras e a caixa d'água.",
            )
        )
    if condo.unread:
        anomalies.append(
            Anomaly(
                AnomalyCode.CONDO_DEPENDENT_UNREAD,
                f"Dependente(s) sem leitura no mês: {', '.join(condo.unread)}; "
                "área comum calculada sem o consumo deles.",
            )
        )
    return ConsumptionChoice(choice.kind, area.m3, tuple(anomalies))


def own_consumption(
    facts: PropertyFacts, terms: BillingTerms, *, consumption_override: int | None = None
) -> ConsumptionChoice:
    """The volume to bill and how it was chosen, with what the critique must see: a correction's
    figure; else the month's reading (its flags and a pending review); else, metered, the average
    of the measured history (the minimum without one, S14.6); else, unmetered, its outlets × the
    utility's m³ per outlet (seed 001 3.2.4.4.3), and the tariff's minimum per economia when the
    utility sets none (the calculation never bills less than that minimum)."""
    if consumption_override is not None:
        m3 = consumption_override
        corrected = Anomaly(AnomalyCode.CORRECTED, f"Consumo informado na correção: {m3} m³.")
        return ConsumptionChoice(ConsumptionKind.MEASURED, m3, (corrected,))
    reading = facts.reading
    if reading is not None:
        anomalies = [Anomaly(flag, FLAG_LABELS[Flag(flag)]) for flag in reading.flags if flag in BILL_FLAGS]
        if reading.in_review:
            anomalies.append(Anomaly(AnomalyCode.READING_IN_REVIEW, "Leitura pendente de análise."))
        return ConsumptionChoice(reading.kind, reading.consumption_m3, tuple(anomalies))
    if facts.metered:
        average = average_consumption(facts.history, terms.reference, terms.consumption_policy)
        if average is None:
            missing = Anomaly(AnomalyCode.NO_READING, "Sem leitura nem histórico: faturado pelo mínimo.")
            return ConsumptionChoice(ConsumptionKind.MINIMUM, 0, (missing,))
        by_average = Anomaly(AnomalyCode.NO_READING, f"Sem leitura: faturado pela média ({average} m³).")
        return ConsumptionChoice(ConsumptionKind.AVERAGE, average, (by_average,))
    return ConsumptionChoice(
        ConsumptionKind.FIXED, fixed_by_outlets(facts.water_outlets, terms.m3_per_outlet), ()
    )


def _band_label(from_m3: int, to_m3: int | None) -> str:
    return f"{from_m3} a {to_m3} m³" if to_m3 is not None else f"acima de {from_m3 - 1} m³"


def _line(
    kind: str,
    description: str,
    amount: Decimal,
    *,
    category: str = "",
    band: str = "",
    quantity_m3: int | None = None,
    unit_price: Decimal | None = None,
    source: str = "",
    source_id: str = "",
    rule: str = "",
) -> BillLine:
    return BillLine(
        kind, description, category, band, quantity_m3, unit_price, amount, source, source_id, 0, rule
    )


def water_rule(c: CategoryBill) -> str:
    parts = ["tariff.band"]
    if c.minimum_applied:
        parts.append("minimum")
    if c.mode is not DwellingUnitMode.SPLIT:
        parts.append(f"economia.{c.mode.value}")
    return "+".join(parts)


def _tariff_lines(calc: BillCalculation, sewer_rule: str = "tariff.sewer_percent") -> list[BillLine]:
    lines: list[BillLine] = []
    for c in calc.categories:
        code, name = c.category_code, c.category_name
        line_rule = water_rule(c)
        for line in c.lines:
            band = _band_label(line.from_m3, line.to_m3)
            lines.append(
                _line(
                    ItemKind.WATER,
                    f"Água {name} – faixa {line.band_number} ({band})",
                    line.water_amount,
                    category=code,
                    band=band,
                    quantity_m3=line.volume_m3,
                    unit_price=line.unit_price,
                    rule=line_rule,
                )
            )
        for line in c.lines:
            if line.sewer_amount is not None:
                band = _band_label(line.from_m3, line.to_m3)
                lines.append(
                    _line(
                        ItemKind.SEWER,
                        f"Esgoto {name} – faixa {line.band_number} ({band})",
                        line.sewer_amount,
                        category=code,
                        band=band,
                        quantity_m3=line.volume_m3,
                        rule=sewer_rule,
                    )
                )
        if c.sewer_amount and all(line.sewer_amount is None for line in c.lines):
            # sewer rounded per bill: one line for the category
            lines.append(
                _line(
                    ItemKind.SEWER,
                    f"Esgoto {name}",
                    c.sewer_amount,
                    category=code,
                    quantity_m3=c.billed_m3,
                    rule=f"{sewer_rule}+per_bill",
                )
            )
        if c.special_sewer_amount:
            lines.append(
                _line(
                    ItemKind.SEWER,
                    f"Tarifa de esgoto especial (TEE) {name}",
                    c.special_sewer_amount,
                    category=code,
                    rule="tariff.special_sewer",
                )
            )
        for charge in c.fixed_charges:
            lines.append(
                _line(
                    ItemKind.FIXED,
                    f"{charge.description} ({name})",
                    charge.amount,
                    category=code,
                    rule="tariff.fixed_charge",
                )
            )
        if c.solid_waste_amount:
            lines.append(
                _line(
                    ItemKind.SOLID_WASTE,
                    f"Resíduos sólidos ({name})",
                    c.solid_waste_amount,
                    category=code,
                    rule="tariff.solid_waste",
                )
            )
    return lines


def bill_lines(
    calc: BillCalculation,
    pending: Sequence[PendingItem],
    *,
    sewer_rule: str = "tariff.sewer_percent",
    extra: Sequence[BillLine] = (),
) -> tuple[BillLine, ...]:
    """The bill's lines in print order: per category the water bands, the sewer (per band, per bill or
    the TEE), the fixed charges and solid waste; then the bill's own lines (`extra`: an exception's
    note, the delivery fee); then other modules' items. Positions number them from 0."""
    lines = _tariff_lines(calc, sewer_rule)
    lines.extend(extra)
    lines.extend(
        _line(
            item.kind,
            item.description,
            item.amount,
            source=item.source,
            source_id=item.source_id,
            rule=f"pending.{item.source}" if item.source else "pending",
        )
        for item in pending
    )
    return tuple(replace(line, position=position) for position, line in enumerate(lines))


def exempt_lines(lines: Sequence[BillLine], exempt: frozenset[str]) -> tuple[BillLine, ...]:
    """The lines of the exempt components at 0,00, still printed and marked exempt (3.2.13.10.13);
    the others as they are. The sewer is priced on the tariff's water amount before this, so a
    property exempt from water only still pays its sewer, and the other way round."""
    if not exempt:
        return tuple(lines)
    return tuple(
        replace(
            line,
            amount=ZERO,
            description=line.description + EXEMPT_SUFFIX,
            rule=f"{line.rule}+exemption" if line.rule else "exemption",
        )
        if line.kind in exempt
        else line
        for line in lines
    )


def bill_due_date(terms: BillingTerms, chosen_day: int | None) -> dt.date:
    """The schedule's due date, or the customer's chosen day; never sooner than the tenant's minimum
    after the real issue (a run later than its schedule issues later, ADR 0024). Raises NotBillable
    when the group has no schedule for the month."""
    schedule = terms.schedule
    if schedule is None:
        raise NotBillable(
            f"Não há cronograma do grupo para {terms.reference.label}: sem data de vencimento.",
            code=ErrorCode.NO_SCHEDULE,
        )
    issued_on = max(schedule.billing_date, terms.issued_on)
    if chosen_day is None:
        earliest = issued_on + dt.timedelta(days=terms.min_days_after_issue)
        due = schedule.due_date
        return due if due >= earliest else cal.next_business_day(earliest, terms.holidays)
    return cal.due_date(
        YearMonth.of(max(schedule.due_date, issued_on)),
        chosen_day,
        terms.holidays,
        cal.DueDateOptions(min_days_after_issue=terms.min_days_after_issue),
        issued_on=issued_on,
    )


def price_consumption(
    version: TariffVersion,
    m3: int,
    units: Sequence[UnitFact],
    *,
    water_active: bool,
    sewer_active: bool,
    sewer_percent: Decimal | None = None,
    calculate: Calculate | None = None,
    service: ServiceType | None = None,
) -> BillCalculation:
    """`m3` priced for the property's economias and connections on `version`: what a bill and the
    tariff comparison both charge. The sewer is the connection's share of the water amount when it
    has one (`sewer_percent`), else the category's; `service`, when given, is the type an exception
    chose. Raises NotBillable or the calculation's ValidationFailed."""
    resolved = dwelling_units(units, version)
    service = service_type(
        water_active=water_active, sewer_active=sewer_active, version=version, units=resolved, chosen=service
    )
    return (calculate or CachedCalculation(version))(m3, resolved, service, sewer_percent)


def first_bill_delayed(facts: PropertyFacts, terms: BillingTerms) -> None:
    """3.2.7.12.5: a connection activated fewer than `first_bill_min_days` before the month's reading
    (or the schedule's billing date without one) is not billed this cycle. Raises NotBillable."""
    if not terms.first_bill_min_days or facts.connected_on is None:
        return
    read_on = facts.reading.read_on if facts.reading and facts.reading.read_on else None
    if read_on is None and terms.schedule is not None:
        read_on = terms.schedule.billing_date
    if read_on is None:
        return
    days = (read_on - facts.connected_on).days
    if 0 <= days < terms.first_bill_min_days:
        raise NotBillable(
            f"Ligação ativada em {facts.connected_on:%d/%m/%Y}, {days} dia(s) antes da leitura "
            f"(mínimo {terms.first_bill_min_days}): primeira fatura no próximo ciclo.",
            code=ErrorCode.FIRST_BILL_DELAYED,
        )


def _own_lines(facts: PropertyFacts, terms: BillingTerms, rule_note: str, rule_kind: str) -> list[BillLine]:
    """The lines the bill adds of its own: the volume exception's note (0,00, so the invoice detail
    shows the exception, S4.7-01) and the delivery fee (3.2.7.12.7)."""
    lines = []
    if facts.common_area_share_m3:
        lines.append(
            _line(
                ItemKind.ADJUSTMENT,
                f"Rateio da área comum do condomínio: {facts.common_area_share_m3} m³ somados ao consumo.",
                ZERO,
                rule="condominium.apportion",
            )
        )
    if rule_note:
        lines.append(_line(ItemKind.ADJUSTMENT, rule_note, ZERO, rule=f"exception.{rule_kind}"))
    if facts.alternative_delivery and terms.delivery_fee > 0:
        lines.append(
            _line(
                ItemKind.SERVICE,
                "Taxa de entrega em endereço alternativo",
                terms.delivery_fee,
                rule="settings.delivery_fee",
            )
        )
    return lines


def price_bill(
    facts: PropertyFacts,
    terms: BillingTerms,
    *,
    consumption_override: int | None = None,
    calculate: Calculate | None = None,
) -> PricedBill:
    """The property's bill of `terms.reference`. Raises NotBillable (with its code) for a property
    that is not active, has no economias or connection to bill, was connected too recently
    (3.2.7.12.5), credits above the bill, or no schedule; and the calculation's ValidationFailed for
    a category or a consumption the tariff does not price. The month's exceptions (S4.7) apply in
    this order: the volume (a correction's figure is billed as given), the service type, the sewer
    share, the exempt components, the due day."""
    if not facts.active:
        raise NotBillable(f"Imóvel com situação {facts.status_label}.", code=ErrorCode.PROPERTY_NOT_ACTIVE)
    first_bill_delayed(facts, terms)
    choice = choose_consumption(facts, terms, consumption_override=consumption_override)
    exceptions = facts.exceptions
    volume = volume_rule(choice.volume_m3, exceptions) if consumption_override is None else None
    billed_m3 = volume.m3 if volume else choice.volume_m3
    chosen = first(exceptions, ExceptionKind.SERVICE_TYPE)
    sewer = first(exceptions, ExceptionKind.SEWER_PERCENT)
    sewer_percent = sewer.percent if sewer and sewer.percent is not None else facts.sewer_percent
    calc = price_consumption(
        terms.version,
        billed_m3,
        facts.units,
        water_active=facts.water_active,
        sewer_active=facts.sewer_active,
        sewer_percent=sewer_percent,
        calculate=calculate,
        service=ServiceType(chosen.service_type) if chosen and chosen.service_type else None,
    )
    sewer_rule = (
        "exception.sewer_percent"
        if sewer
        else ("connection.sewer_percent" if facts.sewer_percent is not None else "tariff.sewer_percent")
    )
    extra = _own_lines(facts, terms, volume.note if volume else "", volume.kind if volume else "")
    lines = exempt_lines(
        bill_lines(calc, facts.pending, sewer_rule=sewer_rule, extra=extra),
        facts.exempt | exempt_components(exceptions),
    )
    total = sum((line.amount for line in lines), ZERO)
    if total < 0:
        raise NotBillable(f"Créditos maiores que a fatura (total {total}).", code=ErrorCode.NEGATIVE_TOTAL)
    due = first(exceptions, ExceptionKind.DUE_DAY)
    return PricedBill(
        property_id=facts.property_id,
        account_base=facts.account_base,
        calculation=calc,
        consumption_kind=choice.kind,
        lines=lines,
        total=total,
        due_date=bill_due_date(terms, due.day if due and due.day else facts.due_day),
        anomalies=choice.anomalies
        + (
            (Anomaly(AnomalyCode.ECONOMIES_CHANGED, "Alteração de economias no mês de referência."),)
            if facts.economies_changed
            else ()
        ),
        reading=facts.reading,
        payer=facts.payer,
        service=calc.service,
        consumption_m3=choice.volume_m3,
    )
