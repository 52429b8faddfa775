"""Certificate kinds, authentication codes and the annual declaration of Lei 12.007/2009."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modules.common.errors import Conflict, ValidationFailed
from modules.debt.domain.certificates import (
    ALPHABET,
    CertificateKind,
    CertificatePolicy,
    DebtItem,
    DebtStatus,
    annual_declaration,
    decide_certificate,
    new_authentication_code,
    normalize_code,
)

D = Decimal
OPEN, PAID = DebtStatus.OPEN, DebtStatus.PAID

# F-DESO (seed 003): six open bills 07/2018–12/2018, 376,03 in all.
F_DESO_BILLS = [
    DebtItem("07/2018", D("53.90"), dt.date(2018, 8, 3), OPEN),
    DebtItem("08/2018", D("104.88"), dt.date(2018, 9, 3), OPEN),
    DebtItem("09/2018", D("35.64"), dt.date(2018, 10, 4), OPEN),
    DebtItem("10/2018", D("70.48"), dt.date(2018, 11, 5), OPEN),
    DebtItem("11/2018", D("75.49"), dt.date(2018, 12, 6), OPEN),
    DebtItem("12/2018", D("35.64"), dt.date(2019, 1, 4), OPEN),
]


def test_f_deso_is_refused_with_its_overdue_bills() -> None:
    decision = decide_certificate(F_DESO_BILLS, as_of=dt.date(2019, 4, 22))
    assert decision.kind is CertificateKind.REFUSED
    assert [item.reference for item in decision.overdue] == [b.reference for b in F_DESO_BILLS]
    assert decision.overdue_total == D("376.03")
    assert decision.reason == (
        "Certidão negativa recusada: há 6 débitos vencidos, total R$ 376,03; o mais antigo, 07/2018, "
        "venceu em 03/08/2018."
    )


def test_nothing_owed_gives_a_negative_certificate() -> None:
    paid = [DebtItem("03/2019", D("35.64"), dt.date(2019, 4, 3), PAID, paid_on=dt.date(2019, 4, 1))]
    decision = decide_certificate(paid, as_of=dt.date(2019, 4, 22))
    assert (decision.kind, decision.reason) == (
        CertificateKind.NEGATIVE,
        "Não há débitos vencidos nem parcelamentos em andamento.",
    )


def test_a_bill_not_yet_due_does_not_block_the_negative() -> None:
    bills = [DebtItem("04/2019", D("35.64"), dt.date(2019, 5, 3), OPEN)]
    assert decide_certificate(bills, as_of=dt.date(2019, 4, 22)).kind is CertificateKind.NEGATIVE


def test_due_today_is_not_overdue_yet() -> None:
    bills = [DebtItem("03/2019", D("35.64"), dt.date(2019, 4, 22), OPEN)]
    assert decide_certificate(bills, as_of=dt.date(2019, 4, 22)).kind is CertificateKind.NEGATIVE
    assert decide_certificate(bills, as_of=dt.date(2019, 4, 23)).kind is CertificateKind.REFUSED


def test_tolerated_days_past_due() -> None:
    bills = [DebtItem("03/2019", D("35.64"), dt.date(2019, 4, 3), OPEN)]
    policy = CertificatePolicy(tolerance_days=30)
    assert (
        decide_certificate(bills, as_of=dt.date(2019, 5, 3), policy=policy).kind is CertificateKind.NEGATIVE
    )
    assert decide_certificate(bills, as_of=dt.date(2019, 5, 4), policy=policy).kind is CertificateKind.REFUSED


def test_agreement_up_to_date_gives_positive_with_negative_effect() -> None:
    # §11.4: no overdue debts, but an unfinished agreement "mesmo que em dia".
    debts = [
        DebtItem("07/2018", D("53.90"), dt.date(2018, 8, 3), DebtStatus.IN_AGREEMENT, agreement="P-1"),
        DebtItem(
            "parcela 1/6",
            D("65.90"),
            dt.date(2019, 5, 22),
            PAID,
            agreement="P-1",
            paid_on=dt.date(2019, 5, 20),
        ),
        DebtItem("parcela 2/6", D("65.90"), dt.date(2019, 6, 22), OPEN, agreement="P-1"),
        DebtItem("parcela 3/6", D("65.90"), None, OPEN, agreement="P-1"),  # waits for its bill: never overdue
    ]
    decision = decide_certificate(debts, as_of=dt.date(2019, 6, 1))
    assert decision.kind is CertificateKind.POSITIVE_WITH_NEGATIVE_EFFECT
    assert decision.open_agreements == ("P-1",)
    assert decision.reason == "Não há débitos vencidos, mas há parcelamento em andamento."


def test_an_overdue_installment_refuses() -> None:
    debts = [DebtItem("parcela 2/6", D("65.90"), dt.date(2019, 6, 22), OPEN, agreement="P-1")]
    assert decide_certificate(debts, as_of=dt.date(2019, 7, 1)).kind is CertificateKind.REFUSED


def test_finished_agreement_gives_negative() -> None:
    debts = [
        DebtItem("07/2018", D("53.90"), dt.date(2018, 8, 3), DebtStatus.IN_AGREEMENT, agreement="P-1"),
        DebtItem(
            "parcela 1/1",
            D("59.96"),
            dt.date(2019, 5, 22),
            PAID,
            agreement="P-1",
            paid_on=dt.date(2019, 5, 2),
        ),
    ]
    assert decide_certificate(debts, as_of=dt.date(2019, 6, 1)).kind is CertificateKind.NEGATIVE


def test_contested_debt_and_two_agreements() -> None:
    debts = [
        DebtItem("05/2018", D("50.00"), dt.date(2018, 6, 3), DebtStatus.SUSPENDED),
        DebtItem("parcela 2/6", D("65.90"), dt.date(2019, 6, 22), OPEN, agreement="P-1"),
        DebtItem("parcela 4/10", D("20.00"), dt.date(2019, 6, 30), OPEN, agreement="P-2"),
    ]
    decision = decide_certificate(debts, as_of=dt.date(2019, 6, 1))
    assert decision.kind is CertificateKind.POSITIVE_WITH_NEGATIVE_EFFECT
    assert decision.open_agreements == ("P-1", "P-2")
    assert decision.reason == (
        "Não há débitos vencidos, mas há 2 parcelamentos em andamento e débito com exigibilidade suspensa."
    )


def test_cancelled_and_paid_debts_are_ignored() -> None:
    debts = [
        DebtItem("NFA 12", D("80.00"), dt.date(2018, 1, 10), DebtStatus.CANCELLED),
        DebtItem("01/2018", D("40.00"), dt.date(2018, 2, 10), PAID, paid_on=dt.date(2018, 3, 1)),
    ]
    assert decide_certificate(debts, as_of=dt.date(2019, 6, 1)).kind is CertificateKind.NEGATIVE


def test_code_has_five_groups_of_four_from_the_crockford_alphabet() -> None:
    code = new_authentication_code(lambda n: bytes(range(1, n + 1)))
    assert len(code) == 24
    assert [len(group) for group in code.split("-")] == [4, 4, 4, 4, 4]
    assert set(code.replace("-", "")) <= set(ALPHABET)
    assert normalize_code(code) == code
    assert code == new_authentication_code(lambda n: bytes(range(1, n + 1)))  # deterministic given the bytes


def test_all_zero_bytes_give_a_valid_code() -> None:
    assert new_authentication_code(lambda n: bytes(n)) == "0000-0000-0000-0000-0000"


def test_typed_codes_are_normalised() -> None:
    code = new_authentication_code(lambda n: b"\xa5" * n)
    typed = code.lower().replace("-", " ").replace("1", "l").replace("0", "o")
    assert normalize_code(f"  {typed} ") == code
    assert normalize_code(code.replace("-", "")) == code
    assert normalize_code(code.replace("-", ".")) == code


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Informe o código de autenticação."),
        ("  -  ", "Informe o código de autenticação."),
        (
            "ABCD-EFGH-JKMN-PQRS-TUV#",
            "O código contém caracteres que não existem nos códigos de autenticação: #, U.",
        ),
        ("ABCD-EFGH-JKMN-PQRS-TVW", "O código de autenticação tem 20 caracteres; foram digitados 19."),
    ],
)
def test_bad_typed_codes(typed: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        normalize_code(typed)
    assert (refused.value.field, refused.value.message) == ("code", message)


@given(data=st.binary(min_size=12, max_size=12), position=st.integers(0, 19), shift=st.integers(1, 31))
def test_any_single_mistyped_character_is_caught(data: bytes, position: int, shift: int) -> None:
    compact = new_authentication_code(lambda n: data).replace("-", "")
    wrong = (
        compact[:position]
        + ALPHABET[(ALPHABET.index(compact[position]) + shift) % 32]
        + compact[position + 1 :]
    )
    with pytest.raises(ValidationFailed) as refused:
        normalize_code(wrong)
    assert refused.value.message == "Código de autenticação inválido: confira os caracteres digitados."


@given(data=st.binary(min_size=12, max_size=12), position=st.integers(0, 18))
def test_any_swap_of_neighbours_is_caught(data: bytes, position: int) -> None:
    compact = new_authentication_code(lambda n: data).replace("-", "")
    swapped = compact[:position] + compact[position + 1] + compact[position] + compact[position + 2 :]
    if swapped != compact:
        with pytest.raises(ValidationFailed):
            normalize_code(swapped)


# Seed 003's Declaração Anual (2017) prints 8 rows summing to 396,42 under a TOTAL of 595,03 (four months
# are missing: virtual_agency.md §4). The fixture has all twelve paid months.
DECLARATION_2017_PRINTED = [
    ("01/2017", "13/02/2017", "34.96"),
    ("02/2017", "27/03/2017", "54.13"),
    ("03/2017", "28/04/2017", "55.93"),
    ("04/2017", "24/05/2017", "50.21"),
    ("05/2017", "05/07/2017", "50.34"),
    ("10/2017", "07/12/2017", "50.12"),
    ("11/2017", "05/01/2018", "50.27"),
    ("12/2017", "14/02/2018", "50.46"),
]


def _year_2017(missing: dict[int, DebtItem] | None = None) -> list[DebtItem]:
    bills = []
    for month in range(1, 13):
        bills.append(
            DebtItem(
                f"{month:02d}/2017",
                D("50.00"),
                dt.date(2017, month, 10),
                PAID,
                paid_on=dt.date(2017, month, 9),
            )
        )
    for month, item in (missing or {}).items():
        bills[month - 1] = item
    return bills


def test_printed_declaration_rows_do_not_add_up_to_its_total() -> None:
    assert sum(D(value) for _, _, value in DECLARATION_2017_PRINTED) == D("396.42") != D("595.03")


def test_declaration_lists_every_paid_bill_and_totals_them() -> None:
    declaration = annual_declaration(2017, _year_2017())
    assert len(declaration.lines) == 12
    assert declaration.total == sum(line.amount for line in declaration.lines) == D("600.00")
    assert declaration.lines[0].paid_on == dt.date(2017, 1, 9)


def test_declaration_takes_bills_by_due_date() -> None:
    bills = [
        *_year_2017(),
        DebtItem("12/2016", D("70.00"), dt.date(2017, 1, 5), PAID, paid_on=dt.date(2017, 1, 5)),
    ]
    bills.append(DebtItem("12/2017-b", D("99.00"), dt.date(2018, 1, 5), OPEN))
    declaration = annual_declaration(2017, bills)
    assert declaration.lines[0].reference == "12/2016"
    assert declaration.total == D("670.00")


def test_year_with_an_open_bill_is_refused() -> None:
    bills = _year_2017({7: DebtItem("07/2017", D("50.00"), dt.date(2017, 7, 10), OPEN)})
    with pytest.raises(Conflict) as refused:
        annual_declaration(2017, bills)
    assert refused.value.message == "Declaração anual de 2017 recusada: a fatura 07/2017 está em aberto."


def test_months_not_billed_are_simply_absent_art_2_paragraph_2() -> None:
    bills = [b for b in _year_2017() if b.reference not in {"06/2017", "07/2017", "08/2017", "09/2017"}]
    assert len(annual_declaration(2017, bills).lines) == 8


def test_contested_bill_is_left_out_art_2_paragraph_3() -> None:
    bills = _year_2017({3: DebtItem("03/2017", D("50.00"), dt.date(2017, 3, 10), DebtStatus.SUSPENDED)})
    declaration = annual_declaration(2017, bills)
    assert declaration.contested == ("03/2017",)
    assert len(declaration.lines) == 11


def test_late_payment_counts_unless_strict() -> None:
    late = DebtItem("05/2017", D("50.00"), dt.date(2017, 5, 10), PAID, paid_on=dt.date(2017, 7, 5))
    assert len(annual_declaration(2017, _year_2017({5: late})).lines) == 12
    with pytest.raises(Conflict) as refused:
        annual_declaration(2017, _year_2017({5: late}), strict=True)
    assert (
        refused.value.message == "Declaração anual de 2017 recusada: pagamento após o vencimento em 05/2017."
    )


def test_year_without_bills_is_refused() -> None:
    with pytest.raises(Conflict) as refused:
        annual_declaration(2016, _year_2017())
    assert refused.value.message == "Não há faturas com vencimento em 2016 para declarar."


def test_every_neighbour_swap_of_one_code_is_caught_exhaustively() -> None:
    # The bytes hypothesis found against a Luhn mod 32 check (ADR 0033); now checked for every position.
    compact = new_authentication_code(lambda n: bytes(6) + b"\x01\xf0" + bytes(4)).replace("-", "")
    for position in range(19):
        swapped = compact[:position] + compact[position + 1] + compact[position] + compact[position + 2 :]
        if swapped != compact:
            with pytest.raises(ValidationFailed):
                normalize_code(swapped)
