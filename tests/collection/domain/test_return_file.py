"""FEBRABAN collection return files: the seven real samples and every way a file is refused."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from modules.collection.domain.barcode_check import is_valid_barcode
from modules.collection.domain.return_file import (
    Problem,
    ReturnFileRejected,
    parse_return_file,
)

# shared/ sits beside the project on every machine and CI run (shared/README.md).
SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "samples" / "febraban-return"

# The README's table: G records, Z.02 (lines) and Z.03 (= ΣG.06) of each complete, consistent file.
GOOD_SAMPLES = {
    "01_itau-341_2017-04-05_modelo-retorno-tipo-G.txt": (2, 4, Decimal("334.72")),
    "02_bb-001_2014-08-05_RCB001454508201412843.ret": (144, 146, Decimal("21729.40")),
    "03_bb-001_2014-08-06_RCB001455608201413819.ret": (28, 30, Decimal("7141.20")),
    "04_bb-001_2014-08-07_RCB001456708201413431.ret": (181, 183, Decimal("23794.20")),
    "05_bb-001_2014-08-08_RCB001457808201414115.ret": (185, 187, Decimal("26384.80")),
    "06_bb-001_2014-08-09_RCB001458908201414507.ret": (149, 151, Decimal("17814.10")),
}
WRONG_TOTAL_SAMPLE = "07_itau-341_2015-10-16_cnab150-gem-readme-fixture.txt"


def raw_g_records(data: bytes) -> list[bytes]:
    """Independent of the parser: the G lines, read as the README describes them."""
    return [line for line in data.replace(b"\r\n", b"\n").split(b"\n") if line.startswith(b"G")]


@pytest.mark.parametrize(("name", "expected"), GOOD_SAMPLES.items())
def test_sample_parses_with_the_readme_counts_and_totals(
    name: str, expected: tuple[int, int, Decimal]
) -> None:
    data = (SAMPLES / name).read_bytes()
    g_count, z_count, z_total = expected
    raw = raw_g_records(data)
    raw_sum = sum(Decimal(int(line[81:93])) / 100 for line in raw)
    assert (len(raw), raw_sum) == (g_count, z_total)  # the README's figures hold for the raw file

    parsed = parse_return_file(data)

    assert len(parsed.payments) == g_count
    assert parsed.trailer.record_count == z_count
    assert parsed.trailer.total == z_total
    assert parsed.total_amount == z_total
    assert [payment.amount for payment in parsed.payments] == [
        Decimal(int(line[81:93])) / 100 for line in raw
    ]
    assert all(is_valid_barcode(payment.barcode) for payment in parsed.payments)
    assert parsed.warnings == ()


def test_all_samples_hold_691_payments() -> None:
    total = sum(len(parse_return_file((SAMPLES / name).read_bytes()).payments) for name in GOOD_SAMPLES)
    assert total + len(raw_g_records((SAMPLES / WRONG_TOTAL_SAMPLE).read_bytes())) == 691


def test_itau_sample_01_fields() -> None:
    parsed = parse_return_file((SAMPLES / "01_itau-341_2017-04-05_modelo-retorno-tipo-G.txt").read_bytes())
    header = parsed.header
    assert (header.agreement_code, header.company_name, header.bank_code, header.bank_name) == (
        "0000855470019",
        "TESTETESTETESTETESTE",
        "341",
        "BANCO ITAU S.A.",
    )
    assert (header.generated_on, header.sequence, header.layout_version, header.service) == (
        dt.date(2017, 4, 5),
        1,
        "04",
        "CODIGO DE BARRAS",
    )
    first = parsed.payments[0]
    assert first.line == 2
    assert first.account == "34199990000000999999"
    assert (first.paid_on, first.credited_on) == (dt.date(2017, 4, 4), dt.date(2017, 4, 5))
    assert first.barcode == "81630000002418502990000000000100222031701000"
    assert first.amount == Decimal("241.85") == first.barcode_amount
    assert first.fee == Decimal("1.40")
    assert first.record_sequence == 1
    assert first.collecting_agency == "09332"
    assert (first.channel, first.channel_label) == ("2", "meio eletrônico com fatura")
    assert first.authentication == "001 093300001040417C"
    assert first.payment_method == "1"
    assert parsed.total_fees == Decimal("2.80")


def test_bb_files_are_five_consecutive_nsa() -> None:
    names = [name for name in GOOD_SAMPLES if name.startswith("0") and "_bb-001_" in name]
    headers = [parse_return_file((SAMPLES / name).read_bytes()).header for name in names]
    assert [header.sequence for header in headers] == [453, 454, 455, 456, 457]
    assert {header.agreement_code for header in headers} == {"110288"}
    assert {header.bank_name for header in headers} == {"BANCO DO BRASIL  S/A"}
    assert {header.service for header in headers} == {""}  # BB leaves A.10 blank


def test_bb_credit_is_two_business_days_after_payment() -> None:
    # README: paid Thu 2014-08-07, credited Mon 2014-08-11 (file of 2014-08-08).
    parsed = parse_return_file((SAMPLES / "05_bb-001_2014-08-08_RCB001457808201414115.ret").read_bytes())
    assert {(payment.paid_on, payment.credited_on) for payment in parsed.payments} == {
        (dt.date(2014, 8, 7), dt.date(2014, 8, 11))
    }
    assert {payment.fee for payment in parsed.payments} == {Decimal("0.98")}


def test_sample_07_is_refused_for_its_trailer_total_on_line_4() -> None:
    data = (SAMPLES / WRONG_TOTAL_SAMPLE).read_bytes()

    with pytest.raises(ReturnFileRejected) as refused:
        parse_return_file(data)

    assert refused.value.problems == (
        Problem(
            4, "Z.03", "o trailer informa o total de R$ 15.336,12, mas a soma dos registros G é R$ 28,10"
        ),
    )
    assert refused.value.message == (
        "Arquivo retorno recusado. Linha 4, campo Z.03: o trailer informa o total de R$ 15.336,12, "
        "mas a soma dos registros G é R$ 28,10"
    )
    assert refused.value.code == "return_file_rejected"


def test_sample_07_uses_the_febraban_positions_not_the_gem_split() -> None:
    # With the trailer fixed, the layout-03 file reads G.09 = "01594" and G.10 = "2" (README).
    lines = (SAMPLES / WRONG_TOTAL_SAMPLE).read_bytes().split(b"\n")
    lines[3] = b"Z000004" + b"%017d" % 2810 + lines[3][24:]
    parsed = parse_return_file(b"\n".join(lines))
    first = parsed.payments[0]
    assert (first.collecting_agency, first.channel, first.authentication, first.payment_method) == (
        "01594",
        "2",
        "",
        None,
    )
    assert parsed.header.layout_version == "03"
    assert [payment.record_sequence for payment in parsed.payments] == [31200007, 31200011]


# Synthetic files built from sample 01, one defect at a time.
def _sample_lines() -> list[bytes]:
    data = (SAMPLES / "01_itau-341_2017-04-05_modelo-retorno-tipo-G.txt").read_bytes()
    return data.replace(b"\r\n", b"\n").rstrip(b"\n").split(b"\n")


def _refusal(lines: list[bytes]) -> tuple[Problem, ...]:
    with pytest.raises(ReturnFileRejected) as refused:
        parse_return_file(b"\n".join(lines) + b"\n")
    return refused.value.problems


def _put(line: bytes, start: int, value: bytes) -> bytes:
    return line[: start - 1] + value + line[start - 1 + len(value) :]


def test_lf_crlf_and_no_line_ends_give_the_same_payments() -> None:
    lines = _sample_lines()
    by_lf = parse_return_file(b"\n".join(lines))
    by_crlf = parse_return_file(b"\r\n".join(lines) + b"\r\n")
    by_stream = parse_return_file(b"".join(lines))
    assert by_lf.payments == by_crlf.payments == by_stream.payments


def test_wrong_record_length() -> None:
    lines = _sample_lines()
    lines[1] = lines[1][:149]
    assert _refusal(lines) == (Problem(2, None, "registro com 149 caracteres; o layout exige 150"),)


def test_accented_utf8_literal_breaks_the_width() -> None:
    lines = _sample_lines()
    lines[0] = _put(lines[0], 82, "CÓDIGO DE BARRAS".encode())[:150] + b" "
    assert _refusal(lines) == (Problem(1, None, "registro com 151 caracteres; o layout exige 150"),)


def test_accented_latin1_literal_is_read() -> None:
    lines = _sample_lines()
    lines[0] = _put(lines[0], 82, "CÓDIGO DE BARRAS".encode("latin-1"))
    assert parse_return_file(b"\n".join(lines)).header.service == "CÓDIGO DE BARRAS"


def test_unknown_record_type() -> None:
    lines = _sample_lines()
    lines.insert(2, b"Q" + lines[1][1:])
    problems = _refusal(lines)
    assert problems[0] == Problem(3, "tipo de registro", "tipo de registro desconhecido: 'Q'")


def test_automatic_debit_record_is_refused_with_its_reason() -> None:
    lines = _sample_lines()
    lines.insert(2, b"F" + lines[1][1:])
    assert _refusal(lines)[0] == Problem(
        3, "tipo de registro", "registro F é do layout de débito automático, não do retorno de arrecadação"
    )


def test_non_numeric_amount() -> None:
    lines = _sample_lines()
    lines[1] = _put(lines[1], 82, b"00000002418X")
    assert _refusal(lines) == (
        Problem(2, "G.06", "valor recebido deve ser numérico (posições 82 a 93), veio '00000002418X'"),
    )


def test_bad_payment_date() -> None:
    lines = _sample_lines()
    lines[1] = _put(lines[1], 22, b"20170231")
    assert _refusal(lines) == (
        Problem(2, "G.03", "data de pagamento inválida (AAAAMMDD, posições 22 a 29), veio '20170231'"),
    )


def test_bad_generation_date_and_version_in_header() -> None:
    lines = _sample_lines()
    lines[0] = _put(_put(lines[0], 66, b"2017AB05"), 80, b"09")
    assert _refusal(lines) == (
        Problem(
            1, "A.07", "data de geração do arquivo inválida (AAAAMMDD, posições 66 a 73), veio '2017AB05'"
        ),
        Problem(1, "A.09", "versão do layout '09' não suportada (aceitas: 03, 04, 05, 06, 07)"),
    )


def test_remittance_file_is_not_a_return() -> None:
    lines = _sample_lines()
    lines[0] = _put(lines[0], 2, b"1")
    assert _refusal(lines) == (Problem(1, "A.02", "código de remessa deve ser 2 (retorno), veio '1'"),)


def test_barcode_check_digit_invalid() -> None:
    lines = _sample_lines()
    barcode = lines[1][37:81]
    wrong = barcode[:3] + (b"0" if barcode[3:4] != b"0" else b"1") + barcode[4:]
    lines[1] = _put(lines[1], 38, wrong)
    (problem,) = _refusal(lines)
    assert (problem.line, problem.field) == (2, "G.05")
    assert problem.message.startswith("código de barras: dígito verificador geral inválido: ")


def test_trailer_count_mismatch() -> None:
    lines = _sample_lines()
    lines[3] = _put(lines[3], 2, b"000005")
    assert _refusal(lines) == (
        Problem(4, "Z.02", "o trailer informa 5 registros, mas o arquivo tem 4 (header e trailer incluídos)"),
    )


def test_missing_header() -> None:
    lines = _sample_lines()[1:]
    lines[-1] = _put(lines[-1], 2, b"000003")
    assert _refusal(lines) == (Problem(1, "A.01", "arquivo sem header (registro A) na primeira linha"),)


def test_missing_trailer() -> None:
    assert _refusal(_sample_lines()[:3]) == (
        Problem(3, "Z.01", "arquivo sem trailer (registro Z) na última linha"),
    )


def test_record_after_trailer_and_second_header() -> None:
    lines = _sample_lines()
    problems = _refusal([*lines[:2], lines[0], *lines[2:], lines[1]])
    assert Problem(3, "A.01", "header (A) fora da primeira linha") in problems
    assert Problem(6, None, "registro depois do trailer (Z)") in problems


def test_empty_file() -> None:
    with pytest.raises(ReturnFileRejected) as refused:
        parse_return_file(b"")
    assert refused.value.problems == (Problem(None, None, "arquivo vazio"),)
    assert refused.value.message == "Arquivo retorno recusado. arquivo vazio"


def test_every_problem_is_reported_not_only_the_first() -> None:
    lines = _sample_lines()
    lines[1] = _put(lines[1], 82, b"ABCDEFGHIJKL")
    lines[2] = _put(lines[2], 30, b"20171301")
    fields = [(problem.line, problem.field) for problem in _refusal(lines)]
    assert fields == [(2, "G.06"), (3, "G.04")]


def test_warnings_do_not_refuse_the_file() -> None:
    lines = _sample_lines()
    lines[1] = _put(lines[1], 82, b"000000024000")  # 240,00 paid on a 241,85 barcode
    lines[1] = _put(lines[1], 117, b"z")  # unknown channel
    lines[2] = _put(lines[2], 101, b"00000001")  # NSR does not increase
    lines[3] = _put(lines[3], 8, b"%017d" % 33287)
    parsed = parse_return_file(b"\n".join(lines))
    assert parsed.warnings == (
        Problem(2, "G.10", "forma de arrecadação desconhecida: 'z'"),
        Problem(2, "G.06", "valor recebido R$ 240,00 difere do valor do código de barras R$ 241,85"),
        Problem(3, "G.08", "NSR 1 não é maior que o do registro anterior (1)"),
    )


def test_the_same_bytes_have_the_same_digest() -> None:
    data = (SAMPLES / "03_bb-001_2014-08-06_RCB001455608201413819.ret").read_bytes()
    assert parse_return_file(data).sha256 == parse_return_file(bytes(data)).sha256
    assert len(parse_return_file(data).sha256) == 64


def test_blank_lines_after_the_trailer_change_the_bytes_not_the_content() -> None:
    data = (SAMPLES / "03_bb-001_2014-08-06_RCB001455608201413819.ret").read_bytes()
    padded = data + b"\r\n   \n\n"
    assert parse_return_file(padded).payments == parse_return_file(data).payments
    assert parse_return_file(padded).sha256 != parse_return_file(data).sha256
    assert parse_return_file(padded).content_sha256 == parse_return_file(data).content_sha256
    crlf = parse_return_file(data.replace(b"\n", b"\r\n"))
    assert crlf.content_sha256 == parse_return_file(data).content_sha256
