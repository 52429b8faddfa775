"""Tariff versions (Ato Administrativo) and their validation.

A tariff version is what an administrative act fixes (TR Sorocaba §14.1): per category, consumption
bands with a price per m³, the minimum volume per economia, the sewer charge (a percentage of the
water amount, or the fixed special sewer tariff, TEE, for connections on wells) and fixed charges.
Versions are effective-dated rows of the tenant, never code; the one in force for a reference is
chosen by `tariff_in_force`. Bands are written the way acts print them: "0 a 10", "11 a 15",
"16 a 20": band i covers the m³ above the previous band's upper bound up to its own, so "0 a 10"
holds 10 m³ and "11 a 15" holds 5 m³ (seed 002 §3, examples 1, 3 and 4).

The calculation lives in `bill.py`; this module only describes and checks a tariff.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from modules.common.domain.money import Rounding
from modules.common.errors import ValidationFailed

from ..errors import ErrorCode


class SewerRounding(StrEnum):
    """Where the sewer share is rounded. Per band line is the only rule that reproduces the
    document's Tabela 14.2 (424.71, not 424.72); per bill rounds the category's water subtotal."""

    PER_BAND = "per_band"
    PER_BILL = "per_bill"


class CategorySplit(StrEnum):
    """How a mixed property's consumption is split among its categories (ADR 0021)."""

    BY_DWELLING_UNITS = "by_dwelling_units"  # seed 002 §8.9 (SAAE Sorocaba), the default
    EQUAL = "equal"  # seed 001 3.2.7.8.7 (DAE): "dividindo o consumo igualmente para todas as categorias"


@dataclass(frozen=True)
class Band:
    """A consumption band: from_m3 .. to_m3 per economia (to_m3 None = open, last band only)."""

    from_m3: int
    to_m3: int | None
    price: Decimal


@dataclass(frozen=True)
class FixedCharge:
    """A fixed amount on every bill of the category (tarifa fixa, disponibilidade), per economia or once."""

    code: str
    description: str
    amount: Decimal
    per_dwelling_unit: bool = True


@dataclass(frozen=True)
class CategoryTariff:
    code: str
    name: str
    bands: tuple[Band, ...]
    minimum_m3_per_unit: int = 0
    # Sewer as a percentage of the water amount, e.g. Decimal("92.5") (TR §14.5); None = not offered.
    sewer_percent: Decimal | None = None
    # Tarifa de Esgoto Especial (TEE): a fixed sewer amount per economia, for well-supplied connections.
    special_sewer_amount: Decimal | None = None
    fixed_charges: tuple[FixedCharge, ...] = ()
    social: bool = False
    # solid waste (resíduos sólidos, seed 001 3.2.7.9): a fixed amount per economia; None = not charged
    solid_waste_amount: Decimal | None = None


@dataclass(frozen=True)
class TariffVersion:
    act: str
    valid_from: dt.date
    categories: tuple[CategoryTariff, ...]
    rounding: Rounding = Rounding.TRUNCATE
    sewer_rounding: SewerRounding = SewerRounding.PER_BAND
    category_split: CategorySplit = CategorySplit.BY_DWELLING_UNITS

    def category(self, code: str) -> CategoryTariff:
        for category in self.categories:
            if category.code == code:
                return category
        raise ValidationFailed(
            f"Categoria {code} não existe na tarifa do ato {self.act}.",
            field="category_code",
            code=ErrorCode.UNKNOWN_CATEGORY,
        )


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a tariff: the field path (categories[0].bands[2].from_m3) and a pt-BR message."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class TariffInvalid(ValidationFailed):
    code = ErrorCode.TARIFF_INVALID

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0]
        super().__init__("; ".join(str(p) for p in self.problems), field=first.path)


def band_capacity(bands: Sequence[Band], index: int) -> int | None:
    """m³ per economia held by band `index` (None for the open last band)."""
    upper = bands[index].to_m3
    if upper is None:
        return None
    lower = 0 if index == 0 else bands[index - 1].to_m3
    return upper - (lower or 0)


