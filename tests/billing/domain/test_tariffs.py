"""Tariff validation (pt-BR messages naming the field path), the act in force, and the calculation
beyond the worked examples: mixed categories, minimum, TEE, fixed charges, service types, and the
money properties (a bill never falls when consumption rises; totals are sums of rounded lines)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modules.billing.domain.apportion import apportion, balanced_sequence
from modules.billing.domain.calculation import BillCalculation, calculate_bill
from modules.billing.domain.tariffs import (
    Band,
    CategorySplit,
    CategoryTariff,
    DwellingUnits,
    FixedCharge,
    Problem,
    ServiceType,
    SewerRounding,
    TariffInvalid,
    TariffVersion,
    check_tariff,
    tariff_in_force,
    tariff_problems,
)
from modules.common.domain.money import Rounding
from modules.common.errors import ValidationFailed

D = Decimal


def category(code: str = "RES", bands: tuple[Band, ...] | None = None, **kwargs: object) -> CategoryTariff:
    return CategoryTariff(
        code=code,
        name=kwargs.pop("name", code.title()),  # type: ignore[arg-type]
        bands=bands or (Band(0, 10, D("2.00")), Band(11, 15, D("3.00")), Band(16, None, D("4.00"))),
        **kwargs,  # type: ignore[arg-type]
    )


def tariff(*categories: CategoryTariff, **kwargs: object) -> TariffVersion:
    return TariffVersion(
        act=str(kwargs.pop("act", "Ato 21/2025")),
        valid_from=kwargs.pop("valid_from", dt.date(2025, 1, 1)),  # type: ignore[arg-type]
        categories=categories or (category(sewer_percent=D("92.5")),),
        **kwargs,  # type: ignore[arg-type]
    )


# --- validation ----------------------------------------------------------------------------------


def test_a_contiguous_ascending_tariff_is_valid() -> None:
    assert tariff_problems(tariff()) == []
    assert check_tariff(tariff()).act == "Ato 21/2025"


@pytest.mark.parametrize(
    ("bands", "expected"),
    [
        (
            (Band(0, 10, D("2")), Band(11, 15, D("3")), Band(17, 20, D("4"))),
            Problem(
                "categories[0].bands[2].from_m3",
                "lacuna entre faixas: a anterior termina em 15 m³ e esta começa em 17 m³ "
                "(deveria começar em 16 m³).",
            ),
        ),
        (
            (Band(0, 10, D("2")), Band(11, 15, D("3")), Band(14, 20, D("4"))),
            Problem(
                "categories[0].bands[2].from_m3",
                "sobreposição de faixas: a anterior termina em 15 m³ e esta começa em 14 m³ "
                "(deveria começar em 16 m³).",
            ),
        ),
        (
            (Band(0, 10, D("2")), Band(16, 20, D("4")), Band(11, 15, D("3"))),
            Problem(
                "categories[0].bands[2].from_m3",
                "faixas fora de ordem: esta começa em 11 m³, antes do início da faixa anterior (16 m³).",
            ),
        ),
        (
            (Band(0, 10, D("2")), Band(11, 15, D("-3.00"))),
            Problem("categories[0].bands[1].price", "o preço por m³ não pode ser negativo (-3.00)."),
        ),
        (
            (Band(0, 10, D("2")), Band(11, 15, 3.0)),  # type: ignore[arg-type]
            Problem("categories[0].bands[1].price", "o preço por m³ deve ser um Decimal (nunca float): 3.0."),
        ),
        (
            (Band(1, 10, D("2")), Band(11, 15, D("3"))),
            Problem(
                "categories[0].bands[0].from_m3", "a primeira faixa deve começar em 0 m³ (começa em 1 m³)."
            ),
        ),
        (
            (Band(0, 0, D("2")), Band(1, 15, D("3"))),
            Problem(
                "categories[0].bands[0].to_m3", "a primeira faixa não pode terminar em 0 m³ (faixa vazia)."
            ),
        ),
        (
            (Band(0, 10, D("2")), Band(11, 9, D("3"))),
            Problem("categories[0].bands[1].to_m3", "o fim da faixa (9 m³) é menor que o início (11 m³)."),
        ),
        (
            (Band(0, None, D("2")), Band(11, 15, D("3"))),
            Problem(
                "categories[0].bands[0].to_m3", "só a última faixa pode ser aberta (sem limite superior)."
            ),
        ),
        (
            (),
            Problem("categories[0].bands", "a categoria deve ter ao menos uma faixa de consumo."),
        ),
    ],
    ids=[
        "gap",
        "overlap",
        "unsorted",
        "negative-price",
        "float-price",
        "first-not-zero",
        "empty-first",
        "inverted",
        "open-not-last",
        "no-bands",
    ],
)
def test_band_problems_name_the_field_path(bands: tuple[Band, ...], expected: Problem) -> None:
    version = tariff(CategoryTariff(code="RES", name="Residencial", bands=bands))
    assert tariff_problems(version) == [expected]


def test_category_level_problems() -> None:
    version = tariff(
        category(sewer_percent=D("92.5")),
        category(
            "RES",
            name=" ",
            minimum_m3_per_unit=-1,
            sewer_percent=D("-1"),
            special_sewer_amount=D("-5.00"),
            fixed_charges=(FixedCharge("", "Tarifa fixa", D("-8.00")),),
        ),
        act=" ",
    )
    assert [str(p) for p in tariff_problems(version)] == [
        "act: o número do ato administrativo é obrigatório.",
        "categories[1].code: código de categoria repetido: RES (já usado em categories[0]).",
        "categories[1].name: o nome da categoria é obrigatório.",
        "categories[1].minimum_m3_per_unit: o consumo mínimo por economia não pode ser negativo (-1 m³).",
        "categories[1].sewer_percent: o percentual de esgoto não pode ser negativo (-1).",
        "categories[1].special_sewer_amount: o valor da tarifa de esgoto especial (TEE) não pode ser "
        "negativo (-5.00).",
        "categories[1].fixed_charges[0].code: o código da tarifa fixa é obrigatório.",
        "categories[1].fixed_charges[0].amount: o valor da tarifa fixa não pode ser negativo (-8.00).",
    ]


def test_no_categories() -> None:
    version = TariffVersion(act="Ato 1", valid_from=dt.date(2025, 1, 1), categories=())
    assert tariff_problems(version) == [Problem("categories", "a tarifa deve ter ao menos uma categoria.")]


def test_an_invalid_tariff_cannot_bill() -> None:
    version = tariff(CategoryTariff("RES", "Residencial", (Band(0, 10, D("2")), Band(12, 20, D("3")))))
    with pytest.raises(TariffInvalid) as raised:
        calculate_bill(version, 5, [DwellingUnits("RES", 1)])
    assert raised.value.field == "categories[0].bands[1].from_m3"
    assert raised.value.code == "tariff_invalid"
    assert raised.value.message.startswith("categories[0].bands[1].from_m3: lacuna entre faixas")


def test_the_act_in_force_is_the_last_started() -> None:
    acts = [tariff(act=f"Ato {n}", valid_from=dt.date(2020 + n, 7, 1)) for n in range(1, 4)]
    assert tariff_in_force(acts, dt.date(2022, 6, 30)).act == "Ato 1"
    assert tariff_in_force(acts, dt.date(2022, 7, 1)).act == "Ato 2"
    assert tariff_in_force(acts, dt.date(2030, 1, 1)).act == "Ato 3"
    with pytest.raises(ValidationFailed) as raised:
        tariff_in_force(acts, dt.date(2021, 6, 30))
    assert raised.value.message == "Nenhuma tarifa vigente em 30/06/2021."


def test_two_acts_starting_the_same_day_are_ambiguous() -> None:
    acts = [tariff(act="A"), tariff(act="B")]
    with pytest.raises(ValidationFailed) as raised:
        tariff_in_force(acts, dt.date(2025, 3, 1))
    assert raised.value.message == "Mais de um ato com início de vigência em 01/01/2025."


# --- calculation ---------------------------------------------------------------------------------


def test_open_last_band_takes_any_volume() -> None:
    bill = calculate_bill(tariff(), 100, [DwellingUnits("RES", 1)], ServiceType.WATER)
    assert bill.lines[-1].volume_m3 == 85 and bill.lines[-1].capacity_m3 is None
    assert bill.water_amount == D("375.00")


def test_minimum_per_economia_raises_the_billed_volume() -> None:
    """Seed 001 3.2.4.4.3: a minimum of 10 m³ per economia, 3 economias → at least 30 m³."""
    version = tariff(category(minimum_m3_per_unit=10, sewer_percent=D("80")))
    bill = calculate_bill(version, 12, [DwellingUnits("RES", 3)])
    only = bill.categories[0]
    assert (only.allocated_m3, only.billed_m3, only.minimum_applied) == (12, 30, True)
    assert bill.water_amount == D("60.00")  # 30 m³ all in the first band (capacity 10 × 3)
    assert bill.sewer_amount == D("48.00")  # 3.2.7.8.4: sewer 80 % → 0.80 × water, to the cent
    above = calculate_bill(version, 31, [DwellingUnits("RES", 3)]).categories[0]
    assert (above.billed_m3, above.minimum_applied) == (31, False)


def test_mixed_categories_split_by_economias() -> None:
    """Seed 002 §8.9: 2 residential + 1 commercial economias, 31 m³ → 21 + 10 (within 1 m³ of 20.67/10.33)."""
    version = tariff(
        category("RES", sewer_percent=D("92.5")),
        category("COM", bands=(Band(0, 10, D("5.00")), Band(11, None, D("7.00"))), sewer_percent=D("100")),
    )
    units = [DwellingUnits("RES", 2), DwellingUnits("COM", 1)]
    bill = calculate_bill(version, 31, units)
    res, com = bill.categories
    assert (res.allocated_m3, com.allocated_m3) == (21, 10)
    assert [(line.capacity_m3, line.volume_m3) for line in res.lines] == [(20, 20), (10, 1)]
    assert (res.water_amount, res.sewer_amount) == (D("43.00"), D("39.77"))
    assert (com.water_amount, com.sewer_amount) == (D("50.00"), D("50.00"))
    assert bill.total == D("182.77")
    assert bill.billed_m3 == 31 and bill.dwelling_units == 3


def test_mixed_categories_split_equally_when_the_tenant_says_so() -> None:
    """Seed 001 3.2.7.8.7: residential + commercial at 30 m³ → 15 m³ priced with each category's bands."""
    version = tariff(
        category("RES", sewer_percent=D("80")),
        category("COM", bands=(Band(0, 10, D("5.00")), Band(11, None, D("7.00"))), sewer_percent=D("80")),
        category_split=CategorySplit.EQUAL,
    )
    bill = calculate_bill(version, 30, [DwellingUnits("RES", 3), DwellingUnits("COM", 1)], ServiceType.WATER)
    assert [c.allocated_m3 for c in bill.categories] == [15, 15]
    assert [c.water_amount for c in bill.categories] == [D("30.00"), D("85.00")]
    odd = calculate_bill(version, 31, [DwellingUnits("RES", 3), DwellingUnits("COM", 1)], ServiceType.WATER)
    assert [c.allocated_m3 for c in odd.categories] == [16, 15]  # the leftover m³ goes to the first listed


