"""Bill calculation: billed volume × tariff version → band lines, sewer, fixed charges and totals.

The rules, each reproduced by a worked example of the TR of SAAE Sorocaba (seed 002, §3):

- Cascade (faturamento em cascata, §14.1): the volume is decomposed into the bands and each part is
  priced at its own band's price (example 1: 16 m³ → 10 × 2.00 + 5 × 3.00 + 1 × 4.00 = 39.00).
- Economias (§14.7): each band holds its width × the number of economias of the category, with no
  rounding of the per-economia volume (examples 3 and 4: 8 economias, 94 m³ → bands of 80 and 40 m³).
- Sewer (§14.5): a percentage of the water amount (the category's, or the connection's own when it
  has one, S4.7-02), rounded per band line by default: Tabela 14.2 is
  reproduced only that way (424.71; rounding the bill's water total gives 424.72). `per_bill`
  rounds the category's water subtotal instead, for tenants whose regulation says so.
- Rounding: every money line is rounded once, with the tenant's rule (truncation in Sorocaba); the
  totals are sums of rounded lines, never rounded again.
- Minimum (tarifa mínima, seed 001 3.2.4.4.3): a category is billed at least
  minimum_m3_per_unit × its economias; the property's usage plan's minimum, when the plan sets one,
  replaces the tariff's (S5.3-04).
- Mixed categories: the consumption is split among the categories first (`apportion`, ADR 0021).
- A consumption beyond the last band, when that band is bounded, is an error: the act does not say
  what it costs, and guessing would invent a price.

`linear` pricing (all the volume at the price of the band it reaches) exists only for the tariff
simulation's comparison (seed 002 part 1, §7.3); it is not monotonic and is never used to bill.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from modules.billing.domain.apportion import apportion
from modules.billing.domain.tariffs import (
    CategorySplit,
    CategoryTariff,
    DwellingUnitMode,
    DwellingUnits,
    ServiceType,
    SewerRounding,
    TariffVersion,
    band_capacity,
    check_tariff,
)
from modules.billing.errors import ErrorCode
from modules.common.domain.money import round_money
from modules.common.errors import ValidationFailed

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


class PricingMethod(StrEnum):
    CASCADE = "cascade"
    LINEAR = "linear"


class ConsumptionAboveLastBand(ValidationFailed):
    code = ErrorCode.CONSUMPTION_ABOVE_LAST_BAND


@dataclass(frozen=True)
class BandLine:
    category_code: str
    band_number: int  # 1-based, as acts number them
    from_m3: int
    to_m3: int | None
    capacity_m3: int | None  # band width × economias; None for the open last band
    volume_m3: int
    unit_price: Decimal
    water_amount: Decimal
    # Sewer share of this line; None when sewer is not charged or is computed per bill.
    sewer_amount: Decimal | None


@dataclass(frozen=True)
class ChargeLine:
    category_code: str
    code: str
    description: str
    amount: Decimal


@dataclass(frozen=True)
class CategoryBill:
    category_code: str
    category_name: str
    dwelling_units: int
    allocated_m3: int  # this category's share of the consumption
    billed_m3: int  # after the minimum
    minimum_applied: bool
    lines: tuple[BandLine, ...]
    water_amount: Decimal
    sewer_amount: Decimal
    special_sewer_amount: Decimal
    fixed_charges: tuple[ChargeLine, ...]
    solid_waste_amount: Decimal = ZERO
    mode: DwellingUnitMode = DwellingUnitMode.SPLIT

    @property
    def fixed_charges_amount(self) -> Decimal:
        return sum((c.amount for c in self.fixed_charges), ZERO)

    @property
    def total(self) -> Decimal:
        return (
            self.water_amount
            + self.sewer_amount
            + self.special_sewer_amount
            + self.fixed_charges_amount
            + self.solid_waste_amount
        )


@dataclass(frozen=True)
class BillCalculation:
    act: str
    consumption_m3: int
    service: ServiceType
    method: PricingMethod
    categories: tuple[CategoryBill, ...]

    @property
    def billed_m3(self) -> int:
        return sum(c.billed_m3 for c in self.categories)

    @property
    def dwelling_units(self) -> int:
        return sum(c.dwelling_units for c in self.categories)

    @property
    def lines(self) -> tuple[BandLine, ...]:
        return tuple(line for c in self.categories for line in c.lines)

    @property
    def water_amount(self) -> Decimal:
        return sum((c.water_amount for c in self.categories), ZERO)

    @property
    def sewer_amount(self) -> Decimal:
        return sum((c.sewer_amount for c in self.categories), ZERO)

    @property
    def special_sewer_amount(self) -> Decimal:
        return sum((c.special_sewer_amount for c in self.categories), ZERO)

    @property
    def fixed_charges_amount(self) -> Decimal:
        return sum((c.fixed_charges_amount for c in self.categories), ZERO)

    @property
    def solid_waste_amount(self) -> Decimal:
        return sum((c.solid_waste_amount for c in self.categories), ZERO)

    @property
    def total(self) -> Decimal:
        return sum((c.total for c in self.categories), ZERO)


def _check_units(tariff: TariffVersion, units: Sequence[DwellingUnits]) -> None:
    if not units:
        raise ValidationFailed(
            "O imóvel deve ter ao menos uma economia.",
            field="dwelling_units",
            code=ErrorCode.NO_DWELLING_UNITS,
        )
    seen: set[str] = set()
    for index, unit in enumerate(units):
        if unit.count < 1:
            raise ValidationFailed(
                f"A quantidade de economias da categoria {unit.category_code} deve ser ao menos 1 "
                f"({unit.count}).",
                field=f"dwelling_units[{index}].count",
                code=ErrorCode.DWELLING_UNITS_COUNT_INVALID,
            )
        if unit.category_code in seen:
            raise ValidationFailed(
                f"Categoria {unit.category_code} informada mais de uma vez nas economias do imóvel.",
                field=f"dwelling_units[{index}].category_code",
                code=ErrorCode.DWELLING_UNITS_REPEATED,
            )
        seen.add(unit.category_code)
        tariff.category(unit.category_code)


def split_consumption(
    tariff: TariffVersion, consumption_m3: int, units: Sequence[DwellingUnits]
) -> tuple[int, ...]:
    """Each category's whole-m³ share of the consumption, in the order of `units` (ADR 0021)."""
    if tariff.category_split is CategorySplit.EQUAL:
        weights = [1] * len(units)
    else:
        weights = [unit.count for unit in units]
    return apportion(consumption_m3, weights)