def _money_problems(path: str, value: object, what: str) -> list[Problem]:
    if not isinstance(value, Decimal):
        return [Problem(path, f"{what} deve ser um Decimal (nunca float): {value!r}.")]
    if not value.is_finite():
        return [Problem(path, f"{what} deve ser um número finito.")]
    if value < 0:
        return [Problem(path, f"{what} não pode ser negativo ({value}).")]
    return []


def _band_problems(prefix: str, bands: Sequence[Band]) -> list[Problem]:
    if not bands:
        return [Problem(f"{prefix}.bands", "a categoria deve ter ao menos uma faixa de consumo.")]
    problems: list[Problem] = []
    for index, band in enumerate(bands):
        path = f"{prefix}.bands[{index}]"
        problems += _money_problems(f"{path}.price", band.price, "o preço por m³")
        if band.from_m3 < 0:
            problems.append(
                Problem(f"{path}.from_m3", f"o início da faixa não pode ser negativo ({band.from_m3} m³).")
            )
        if band.to_m3 is not None and band.to_m3 < band.from_m3:
            problems.append(
                Problem(
                    f"{path}.to_m3",
                    f"o fim da faixa ({band.to_m3} m³) é menor que o início ({band.from_m3} m³).",
                )
            )
        if band.to_m3 is None and index < len(bands) - 1:
            problems.append(
                Problem(f"{path}.to_m3", "só a última faixa pode ser aberta (sem limite superior).")
            )
    first = bands[0]
    if first.from_m3 != 0:
        problems.append(
            Problem(
                f"{prefix}.bands[0].from_m3",
                f"a primeira faixa deve começar em 0 m³ (começa em {first.from_m3} m³).",
            )
        )
    elif first.to_m3 == 0:
        problems.append(
            Problem(f"{prefix}.bands[0].to_m3", "a primeira faixa não pode terminar em 0 m³ (faixa vazia).")
        )
    for index in range(1, len(bands)):
        band, previous = bands[index], bands[index - 1]
        if band.from_m3 < previous.from_m3:
            # Out of order: gaps and overlaps would only be noise until the bands are sorted.
            problems.append(
                Problem(
                    f"{prefix}.bands[{index}].from_m3",
                    f"faixas fora de ordem: esta começa em {band.from_m3} m³, antes do início da faixa "
                    f"anterior ({previous.from_m3} m³).",
                )
            )
            return problems
    for index in range(1, len(bands)):
        band, previous = bands[index], bands[index - 1]
        if previous.to_m3 is None:
            continue
        expected = previous.to_m3 + 1
        if band.from_m3 > expected:
            problems.append(
                Problem(
                    f"{prefix}.bands[{index}].from_m3",
                    f"lacuna entre faixas: a anterior termina em {previous.to_m3} m³ e esta começa em "
                    f"{band.from_m3} m³ (deveria começar em {expected} m³).",
                )
            )
        elif band.from_m3 < expected:
            problems.append(
                Problem(
                    f"{prefix}.bands[{index}].from_m3",
                    f"sobreposição de faixas: a anterior termina em {previous.to_m3} m³ e esta começa em "
                    f"{band.from_m3} m³ (deveria começar em {expected} m³).",
                )
            )
    return problems


def _category_problems(index: int, category: CategoryTariff) -> list[Problem]:
    prefix = f"categories[{index}]"
    problems: list[Problem] = []
    if not category.code.strip():
        problems.append(Problem(f"{prefix}.code", "o código da categoria é obrigatório."))
    if not category.name.strip():
        problems.append(Problem(f"{prefix}.name", "o nome da categoria é obrigatório."))
    if category.minimum_m3_per_unit < 0:
        problems.append(
            Problem(
                f"{prefix}.minimum_m3_per_unit",
                f"o consumo mínimo por economia não pode ser negativo ({category.minimum_m3_per_unit} m³).",
            )
        )
    if category.sewer_percent is not None:
        problems += _money_problems(
            f"{prefix}.sewer_percent", category.sewer_percent, "o percentual de esgoto"
        )
    if category.special_sewer_amount is not None:
        problems += _money_problems(
            f"{prefix}.special_sewer_amount",
            category.special_sewer_amount,
            "o valor da tarifa de esgoto especial (TEE)",
        )
    if category.solid_waste_amount is not None:
        problems += _money_problems(
            f"{prefix}.solid_waste_amount", category.solid_waste_amount, "o valor de resíduos sólidos"
        )
    for charge_index, charge in enumerate(category.fixed_charges):
        path = f"{prefix}.fixed_charges[{charge_index}]"
        if not charge.code.strip():
            problems.append(Problem(f"{path}.code", "o código da tarifa fixa é obrigatório."))
        problems += _money_problems(f"{path}.amount", charge.amount, "o valor da tarifa fixa")
    problems += _band_problems(prefix, category.bands)
    return problems


