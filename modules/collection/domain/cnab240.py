"""FEBRABAN CNAB 240 "Cobrança" (registered boletos), the records this utility exchanges (ADR 0216),
and the bank boleto's barcode (44 digits) and linha digitável (47).

Positions are 1-based and inclusive, as in the FEBRABAN layout (version 10.x of the "Layout Padrão
de Arquivos", file layout 103 / batch layout 060); every record has 240 bytes:

* 0 file header: 001-003 banco, 004-007 "0000", 008 "0", 018 tipo de inscrição (2 CNPJ), 019-032 CNPJ,
  033-052 convênio, 053-057 agência, 058 DV, 059-070 conta, 071 DV, 073-102 empresa, 103-132 banco,
  143 código remessa (1) / retorno (2), 144-151 geração DDMMAAAA, 152-157 hora HHMMSS, 158-163 NSA,
  164-166 versão "103".
* 1 batch header: 009 operação (R remessa, T retorno), 010-011 serviço "01" cobrança, 014-016 "060",
  018 tipo, 019-033 CNPJ, 034-053 convênio, 054-058 agência, 060-071 conta, 074-103 empresa,
  184-191 número remessa/retorno, 192-199 data de gravação.
* 3 P (remittance, the title): 009-013 sequência no lote, 014 "P", 016-017 movimento (01 entrada,
  02 pedido de baixa), 018-022 agência, 024-035 conta, 038-057 nosso número, 058 carteira,
  063-077 seu número (the bill id), 078-085 vencimento, 086-100 valor nominal (13 + 2), 107-108
  espécie ("99" outros), 109 aceite "N", 110-117 emissão, 196-220 uso da empresa, 228-229 moeda "09".
* 3 Q (remittance, the payer): 016-017 movimento, 018 tipo de inscrição (1 CPF, 2 CNPJ, 0 none),
  019-033 inscrição, 034-073 nome, 074-113 endereço, 114-128 bairro, 129-136 CEP, 137-151 cidade,
  152-153 UF.
* 3 T (return, the title): 016-017 movimento (RETURN_MOVEMENTS), 018-022 agência, 024-035 conta,
  038-057 nosso número, 058 carteira, 059-073 seu número, 074-081 vencimento, 082-096 valor nominal,
  097-099 banco cobrador, 100-104 agência cobradora, 106-130 uso da empresa, 199-213 tarifa,
  214-223 motivos (five 2-character codes).
* 3 U (return, the money): 018-032 juros/multa, 033-047 desconto, 048-062 abatimento, 063-077 IOF,
  078-092 valor pago, 093-107 valor líquido, 138-145 data da ocorrência (payment), 146-153 data do
  crédito.
* 5 batch trailer: 018-023 registros do lote (header and trailer included), 024-029 quantidade de
  títulos, 030-046 valor total (15 + 2).
* 9 file trailer: 004-007 "9999", 018-023 quantidade de lotes, 024-029 quantidade de registros.

A file is refused as a whole on any malformed record, naming its line and field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from .return_file import Problem, ReturnFileRejected

RECORD = 240
LAYOUT_FILE = "103"
LAYOUT_BATCH = "060"
CURRENCY = "9"  # barcode currency code: real

REMITTANCE_MOVEMENTS = {"01": "Entrada de título", "02": "Pedido de baixa"}
RETURN_MOVEMENTS = {
    "02": "Entrada confirmada",
    "03": "Entrada rejeitada",
    "06": "Liquidação",
    "09": "Baixa",
    "17": "Liquidação após baixa",
    "28": "Débito de tarifas",
}
PAID_MOVEMENTS = frozenset({"06", "17"})


@dataclass(frozen=True)
class FileHeader:
    bank_code: str
    company_document: str  # CNPJ, digits
    agreement_code: str
    branch: str
    account: str
    company_name: str
    bank_name: str
    remittance_code: str  # 1 remessa, 2 retorno
    generated_on: dt.date
    sequence: int


@dataclass(frozen=True)
class Title:
    """A P+Q pair (remittance) or a T+U pair (return)."""

    movement: str
    our_number: str
    wallet: str
    document_number: str  # seu número: the bill id
    due_date: dt.date
    amount: Decimal
    company_use: str = ""
    issued_on: dt.date | None = None
    # Q (remittance)
    payer_kind: str = "0"
    payer_document: str = ""
    payer_name: str = ""
    payer_address: str = ""
    payer_district: str = ""
    payer_zip: str = ""
    payer_city: str = ""
    payer_state: str = ""
    # T/U (return)
    reasons: tuple[str, ...] = ()
    fee: Decimal = Decimal("0.00")
    charges: Decimal = Decimal("0.00")
    paid_amount: Decimal = Decimal("0.00")
    net_amount: Decimal = Decimal("0.00")
    occurred_on: dt.date | None = None
    credited_on: dt.date | None = None
    line: int = 0

    @property
    def movement_label(self) -> str:
        return RETURN_MOVEMENTS.get(self.movement) or REMITTANCE_MOVEMENTS.get(self.movement) or self.movement

    @property
    def paid(self) -> bool:
        return self.movement in PAID_MOVEMENTS


@dataclass
class ParsedCnab:
    header: FileHeader
    titles: list[Title]
    record_count: int
    total: Decimal
    sha256: str
    content_sha256: str
    warnings: list[Problem] = field(default_factory=list)


def is_cnab240(data: bytes) -> bool:
    first = data.split(b"\n", 1)[0].rstrip(b"\r")
    return len(first) == RECORD and first[7:8] == b"0"


# --- writing ----------------------------------------------------------------------------------------


def _num(value: int | str, size: int) -> str:
    text = str(value)
    if not text.isdigit() or len(text) > size:
        raise ValueError(f"{text!r} não cabe em {size} dígitos")
    return text.zfill(size)


def _alpha(value: str, size: int) -> str:
    return value.upper()[:size].ljust(size)


def _money(value: Decimal, size: int) -> str:
    cents = int((value * 100).quantize(Decimal("1")))
    return _num(cents, size)


def _date(value: dt.date | None) -> str:
    return value.strftime("%d%m%Y") if value else "0" * 8


def _record(parts: list[tuple[int, str]]) -> str:
    """Assemble a 240-byte record from (start position, text) pairs, blanks elsewhere."""
    buffer = [" "] * RECORD
    for start, text in parts:
        buffer[start - 1 : start - 1 + len(text)] = list(text)
    line = "".join(buffer)
    assert len(line) == RECORD, len(line)
    return line


def write_file(header: FileHeader, titles: list[Title], *, now: dt.datetime | None = None) -> str:
    """One batch of titles: P+Q per title in a remittance (code 1), T+U in a return (code 2, as the
    fake bank writes them)."""
    bank = _num(header.bank_code, 3)
    remittance = header.remittance_code == "1"
    at = now or dt.datetime.combine(header.generated_on, dt.time(8, 0))
    lines = [
        _record(
            [
                (1, bank),
                (4, "0000"),
                (8, "0"),
                (18, "2"),
                (19, _num(header.company_document or "0", 14)),
                (33, _alpha(header.agreement_code, 20)),
                (53, _num(header.branch, 5)),
                (59, _num(header.account, 12)),
                (73, _alpha(header.company_name, 30)),
                (103, _alpha(header.bank_name, 30)),
                (143, header.remittance_code),
                (144, _date(header.generated_on)),
                (152, at.strftime("%H%M%S")),
                (158, _num(header.sequence, 6)),
                (164, LAYOUT_FILE),
                (167, "00000"),
            ]
        ),
        _record(
            [
                (1, bank),
                (4, "0001"),
                (8, "1"),
                (9, "R" if remittance else "T"),
                (10, "01"),
                (14, LAYOUT_BATCH),
                (18, "2"),
                (19, _num(header.company_document or "0", 15)),
                (34, _alpha(header.agreement_code, 20)),
                (54, _num(header.branch, 5)),
                (60, _num(header.account, 12)),
                (74, _alpha(header.company_name, 30)),
                (184, _num(header.sequence, 8)),
                (192, _date(header.generated_on)),
                (200, "0" * 8),
            ]
        ),
    ]
    seq = 0
    total = Decimal("0.00")
    for t in titles:
        seq += 1
        common = [(1, bank), (4, "0001"), (8, "3"), (9, _num(seq, 5))]
        if remittance:
            lines.append(
                _record(
                    [
                        *common,
                        (14, "P"),
                        (16, _num(t.movement, 2)),
                        (18, _num(header.branch, 5)),
                        (24, _num(header.account, 12)),
                        (38, _alpha(t.our_number, 20)),
                        (58, _num(t.wallet, 1)),
                        (59, "1"),
                        (60, "1"),
                        (61, "2"),
                        (62, "2"),
                        (63, _alpha(t.document_number, 15)),
                        (78, _date(t.due_date)),
                        (86, _money(t.amount, 15)),
                        (101, "00000"),
                        (107, "99"),
                        (109, "N"),
                        (110, _date(t.issued_on)),
                        (118, "3"),
                        (119, "0" * 8),
                        (127, "0" * 15),
                        (142, "0"),
                        (143, "0" * 8),
                        (151, "0" * 45),
                        (196, _alpha(t.company_use, 25)),
                        (221, "3"),
                        (222, "00"),
                        (224, "1"),
                        (225, "060"),
                        (228, "09"),
                        (230, "0" * 10),
                    ]
                )
            )
            seq += 1
            lines.append(
                _record(
                    [
                        (1, bank),
                        (4, "0001"),
                        (8, "3"),
                        (9, _num(seq, 5)),
                        (14, "Q"),
                        (16, _num(t.movement, 2)),
                        (18, _num(t.payer_kind, 1)),
                        (19, _num(t.payer_document or "0", 15)),
                        (34, _alpha(t.payer_name, 40)),
                        (74, _alpha(t.payer_address, 40)),
                        (114, _alpha(t.payer_district, 15)),
                        (129, _num(t.payer_zip or "0", 8)),
                        (137, _alpha(t.payer_city, 15)),
                        (152, _alpha(t.payer_state, 2)),
                        (154, "0"),
                        (155, "0" * 15),
                        (210, "000"),
                    ]
                )
            )
        else:
            reasons = "".join(r[:2].rjust(2, "0") for r in t.reasons[:5]).ljust(10)
            lines.append(
                _record(
                    [
                        *common,
                        (14, "T"),
                        (16, _num(t.movement, 2)),
                        (18, _num(header.branch, 5)),
                        (24, _num(header.account, 12)),
                        (38, _alpha(t.our_number, 20)),
                        (58, _num(t.wallet, 1)),
                        (59, _alpha(t.document_number, 15)),
                        (74, _date(t.due_date)),
                        (82, _money(t.amount, 15)),
                        (97, bank),
                        (100, "00000"),
                        (106, _alpha(t.company_use, 25)),
                        (131, "09"),
                        (133, "0"),
                        (134, "0" * 15),
                        (189, "0" * 10),
                        (199, _money(t.fee, 15)),
                        (214, reasons),
                    ]
                )
            )
            seq += 1
            lines.append(
                _record(
                    [
                        (1, bank),
                        (4, "0001"),
                        (8, "3"),
                        (9, _num(seq, 5)),
                        (14, "U"),
                        (16, _num(t.movement, 2)),
                        (18, _money(t.charges, 15)),
                        (33, "0" * 45),
                        (78, _money(t.paid_amount, 15)),
                        (93, _money(t.net_amount, 15)),
                        (108, "0" * 30),
                        (138, _date(t.occurred_on)),
                        (146, _date(t.credited_on)),
                        (154, "0000"),
                        (158, "0" * 8),
                        (166, "0" * 15),
                    ]
                )
            )
        total += t.amount
    batch_records = seq + 2
    lines.append(
        _record(
            [
                (1, bank),
                (4, "0001"),
                (8, "5"),
                (18, _num(batch_records, 6)),
                (24, _num(len(titles), 6)),
                (30, _money(total, 17)),
                (47, "0" * 69),
            ]
        )
    )
    lines.append(
        _record(
            [(1, bank), (4, "9999"), (8, "9"), (18, _num(1, 6)), (24, _num(len(lines) + 1, 6)), (30, "0" * 6)]
        )
    )
    return "\r\n".join(lines) + "\r\n"


# --- reading ----------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, line_no: int, text: str, problems: list[Problem]) -> None:
        self.line_no, self.text, self.problems = line_no, text, problems
        self.segment = ""

    def raw(self, start: int, end: int) -> str:
        return self.text[start - 1 : end]

    def alpha(self, start: int, end: int) -> str:
        return self.raw(start, end).strip()

    def _where(self, start: int, end: int) -> str:
        prefix = f"{self.segment}." if self.segment else ""
        return f"{prefix}{start:03d}-{end:03d}"

    def num(self, start: int, end: int, label: str) -> int:
        value = self.raw(start, end)
        if not value.isdigit():
            self.problems.append(
                Problem(self.line_no, self._where(start, end), f"{label} não numérico: «{value}»")
            )
            return 0
        return int(value)

    def money(self, start: int, end: int, label: str) -> Decimal:
        return Decimal(self.num(start, end, label)) / 100

    def date(self, start: int, end: int, label: str, *, optional: bool = False) -> dt.date | None:
        value = self.raw(start, end)
        if optional and value.strip("0 ") == "":
            return None
        try:
            if not value.isdigit():
                raise ValueError(value)
            return dt.date(int(value[4:8]), int(value[2:4]), int(value[0:2]))
        except ValueError:
            self.problems.append(
                Problem(self.line_no, self._where(start, end), f"{label} inválida: «{value}»")
            )
            return None


def parse_file(data: bytes) -> ParsedCnab:
    """Every record checked; the whole file refused (ReturnFileRejected) on any problem."""
    problems: list[Problem] = []
    try:
        text = data.decode("latin-1")
    except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes every byte
        raise ReturnFileRejected([Problem(None, None, "arquivo ilegível")]) from None
    raw_lines = [line.rstrip("\r") for line in text.split("\n")]
    while raw_lines and not raw_lines[-1].strip():
        raw_lines.pop()
    if not raw_lines:
        raise ReturnFileRejected([Problem(None, None, "arquivo vazio")])
    for number, line in enumerate(raw_lines, start=1):
        if len(line) != RECORD:
            problems.append(
                Problem(number, None, f"registro com {len(line)} posições; o CNAB 240 exige {RECORD}")
            )
    if problems:
        raise ReturnFileRejected(problems)
    first = _Reader(1, raw_lines[0], problems)
    if first.raw(8, 8) != "0":
        raise ReturnFileRejected(
            [Problem(1, "008-008", "o arquivo não começa pelo header de arquivo (tipo 0)")]
        )
    code = first.raw(143, 143)
    if code not in ("1", "2"):
        problems.append(Problem(1, "143-143", f"código remessa/retorno deve ser 1 ou 2: «{code}»"))
    header = FileHeader(
        bank_code=first.raw(1, 3),
        company_document=first.raw(19, 32).lstrip("0"),
        agreement_code=first.alpha(33, 52),
        branch=first.raw(53, 57),
        account=first.raw(59, 70),
        company_name=first.alpha(73, 102),
        bank_name=first.alpha(103, 132),
        remittance_code=code,
        generated_on=first.date(144, 151, "data de geração") or dt.date.min,
        sequence=first.num(158, 163, "NSA"),
    )
    titles: list[Title] = []
    pending: dict[str, object] | None = None
    batch_titles = batch_records = 0
    batch_total = Decimal("0.00")
    seen_trailer = False
    for number, line in enumerate(raw_lines[1:], start=2):
        r = _Reader(number, line, problems)
        kind = r.raw(8, 8)
        if r.raw(1, 3) != header.bank_code:
            problems.append(
                Problem(number, "001-003", f"banco {r.raw(1, 3)} diferente do header ({header.bank_code})")
            )
        if seen_trailer:
            problems.append(Problem(number, "008-008", "registro depois do trailer de arquivo"))
            continue
        if kind == "1":
            batch_records, batch_titles, batch_total = 1, 0, Decimal("0.00")
            if r.raw(10, 11) != "01":
                problems.append(Problem(number, "010-011", f"serviço «{r.raw(10, 11)}» não é cobrança (01)"))
        elif kind == "3":
            batch_records += 1
            segment = r.raw(14, 14)
            r.segment = segment
            if segment in ("P", "T"):
                if pending is not None:
                    problems.append(Problem(number, f"{segment}.014-014", "segmento sem o seu par (Q ou U)"))
                pending = _first_segment(r, segment)
                batch_titles += 1
            elif segment in ("Q", "U"):
                expected = {"Q": "P", "U": "T"}[segment]
                if pending is None or pending.get("_segment") != expected:
                    problems.append(
                        Problem(
                            number,
                            f"{segment}.014-014",
                            f"segmento {segment} sem o segmento {expected} antes",
                        )
                    )
                    pending = None
                    continue
                title = _second_segment(r, segment, pending)
                pending = None
                if title is not None:
                    titles.append(title)
                    batch_total += title.amount
            else:
                problems.append(Problem(number, "014-014", f"segmento «{segment}» desconhecido"))
        elif kind == "5":
            batch_records += 1
            declared = r.num(18, 23, "quantidade de registros do lote")
            if declared != batch_records:
                problems.append(
                    Problem(number, "018-023", f"o lote declara {declared} registros e tem {batch_records}")
                )
            count = r.num(24, 29, "quantidade de títulos")
            if count != batch_titles:
                problems.append(
                    Problem(number, "024-029", f"o lote declara {count} títulos e tem {batch_titles}")
                )
            declared_total = r.money(30, 46, "valor total do lote")
            if declared_total != batch_total:
                problems.append(
                    Problem(
                        number, "030-046", f"o lote soma {batch_total:.2f} e declara {declared_total:.2f}"
                    )
                )
        elif kind == "9":
            seen_trailer = True
            declared = r.num(24, 29, "quantidade de registros")
            if declared != len(raw_lines):
                problems.append(
                    Problem(
                        number,
                        "024-029",
                        f"o trailer declara {declared} registros e o arquivo tem {len(raw_lines)}",
                    )
                )
        else:
            problems.append(Problem(number, "008-008", f"tipo de registro «{kind}» desconhecido"))
    if pending is not None:
        problems.append(Problem(len(raw_lines), None, "o último título ficou sem o seu segmento Q ou U"))
    if not seen_trailer:
        problems.append(Problem(len(raw_lines), None, "arquivo sem trailer (tipo 9)"))
    if problems:
        raise ReturnFileRejected(problems)
    body = "\n".join(raw_lines[1:])
    return ParsedCnab(
        header=header,
        titles=titles,
        record_count=len(raw_lines),
        total=sum((t.amount for t in titles), Decimal("0.00")),
        sha256=hashlib.sha256(data).hexdigest(),
        content_sha256=hashlib.sha256(body.encode("latin-1")).hexdigest(),
    )


def _first_segment(r: _Reader, segment: str) -> dict[str, object]:
    movement = r.raw(16, 17)
    known = REMITTANCE_MOVEMENTS if segment == "P" else RETURN_MOVEMENTS
    if movement not in known:
        r.problems.append(
            Problem(r.line_no, f"{segment}.016-017", f"código de movimento «{movement}» desconhecido")
        )
    values: dict[str, object] = {"_segment": segment, "_line": r.line_no, "movement": movement}
    values["our_number"] = r.alpha(38, 57)
    values["wallet"] = r.raw(58, 58)
    if segment == "P":
        values["document_number"] = r.alpha(63, 77)
        values["due_date"] = r.date(78, 85, "vencimento")
        values["amount"] = r.money(86, 100, "valor nominal")
        values["issued_on"] = r.date(110, 117, "data de emissão", optional=True)
        values["company_use"] = r.alpha(196, 220)
    else:
        values["document_number"] = r.alpha(59, 73)
        values["due_date"] = r.date(74, 81, "vencimento")
        values["amount"] = r.money(82, 96, "valor nominal")
        values["company_use"] = r.alpha(106, 130)
        values["fee"] = r.money(199, 213, "tarifa")
        reasons = r.raw(214, 223)
        values["reasons"] = tuple(
            reasons[i : i + 2] for i in range(0, 10, 2) if reasons[i : i + 2].strip("0 ")
        )
    if not values["our_number"]:
        r.problems.append(Problem(r.line_no, f"{segment}.038-057", "nosso número em branco"))
    return values


def _second_segment(r: _Reader, segment: str, first: dict[str, object]) -> Title | None:
    movement = r.raw(16, 17)
    if movement != first["movement"]:
        r.problems.append(
            Problem(
                r.line_no,
                f"{segment}.016-017",
                f"movimento {movement} diferente do segmento anterior ({first['movement']})",
            )
        )
    if first.get("due_date") is None:
        return None
    base = {k: v for k, v in first.items() if not k.startswith("_")}
    if segment == "Q":
        return Title(
            **base,  # type: ignore[arg-type]
            payer_kind=r.raw(18, 18),
            payer_document=r.raw(19, 33).lstrip("0"),
            payer_name=r.alpha(34, 73),
            payer_address=r.alpha(74, 113),
            payer_district=r.alpha(114, 128),
            payer_zip=r.raw(129, 136),
            payer_city=r.alpha(137, 151),
            payer_state=r.alpha(152, 153),
            line=int(str(first["_line"])),
        )
    return Title(
        **base,  # type: ignore[arg-type]
        charges=r.money(18, 32, "juros/multa"),
        paid_amount=r.money(78, 92, "valor pago"),
        net_amount=r.money(93, 107, "valor líquido"),
        occurred_on=r.date(138, 145, "data da ocorrência", optional=True),
        credited_on=r.date(146, 153, "data do crédito", optional=True),
        line=int(str(first["_line"])),
    )


# --- the bank boleto's barcode --------------------------------------------------------------------

FACTOR_BASE = dt.date(1997, 10, 7)


def due_factor(due: dt.date) -> str:
    """Fator de vencimento: days since 07/10/1997; 9999 was reached on 21/02/2025 and the count
    restarted at 1000 on 22/02/2025 (FEBRABAN)."""
    days = (due - FACTOR_BASE).days
    if days > 9999:
        days = (days - 10000) % 9000 + 1000
    return f"{days:04d}"


def _mod11_barcode(digits: str) -> str:
    total, weight = 0, 2
    for char in reversed(digits):
        total += int(char) * weight
        weight = 2 if weight == 9 else weight + 1
    dv = 11 - total % 11
    return "1" if dv in (0, 1, 10, 11) else str(dv)


def _mod10(digits: str) -> str:
    total, weight = 0, 2
    for char in reversed(digits):
        product = int(char) * weight
        total += product // 10 + product % 10
        weight = 1 if weight == 2 else 2
    return str((10 - total % 10) % 10)


def free_field(*, branch: str, wallet: str, our_number: str, account: str) -> str:
    """Campo livre (25) of this product's boletos: agência (4) + carteira (2) + nosso número (11) +
    conta (7) + "0" — the arrangement several banks use for their simple wallet."""
    return f"{int(branch):04d}{int(wallet):02d}{int(our_number):011d}{int(account):07d}0"


def boleto_barcode(*, bank_code: str, due: dt.date, amount: Decimal, free: str) -> str:
    """44 digits: banco (3) moeda (1) DV (1) fator (4) valor (10) campo livre (25)."""
    if len(free) != 25 or not free.isdigit():
        raise ValueError("campo livre deve ter 25 dígitos")
    body = f"{int(bank_code):03d}{CURRENCY}" + due_factor(due) + _money(amount, 10) + free
    return body[:4] + _mod11_barcode(body) + body[4:]


def boleto_typeable_line(barcode: str) -> str:
    """47 digits in five fields; the first three each carry a modulo-10 DV, the fourth is the
    barcode's DV, the fifth the factor and the amount."""
    f1 = barcode[0:4] + barcode[19:24]
    f2 = barcode[24:34]
    f3 = barcode[34:44]
    return f1 + _mod10(f1) + f2 + _mod10(f2) + f3 + _mod10(f3) + barcode[4] + barcode[5:19]


def barcode_valid(barcode: str) -> bool:
    return (
        len(barcode) == 44 and barcode.isdigit() and _mod11_barcode(barcode[:4] + barcode[5:]) == barcode[4]
    )