def _above_last_band(category: CategoryTariff, units: int, volume: int) -> ConsumptionAboveLastBand:
    last = category.bands[-1]
    limit = (last.to_m3 or 0) * units
    where = f"categoria {category.code}, {units} economia{'s' if units > 1 else ''}"
    return ConsumptionAboveLastBand(
        f"Consumo de {volume} m³ ({where}) excede a última faixa da tarifa: até {last.to_m3} m³ por "
        f"economia, {limit} m³ no total. A tarifa não define preço acima disso.",
        field="consumption_m3",
    )


def _cascade(category: CategoryTariff, units: int, volume: int) -> list[tuple[int, int | None, int]]:
    """(band index, scaled capacity, volume in band) for each band the volume reaches."""
    parts: list[tuple[int, int | None, int]] = []
    left = volume
    for index in range(len(category.bands)):
        if left <= 0:
            break
        width = band_capacity(category.bands, index)
        capacity = None if width is None else width * units
        used = left if capacity is None else min(left, capacity)
        parts.append((index, capacity, used))
        left -= used
    if left > 0:
        raise _above_last_band(category, units, volume)
    return parts


def _linear(category: CategoryTariff, units: int, volume: int) -> list[tuple[int, int | None, int]]:
    """The whole volume in the band it reaches (simulation only)."""
    if volume <= 0:
        return []
    reached = 0
    for index in range(len(category.bands)):
        width = band_capacity(category.bands, index)
        if width is None:
            return [(index, None, volume)]
        reached += width * units
        if volume <= reached:
            return [(index, width * units, volume)]
    raise _above_last_band(category, units, volume)


def sewer_price_per_m3(tariff: TariffVersion, category: CategoryTariff, price: Decimal) -> Decimal | None:
    """The sewer price of one m³ whose water costs `price`, as a published tariff table shows it:
    the category's sewer share of the water price, to the cent by the tariff's own rounding rule
    (a bill rounds each band's amount instead; this is the per-m³ figure people compare)."""
    if category.sewer_percent is None:
        return None
    return round_money(price * category.sewer_percent / HUNDRED, tariff.rounding)