def test_service_types() -> None:
    """S14.1-06 / S14.5-01: only the applicable components appear for each of the five CDC types."""
    version = tariff(category(sewer_percent=D("92.5"), special_sewer_amount=D("25.00")))
    units = [DwellingUnits("RES", 2)]

    def parts(service: ServiceType) -> tuple[Decimal, Decimal, Decimal]:
        bill = calculate_bill(version, 16, units, service)
        return bill.water_amount, bill.sewer_amount, bill.special_sewer_amount

    assert parts(ServiceType.WATER) == (D("32.00"), D("0.00"), D("0.00"))
    assert parts(ServiceType.WATER_SEWER) == (D("32.00"), D("29.60"), D("0.00"))
    assert parts(ServiceType.SPECIAL_SEWER) == (D("0.00"), D("0.00"), D("50.00"))
    assert parts(ServiceType.WATER_SPECIAL_SEWER) == (D("32.00"), D("0.00"), D("50.00"))
    assert parts(ServiceType.WATER_SEWER_SPECIAL_SEWER) == (D("32.00"), D("29.60"), D("50.00"))
    assert calculate_bill(version, 16, units, ServiceType.SPECIAL_SEWER).lines == ()


def test_sewer_needs_a_percentage_in_the_tariff() -> None:
    with pytest.raises(ValidationFailed) as raised:
        calculate_bill(tariff(category()), 5, [DwellingUnits("RES", 1)], ServiceType.WATER_SEWER)
    assert (
        raised.value.message == "A categoria RES não tem percentual de esgoto na tarifa do ato Ato 21/2025."
    )
    with pytest.raises(ValidationFailed) as raised:
        calculate_bill(tariff(category()), 5, [DwellingUnits("RES", 1)], ServiceType.SPECIAL_SEWER)
    assert (
        raised.value.message == "A categoria RES não tem tarifa de esgoto especial (TEE) no ato Ato 21/2025."
    )