def tariff_problems(version: TariffVersion) -> list[Problem]:
    """Every problem of the tariff version, in field order; empty when it is valid."""
    problems: list[Problem] = []
    if not version.act.strip():
        problems.append(Problem("act", "o número do ato administrativo é obrigatório."))
    if not version.categories:
        problems.append(Problem("categories", "a tarifa deve ter ao menos uma categoria."))
    seen: dict[str, int] = {}
    for index, category in enumerate(version.categories):
        if category.code in seen:
            problems.append(
                Problem(
                    f"categories[{index}].code",
                    f"código de categoria repetido: {category.code} "
                    f"(já usado em categories[{seen[category.code]}]).",
                )
            )
        seen.setdefault(category.code, index)
        problems += _category_problems(index, category)
    return problems


def check_tariff(version: TariffVersion) -> TariffVersion:
    problems = tariff_problems(version)
    if problems:
        raise TariffInvalid(problems)
    return version


def tariff_in_force(versions: Sequence[TariffVersion], on: dt.date) -> TariffVersion:
    """The version whose validity started last on or before `on`.

    Recalculating a past reference uses the act in force at that time (TR §14.1, 21 historical acts)."""
    candidates = [v for v in versions if v.valid_from <= on]
    if not candidates:
        raise ValidationFailed(
            f"Nenhuma tarifa vigente em {on.strftime('%d/%m/%Y')}.",
            field="valid_from",
            code=ErrorCode.NO_TARIFF_IN_FORCE,
        )
    starts = [v.valid_from for v in versions]
    chosen = max(candidates, key=lambda v: v.valid_from)
    if starts.count(chosen.valid_from) > 1:
        raise ValidationFailed(
            f"Mais de um ato com início de vigência em {chosen.valid_from.strftime('%d/%m/%Y')}.",
            field="valid_from",
            code=ErrorCode.AMBIGUOUS_TARIFF,
        )
    return chosen


class DwellingUnitMode(StrEnum):
    """How a usage plan bills several economias on one meter (S5.3-05, ADR 0220)."""

    SPLIT = "split"  # each band's width × economias; minimum and fixed charges × economias
    PRINCIPAL = "principal"  # the main economia alone: bands, minimum and fixed charges of one
    SINGLE = "single"  # one economia's bands (tarifas diferenciadas); minimum and charges × economias


@dataclass(frozen=True)
class DwellingUnits:
    """How many economias of one category a property has; `minimum_m3_per_unit`, when set, is the
    minimum of the property's usage plan for that category (S5.3-04) in place of the tariff's, and
    `mode` the plan's way of billing several economias (S5.3-05)."""

    category_code: str
    count: int
    minimum_m3_per_unit: int | None = None
    mode: DwellingUnitMode = DwellingUnitMode.SPLIT


class ServiceType(StrEnum):
    """The connection's billing type (TR §8.4: água; água e esgoto; TEE; água e TEE; água e esgoto e TEE)."""

    WATER = "water"
    WATER_SEWER = "water_sewer"
    SPECIAL_SEWER = "special_sewer"
    WATER_SPECIAL_SEWER = "water_special_sewer"
    WATER_SEWER_SPECIAL_SEWER = "water_sewer_special_sewer"

    @property
    def water(self) -> bool:
        return self is not ServiceType.SPECIAL_SEWER

    @property
    def sewer(self) -> bool:
        return self in (ServiceType.WATER_SEWER, ServiceType.WATER_SEWER_SPECIAL_SEWER)

    @property
    def special_sewer(self) -> bool:
        return self in (
            ServiceType.SPECIAL_SEWER,
            ServiceType.WATER_SPECIAL_SEWER,
            ServiceType.WATER_SEWER_SPECIAL_SEWER,
        )