def _category_bill(
    tariff: TariffVersion,
    category: CategoryTariff,
    units: int,
    allocated: int,
    service: ServiceType,
    method: PricingMethod,
    sewer_percent: Decimal | None,
    plan_minimum_m3_per_unit: int | None = None,
    mode: DwellingUnitMode = DwellingUnitMode.SPLIT,
) -> CategoryBill:
    rule = tariff.rounding
    # S5.3-05 (ADR 0220): the bands scale by the economias only when the plan splits by economia;
    # the minimum and the per-economia amounts count every economia except for the main-economia mode
    economies = units
    band_units = units if mode is DwellingUnitMode.SPLIT else 1
    units = 1 if mode is DwellingUnitMode.PRINCIPAL else units
    per_unit = category.minimum_m3_per_unit if plan_minimum_m3_per_unit is None else plan_minimum_m3_per_unit
    minimum = per_unit * units
    billed = max(allocated, minimum)
    charge_sewer = service.sewer
    percent = category.sewer_percent if sewer_percent is None else sewer_percent
    if charge_sewer and percent is None:
        raise ValidationFailed(
            f"A categoria {category.code} não tem percentual de esgoto na tarifa do ato {tariff.act}.",
            field="service",
            code=ErrorCode.SEWER_NOT_IN_TARIFF,
        )
    if service.special_sewer and category.special_sewer_amount is None:
        raise ValidationFailed(
            f"A categoria {category.code} não tem tarifa de esgoto especial (TEE) no ato {tariff.act}.",
            field="service",
            code=ErrorCode.SPECIAL_SEWER_NOT_IN_TARIFF,
        )
    rate = (percent or Decimal(0)) / HUNDRED
    per_band = charge_sewer and tariff.sewer_rounding is SewerRounding.PER_BAND
    lines: list[BandLine] = []
    if service.water:
        price_parts = (_cascade if method is PricingMethod.CASCADE else _linear)(category, band_units, billed)
        for index, capacity, volume in price_parts:
            band = category.bands[index]
            water = round_money(volume * band.price, rule)
            lines.append(
                BandLine(
                    category_code=category.code,
                    band_number=index + 1,
                    from_m3=band.from_m3,
                    to_m3=band.to_m3,
                    capacity_m3=capacity,
                    volume_m3=volume,
                    unit_price=band.price,
                    water_amount=water,
                    sewer_amount=round_money(water * rate, rule) if per_band else None,
                )
            )
    water_amount = sum((line.water_amount for line in lines), ZERO)
    if not charge_sewer:
        sewer_amount = ZERO
    elif per_band:
        sewer_amount = sum((line.sewer_amount or ZERO for line in lines), ZERO)
    else:
        sewer_amount = round_money(water_amount * rate, rule)
    special = (
        round_money((category.special_sewer_amount or ZERO) * units, rule) if service.special_sewer else ZERO
    )
    charges = tuple(
        ChargeLine(
            category_code=category.code,
            code=charge.code,
            description=charge.description,
            amount=round_money(charge.amount * (units if charge.per_dwelling_unit else 1), rule),
        )
        for charge in category.fixed_charges
    )
    solid_waste = (
        round_money(category.solid_waste_amount * units, rule) if category.solid_waste_amount else ZERO
    )
    return CategoryBill(
        category_code=category.code,
        category_name=category.name,
        dwelling_units=economies,
        allocated_m3=allocated,
        billed_m3=billed,
        minimum_applied=billed > allocated,
        lines=tuple(lines),
        water_amount=water_amount,
        sewer_amount=sewer_amount,
        special_sewer_amount=special,
        fixed_charges=charges,
        solid_waste_amount=solid_waste,
        mode=mode,
    )


def calculate_bill(
    tariff: TariffVersion,
    consumption_m3: int,
    units: Sequence[DwellingUnits],
    service: ServiceType = ServiceType.WATER_SEWER,
    method: PricingMethod = PricingMethod.CASCADE,
    sewer_percent: Decimal | None = None,
) -> BillCalculation:
    """Price `consumption_m3` (whole m³, already determined by reading) for a property's economias.

    `sewer_percent`, when given, is the connection's own share of the water amount charged for
    sewer (the "percentual de esgoto" exception of seed 002 S4.7-02), in place of each category's."""
    check_tariff(tariff)
    if isinstance(consumption_m3, bool) or not isinstance(consumption_m3, int):
        raise ValidationFailed(
            f"O consumo deve ser um número inteiro de m³ ({consumption_m3!r}).",
            field="consumption_m3",
            code=ErrorCode.CONSUMPTION_NOT_INTEGER,
        )
    if consumption_m3 < 0:
        raise ValidationFailed(
            f"O consumo não pode ser negativo ({consumption_m3} m³).",
            field="consumption_m3",
            code=ErrorCode.CONSUMPTION_NEGATIVE,
        )
    if sewer_percent is not None and sewer_percent < 0:
        raise ValidationFailed(
            f"O percentual de esgoto da ligação não pode ser negativo ({sewer_percent} %).",
            field="sewer_percent",
            code=ErrorCode.SEWER_SHARE_NEGATIVE,
        )
    _check_units(tariff, units)
    shares = split_consumption(tariff, consumption_m3, units)
    categories = tuple(
        _category_bill(
            tariff,
            tariff.category(unit.category_code),
            unit.count,
            share,
            ServiceType(service),
            PricingMethod(method),
            sewer_percent,
            unit.minimum_m3_per_unit,
            DwellingUnitMode(unit.mode),
        )
        for unit, share in zip(units, shares, strict=True)
    )
    return BillCalculation(
        act=tariff.act,
        consumption_m3=consumption_m3,
        service=ServiceType(service),
        method=PricingMethod(method),
        categories=categories,
    )