def test_fixed_charges_per_economia_and_once() -> None:
    version = tariff(
        category(
            sewer_percent=D("100"),
            fixed_charges=(
                FixedCharge("FIXA", "Tarifa fixa de água", D("8.00")),
                FixedCharge(
                    "ENTREGA", "Entrega em endereço alternativo", D("1.505"), per_dwelling_unit=False
                ),
            ),
        ),
        rounding=Rounding.HALF_UP,
    )
    bill = calculate_bill(version, 0, [DwellingUnits("RES", 3)])
    assert [(c.code, c.amount) for c in bill.categories[0].fixed_charges] == [
        ("FIXA", D("24.00")),
        ("ENTREGA", D("1.51")),
    ]
    assert bill.lines == () and bill.total == D("25.51")


def test_prices_with_more_than_two_decimals_round_per_line() -> None:
    version = tariff(
        category(bands=(Band(0, 10, D("1.0725")), Band(11, None, D("2.3333"))), sewer_percent=D("92.5")),
        rounding=Rounding.HALF_UP,
    )
    bill = calculate_bill(version, 13, [DwellingUnits("RES", 1)])
    assert [(line.water_amount, line.sewer_amount) for line in bill.lines] == [
        (D("10.73"), D("9.93")),  # 10.725 → 10.73; 10.73 × 0.925 = 9.92525 → 9.93
        (D("7.00"), D("6.48")),  # 6.9999 → 7.00; 6.475 → 6.48
    ]
    assert bill.total == D("34.14")


