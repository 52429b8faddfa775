"""Parser of the FEBRABAN collection return file ("arquivo retorno de arrecadação", layout G).

Layout: FEBRABAN "Layout Padrão de Arrecadação/Recebimento com Utilização do Código de Barras",
section 06 "Retorno das informações" (versions 04 to 07 share every position used here; version 03
leaves G.11 and G.12 blank). Fixed 150-byte records: A header, G one per payment, Z trailer. Positions
below are 1-based and inclusive, as in the FEBRABAN document; see shared/samples/febraban-return/README.md.

Decisions (ADR 0030):

* Only A, G and Z belong to this layout. B, C, D, E, F, H, J and X are automatic-debit records: a file
  holding them is a débito-automático return sent to the wrong inbox and is refused with that reason;
  any other type is refused as unknown.
* The file is read as bytes and decoded as Latin-1, so an accented byte can never shift the columns.
  LF and CRLF line ends are both accepted, and so is a stream of 150-byte records with no line ends;
  blank lines at the end are dropped.
* Every problem found is collected with its line, field and a pt-BR message, and the file is refused
  as a whole when there is any: a return file settles bills, so nothing of a broken file is posted.
  Things that need a person but not a refusal (amount different from the barcode's, unknown channel,
  credit before payment, record sequence not increasing) are warnings on the parsed file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from dataclasses import dataclass
from decimal import Decimal

from modules.common.domain.money import format_brl
from modules.common.errors import ValidationFailed

from ..errors import ErrorCode
from .barcode_check import barcode_problems, decode_barcode

RECORD_LENGTH = 150
SUPPORTED_LAYOUT_VERSIONS = frozenset({"03", "04", "05", "06", "07"})
_SUPPORTED_LIST = ", ".join(sorted(SUPPORTED_LAYOUT_VERSIONS))
AUTOMATIC_DEBIT_RECORD_TYPES = frozenset("BCDEFHJX")

# G.10, forma de arrecadação/captura (v06; 7/g from v05, l from v07). With/without the bill.
CHANNELS = {
    "1": "guichê de caixa com fatura",
    "2": "meio eletrônico com fatura",
    "3": "internet/aplicativo com fatura",
    "4": "outros meios com fatura",
    "5": "correspondente bancário com fatura",
    "6": "telefone com fatura",
    "7": "casa lotérica com fatura",
    "8": "cartão com fatura",
    "9": "Pix com fatura",
    "a": "guichê de caixa sem fatura",
    "b": "meio eletrônico sem fatura",
    "c": "internet/aplicativo sem fatura",
    "d": "correspondente bancário sem fatura",
    "e": "telefone sem fatura",
    "f": "outros meios sem fatura",
    "g": "casa lotérica sem fatura",
    "h": "cartão sem fatura",
    "i": "Pix sem fatura",
    "l": "correspondente no país digital",
}

# G.12, forma de pagamento (v06/v07; v04 has 1–3).
PAYMENT_METHODS = {
    "1": "dinheiro",
    "2": "cheque",
    "3": "não identificado",
    "4": "cartão de crédito",
    "5": "cartão/multibanco",
    "6": "débito em conta",
}


@dataclass(frozen=True)
class Problem:
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"linha {self.line}")
        if self.field is not None:
            where.append(f"campo {self.field}")
        prefix = ", ".join(where)
        return f"{prefix[:1].upper()}{prefix[1:]}: {self.message}" if prefix else self.message


class ReturnFileRejected(ValidationFailed):
    """The whole file is refused; `problems` says where and why (line, field, pt-BR message)."""

    code = ErrorCode.RETURN_FILE_REJECTED

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        summary = "; ".join(str(problem) for problem in problems[:20])
        more = f" (e mais {len(problems) - 20} problemas)" if len(problems) > 20 else ""
        super().__init__(f"Arquivo retorno recusado. {summary}{more}")


@dataclass(frozen=True)
class ReturnHeader:
    line: int
    agreement_code: str  # A.03 código do convênio, assigned by the bank
    company_name: str  # A.04
    bank_code: str  # A.05
    bank_name: str  # A.06
    generated_on: dt.date  # A.07
    sequence: int  # A.08 NSA, +1 for each file
    layout_version: str  # A.09
    service: str  # A.10, "CODIGO DE BARRAS" or blank


@dataclass(frozen=True)
class ReturnPayment:
    line: int
    account: str  # G.02 credited agency/account at the bank
    paid_on: dt.date  # G.03
    credited_on: dt.date  # G.04
    barcode: str  # G.05, 44 digits, DAC valid
    amount: Decimal  # G.06
    fee: Decimal  # G.07 tarifa, zero when not reported
    record_sequence: int  # G.08 NSR
    collecting_agency: str  # G.09
    channel: str  # G.10 code, see CHANNELS
    authentication: str  # G.11
    payment_method: str | None  # G.12 code, None when blank (layout 03)

    @property
    def barcode_amount(self) -> Decimal | None:
        return decode_barcode(self.barcode).amount

    @property
    def channel_label(self) -> str:
        return CHANNELS.get(self.channel, "desconhecido")


@dataclass(frozen=True)
class ReturnTrailer:
    line: int
    record_count: int  # Z.02, header and trailer included
    total: Decimal  # Z.03, Σ G.06


@dataclass(frozen=True)
class ReturnFile:
    header: ReturnHeader
    payments: tuple[ReturnPayment, ...]
    trailer: ReturnTrailer
    sha256: str
    warnings: tuple[Problem, ...] = ()

    @property
    def total_amount(self) -> Decimal:
        return sum((payment.amount for payment in self.payments), Decimal("0.00"))

    @property
    def total_fees(self) -> Decimal:
        return sum((payment.fee for payment in self.payments), Decimal("0.00"))

    @property
    def content_sha256(self) -> str:
        return content_fingerprint(
            bank_code=self.header.bank_code,
            sequence=self.header.sequence,
            generated_on=self.header.generated_on,
            record_count=self.trailer.record_count,
            total=self.trailer.total,
            payments=[
                PaymentFingerprint(
                    p.line, p.barcode, p.amount, p.fee, p.paid_on, p.credited_on, p.authentication
                )
                for p in self.payments
            ],
        )


@dataclass(frozen=True)
class PaymentFingerprint:
    """What of a G record a duplicate check compares: the fields an import stores on its payment."""

    line: int
    barcode: str
    amount: Decimal
    fee: Decimal
    paid_on: dt.date
    credited_on: dt.date
    authentication: str


def content_fingerprint(
    *,
    bank_code: str,
    sequence: int,
    generated_on: dt.date,
    record_count: int,
    total: Decimal,
    payments: list[PaymentFingerprint],
) -> str:
    """SHA-256 of what the file says, not of its bytes: the same file with CRLF, LF, trailing blanks
    or a re-encoding has the same fingerprint. It is built only from what an import stores (the
    header's bank, NSA and date, the trailer, and every G record's payment), so the rows imported
    before this rule existed get theirs from the database (migration 0006)."""
    parts = [bank_code, str(sequence), generated_on.isoformat(), str(record_count), f"{total:.2f}"]
    for p in sorted(payments, key=lambda item: item.line):
        parts.append(
            f"{p.line};{p.barcode};{p.amount:.2f};{p.fee:.2f};{p.paid_on.isoformat()};"
            f"{p.credited_on.isoformat()};{p.authentication}"
        )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def split_records(data: bytes) -> list[str]:
    """The file's records as Latin-1 text, without line ends; a stream without line ends is cut every 150."""
    if b"\n" not in data and b"\r" not in data and data and len(data) % RECORD_LENGTH == 0:
        chunks = [data[start : start + RECORD_LENGTH] for start in range(0, len(data), RECORD_LENGTH)]
    else:
        chunks = data.replace(b"\r\n", b"\n").split(b"\n")
        # Blank lines after the trailer are what a transfer or an editor adds; they carry nothing.
        # Blanks past column 150 are not dropped: a UTF-8 literal shifts the columns and shows only
        # as a longer record (ADR 0030).
        while chunks and not chunks[-1].strip():
            chunks.pop()
    return [chunk.decode("latin-1") for chunk in chunks]