@pytest.mark.parametrize(
    ("consumption", "units", "message", "field"),
    [
        (-1, [DwellingUnits("RES", 1)], "O consumo não pode ser negativo (-1 m³).", "consumption_m3"),
        (
            D("1.5"),
            [DwellingUnits("RES", 1)],
            "O consumo deve ser um número inteiro de m³ (Decimal('1.5')).",
            "consumption_m3",
        ),
        (5, [], "O imóvel deve ter ao menos uma economia.", "dwelling_units"),
        (
            5,
            [DwellingUnits("RES", 0)],
            "A quantidade de economias da categoria RES deve ser ao menos 1 (0).",
            "dwelling_units[0].count",
        ),
        (
            5,
            [DwellingUnits("RES", 1), DwellingUnits("RES", 2)],
            "Categoria RES informada mais de uma vez nas economias do imóvel.",
            "dwelling_units[1].category_code",
        ),
        (
            5,
            [DwellingUnits("IND", 1)],
            "Categoria IND não existe na tarifa do ato Ato 21/2025.",
            "category_code",
        ),
    ],
)
def test_bad_input(consumption: int, units: list[DwellingUnits], message: str, field: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        calculate_bill(tariff(), consumption, units)
    assert (raised.value.message, raised.value.field) == (message, field)


# --- apportionment -------------------------------------------------------------------------------


def test_balanced_sequence_interleaves_by_weight() -> None:
    assert balanced_sequence([2, 1], 3) == [0, 0, 1]
    assert balanced_sequence([1, 1, 1], 3) == [0, 1, 2]  # a tie goes to the first listed
    assert balanced_sequence([3, 1], 4) == [0, 0, 0, 1]
    # the case the plain "largest deficit" sequence got wrong: every share within quota
    assert apportion(128, [2, 2, 2, 30, 30, 30]) == (3, 3, 2, 40, 40, 40)
    with pytest.raises(ValueError):
        balanced_sequence([1], 2)


def test_apportion_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        apportion(-1, [1])
    with pytest.raises(ValueError):
        apportion(1, [1, 0])
    assert apportion(7, [4]) == (7,)


@settings(max_examples=1000)
@given(st.integers(0, 2000), st.lists(st.integers(1, 40), min_size=1, max_size=6))
def test_apportion_sums_stays_within_one_of_quota_and_is_monotone(total: int, weights: list[int]) -> None:
    parts = apportion(total, weights)
    more = apportion(total + 1, weights)
    assert sum(parts) == total
    assert all(
        abs(part * sum(weights) - total * w) < sum(weights) for part, w in zip(parts, weights, strict=True)
    )
    assert all(b >= a for a, b in zip(parts, more, strict=True))


# --- properties ----------------------------------------------------------------------------------

prices = st.decimals(min_value=D("0"), max_value=D("50"), places=4, allow_nan=False, allow_infinity=False)


@st.composite
def tariffs_and_units(draw: st.DrawFn) -> tuple[TariffVersion, list[DwellingUnits]]:
    categories = []
    for code in draw(
        st.lists(st.sampled_from(["RES", "COM", "IND", "PUB"]), min_size=1, max_size=3, unique=True)
    ):
        widths = draw(st.lists(st.integers(1, 15), min_size=1, max_size=5))
        bands, upper = [], 0
        for width in widths:
            bands.append(Band(0 if upper == 0 else upper + 1, upper + width, draw(prices)))
            upper += width
        bands[-1] = dataclasses.replace(bands[-1], to_m3=None)
        categories.append(
            CategoryTariff(
                code=code,
                name=code,
                bands=tuple(bands),
                minimum_m3_per_unit=draw(st.integers(0, 10)),
                sewer_percent=draw(st.decimals(min_value=D("0"), max_value=D("150"), places=2)),
                special_sewer_amount=D("12.34"),
                fixed_charges=(FixedCharge("F", "Fixa", draw(prices)),),
            )
        )
    version = TariffVersion(
        act="P",
        valid_from=dt.date(2025, 1, 1),
        categories=tuple(categories),
        rounding=draw(st.sampled_from(list(Rounding))),
        sewer_rounding=draw(st.sampled_from(list(SewerRounding))),
        category_split=draw(st.sampled_from(list(CategorySplit))),
    )
    units = [DwellingUnits(c.code, draw(st.integers(1, 12))) for c in categories]
    return version, units


def sum_of_lines(bill: BillCalculation) -> Decimal:
    total = D("0")
    for cat in bill.categories:
        total += sum((line.water_amount for line in cat.lines), D("0"))
        if bill.service.sewer:
            per_line = [line.sewer_amount for line in cat.lines]
            total += (
                sum((s for s in per_line if s is not None), D("0"))
                if all(s is not None for s in per_line) and per_line
                else cat.sewer_amount
            )
        total += cat.special_sewer_amount + sum((c.amount for c in cat.fixed_charges), D("0"))
    return total


@settings(max_examples=300, deadline=None)
@given(tariffs_and_units(), st.integers(0, 400), st.sampled_from(list(ServiceType)))
def test_a_bill_never_falls_when_consumption_rises(
    case: tuple[TariffVersion, list[DwellingUnits]], consumption: int, service: ServiceType
) -> None:
    version, units = case
    now = calculate_bill(version, consumption, units, service)
    later = calculate_bill(version, consumption + 1, units, service)
    assert later.total >= now.total
    assert later.water_amount >= now.water_amount and later.sewer_amount >= now.sewer_amount


@settings(max_examples=300, deadline=None)
@given(tariffs_and_units(), st.integers(0, 400), st.sampled_from(list(ServiceType)))
def test_totals_are_sums_of_rounded_lines(
    case: tuple[TariffVersion, list[DwellingUnits]], consumption: int, service: ServiceType
) -> None:
    version, units = case
    bill = calculate_bill(version, consumption, units, service)
    amounts = [line.water_amount for line in bill.lines] + [
        line.sewer_amount for line in bill.lines if line.sewer_amount is not None
    ]
    assert all(a == a.quantize(D("0.01")) for a in amounts)
    assert bill.total == sum_of_lines(bill)
    assert sum(c.allocated_m3 for c in bill.categories) == consumption
    assert bill.total == bill.water_amount + bill.sewer_amount + bill.special_sewer_amount + (
        bill.fixed_charges_amount
    )
    if service.water:
        assert sum(line.volume_m3 for line in bill.lines) == bill.billed_m3


def test_sewer_price_per_m3_follows_the_tariffs_rounding() -> None:
    from modules.billing.domain.calculation import sewer_price_per_m3

    res = category(sewer_percent=D("92.5"))
    truncating = tariff(res, rounding=Rounding.TRUNCATE)
    half_up = tariff(res, rounding=Rounding.HALF_UP)

    assert sewer_price_per_m3(truncating, res, D("3.37")) == D("3.11")  # 3.11725
    assert sewer_price_per_m3(half_up, res, D("3.37")) == D("3.12")
    assert sewer_price_per_m3(truncating, category(sewer_percent=None), D("3.37")) is None