class _Record:
    """One record being read: slices by FEBRABAN positions and records what is wrong, field by field."""

    def __init__(self, text: str, line: int, problems: list[Problem]) -> None:
        self.text = text
        self.line = line
        self.problems = problems

    def raw(self, start: int, end: int) -> str:
        return self.text[start - 1 : end]

    def fail(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.line, field, message))

    def number(self, field: str, name: str, start: int, end: int) -> int | None:
        value = self.raw(start, end)
        if not value.isascii() or not value.isdigit():
            self.fail(field, f"{name} deve ser numérico (posições {start} a {end}), veio {value!r}")
            return None
        return int(value)

    def money(self, field: str, name: str, start: int, end: int) -> Decimal | None:
        value = self.number(field, name, start, end)
        return None if value is None else Decimal(value).scaleb(-2)

    def date(self, field: str, name: str, start: int, end: int) -> dt.date | None:
        value = self.raw(start, end)
        try:
            if not value.isascii() or not value.isdigit():
                raise ValueError(value)
            return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
        except ValueError:
            self.fail(field, f"{name} inválida (AAAAMMDD, posições {start} a {end}), veio {value!r}")
            return None


def parse_return_file(data: bytes) -> ReturnFile:
    """Parse and check a whole return file; raise ReturnFileRejected listing every problem found."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    records = split_records(data)
    if not records:
        raise ReturnFileRejected([Problem(None, None, "arquivo vazio")])

    header: ReturnHeader | None = None
    trailer: ReturnTrailer | None = None
    payments: list[ReturnPayment] = []
    for line, text in enumerate(records, start=1):
        if len(text) != RECORD_LENGTH:
            problems.append(
                Problem(line, None, f"registro com {len(text)} caracteres; o layout exige {RECORD_LENGTH}")
            )
            continue
        record = _Record(text, line, problems)
        kind = text[0]
        if trailer is not None:
            problems.append(Problem(line, None, "registro depois do trailer (Z)"))
        elif kind == "A":
            if line != 1:
                problems.append(Problem(line, "A.01", "header (A) fora da primeira linha"))
            else:
                header = _header(record)
        elif kind == "G":
            payment = _payment(record, warnings)
            if payment is not None:
                payments.append(payment)
        elif kind == "Z":
            trailer = _trailer(record)
        elif kind in AUTOMATIC_DEBIT_RECORD_TYPES:
            problems.append(
                Problem(
                    line,
                    "tipo de registro",
                    f"registro {kind} é do layout de débito automático, não do retorno de arrecadação",
                )
            )
        else:
            problems.append(Problem(line, "tipo de registro", f"tipo de registro desconhecido: {kind!r}"))

    if not records[0].startswith("A"):
        problems.append(Problem(1, "A.01", "arquivo sem header (registro A) na primeira linha"))
    if not records[-1].startswith("Z"):
        problems.append(Problem(len(records), "Z.01", "arquivo sem trailer (registro Z) na última linha"))
    if trailer is not None:
        _check_trailer(trailer, len(records), payments, problems)
    _check_sequence(payments, warnings)
    if problems or header is None or trailer is None:
        raise ReturnFileRejected(problems)
    return ReturnFile(
        header=header,
        payments=tuple(payments),
        trailer=trailer,
        sha256=hashlib.sha256(data).hexdigest(),
        warnings=tuple(warnings),
    )


def _header(record: _Record) -> ReturnHeader | None:
    before = len(record.problems)
    remittance = record.raw(2, 2)
    if remittance != "2":
        record.fail("A.02", f"código de remessa deve ser 2 (retorno), veio {remittance!r}")
    bank_code = record.raw(43, 45)
    record.number("A.05", "código do banco", 43, 45)
    generated_on = record.date("A.07", "data de geração do arquivo", 66, 73)
    sequence = record.number("A.08", "número sequencial do arquivo (NSA)", 74, 79)
    version = record.raw(80, 81)
    if version not in SUPPORTED_LAYOUT_VERSIONS:
        record.fail(
            "A.09",
            f"versão do layout {version!r} não suportada (aceitas: {_SUPPORTED_LIST})",
        )
    if len(record.problems) > before or generated_on is None or sequence is None:
        return None
    return ReturnHeader(
        line=record.line,
        agreement_code=record.raw(3, 22).strip(),
        company_name=record.raw(23, 42).strip(),
        bank_code=bank_code,
        bank_name=record.raw(46, 65).strip(),
        generated_on=generated_on,
        sequence=sequence,
        layout_version=version,
        service=record.raw(82, 98).strip(),
    )


def _payment(record: _Record, warnings: list[Problem]) -> ReturnPayment | None:
    before = len(record.problems)
    paid_on = record.date("G.03", "data de pagamento", 22, 29)
    credited_on = record.date("G.04", "data de crédito", 30, 37)
    barcode = record.raw(38, 81)
    for message in barcode_problems(barcode):
        record.fail("G.05", f"código de barras: {message}")
    amount = record.money("G.06", "valor recebido", 82, 93)
    fee = record.money("G.07", "valor da tarifa", 94, 100)
    sequence = record.number("G.08", "número sequencial do registro (NSR)", 101, 108)
    method = record.raw(141, 141)
    if method != " " and not method.isdigit():
        record.fail("G.12", f"forma de pagamento deve ser numérica ou em branco, veio {method!r}")
    if (
        len(record.problems) > before
        or paid_on is None
        or credited_on is None
        or amount is None
        or fee is None
        or sequence is None
    ):
        return None
    payment = ReturnPayment(
        line=record.line,
        account=record.raw(2, 21).strip(),
        paid_on=paid_on,
        credited_on=credited_on,
        barcode=barcode,
        amount=amount,
        fee=fee,
        record_sequence=sequence,
        collecting_agency=record.raw(109, 116).strip(),
        channel=record.raw(117, 117).strip(),
        authentication=record.raw(118, 140).strip(),
        payment_method=None if method == " " else method,
    )
    if payment.channel and payment.channel not in CHANNELS:
        warnings.append(
            Problem(record.line, "G.10", f"forma de arrecadação desconhecida: {payment.channel!r}")
        )
    if credited_on < paid_on:
        warnings.append(Problem(record.line, "G.04", "data de crédito anterior à data de pagamento"))
    barcode_amount = payment.barcode_amount
    if barcode_amount is not None and barcode_amount != amount:
        warnings.append(
            Problem(
                record.line,
                "G.06",
                f"valor recebido R$ {format_brl(amount)} difere do valor do código de barras "
                f"R$ {format_brl(barcode_amount)}",
            )
        )
    return payment


def _trailer(record: _Record) -> ReturnTrailer | None:
    count = record.number("Z.02", "quantidade de registros", 2, 7)
    total = record.money("Z.03", "valor total recebido", 8, 24)
    if count is None or total is None:
        return None
    return ReturnTrailer(line=record.line, record_count=count, total=total)


def _check_trailer(
    trailer: ReturnTrailer, line_count: int, payments: list[ReturnPayment], problems: list[Problem]
) -> None:
    if trailer.record_count != line_count:
        problems.append(
            Problem(
                trailer.line,
                "Z.02",
                f"o trailer informa {trailer.record_count} registros, mas o arquivo tem {line_count} "
                "(header e trailer incluídos)",
            )
        )
    if problems:
        return  # a G record that could not be read would make the sum meaningless
    total = sum((payment.amount for payment in payments), Decimal("0.00"))
    if trailer.total != total:
        problems.append(
            Problem(
                trailer.line,
                "Z.03",
                f"o trailer informa o total de R$ {format_brl(trailer.total)}, mas a soma dos registros G "
                f"é R$ {format_brl(total)}",
            )
        )


def _check_sequence(payments: list[ReturnPayment], warnings: list[Problem]) -> None:
    for previous, current in itertools.pairwise(payments):
        if current.record_sequence <= previous.record_sequence:
            warnings.append(
                Problem(
                    current.line,
                    "G.08",
                    f"NSR {current.record_sequence} não é maior que o do registro anterior "
                    f"({previous.record_sequence})",
                )
            )
