"""FEBRABAN "Padrão de Débito Automático" (150-byte records), the records this utility exchanges.

Positions are 1-based and inclusive, as in the FEBRABAN manual (versions 04 and 05 share every
position used here; ADR 0235):

* A header (both ways): A.01 "A", A.02 código de remessa (1 remessa, 2 retorno), A.03 convênio (20),
  A.04 empresa (20), A.05 banco (3), A.06 nome do banco (20), A.07 data de geração AAAAMMDD,
  A.08 NSA (6), A.09 versão do layout (2), A.10 "DEBITO AUTOMATICO" (17), A.11 reservado (52).
* B cadastramento (bank → utility, and the utility's own enrolment sent to the bank):
  B.02 identificação do cliente na empresa (25, the matrícula), B.03 agência (4), B.04 identificação
  do cliente no banco (14, the account), B.05 data da opção/exclusão AAAAMMDD, B.06 reservado (97),
  B.07 movimento (1 exclusão, 2 inclusão).
* E débito (utility → bank): E.02 (25) E.03 (4) E.04 (14) as in B, E.05 vencimento AAAAMMDD,
  E.06 valor (13 + 2 decimais), E.07 moeda ("03" real), E.08 uso da empresa (60: the bill id, its
  reference and the attempt), E.09 reservado (20), E.10 movimento (0 débito normal, 1 cancelamento).
* F retorno do débito (bank → utility): F.02–F.04 as in E, F.05 data real do débito, F.06 valor
  debitado, F.07 código de retorno (RETURN_CODES), F.08 uso da empresa as sent, F.09 reservado,
  F.10 movimento.
* Z trailer: Z.02 total de registros incluindo header e trailer (6), Z.03 soma dos valores dos
  registros E or F (17 = 15 + 2), Z.04 reservado (126).

C, D, H, J and X records (occurrences, identification changes, confirmations, agency lists) are kept
as warnings: nothing is settled from them. A file is refused as a whole on any malformed record,
with every problem's line and field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from .return_file import RECORD_LENGTH, Problem, ReturnFileRejected

SERVICE = "DEBITO AUTOMATICO"
CURRENCY_REAL = "03"
DEBITED_CODES = frozenset({"00", "31"})  # 31: debited on another day (holiday at the branch)

# F.07, código de retorno (FEBRABAN manual, version 05)
RETURN_CODES = {
    "00": "Débito efetuado",
    "01": "Débito não efetuado – insuficiência de fundos",
    "02": "Débito não efetuado – conta corrente não cadastrada",
    "04": "Débito não efetuado – outras restrições",
    "05": "Débito não efetuado – valor do débito excede o limite aprovado",
    "10": "Débito não efetuado – agência em regime de encerramento",
    "12": "Débito não efetuado – valor inválido",
    "13": "Débito não efetuado – data de lançamento inválida",
    "14": "Débito não efetuado – agência inválida",
    "15": "Débito não efetuado – conta corrente inválida",
    "18": "Débito não efetuado – data do débito anterior à do processamento",
    "30": "Débito não efetuado – sem contrato de débito automático",
    "31": "Débito efetuado em data diferente da informada (feriado na praça)",
    "96": "Manutenção do cadastro",
    "97": "Cancelamento – não encontrado",
    "98": "Cancelamento – não efetuado, fora do tempo hábil",
    "99": "Cancelamento – efetuado conforme solicitação",
}


def return_code_label(code: str) -> str:
    return RETURN_CODES.get(code, f"Código de retorno {code} desconhecido")


@dataclass(frozen=True)
class Debit:
    """One E record to send."""

    customer_id: str  # the matrícula
    branch: str
    account: str
    due_date: dt.date
    amount: Decimal
    bill_id: int
    reference: dt.date
    attempt: int = 1
    cancel: bool = False


@dataclass(frozen=True)
class Enrolment:
    """One B record (sent by the utility, or received from the bank)."""

    customer_id: str
    branch: str
    account: str
    on: dt.date
    include: bool  # B.07: 2 inclusão, 1 exclusão
    line: int = 0


@dataclass(frozen=True)
class DebitReturn:
    """One F record."""

    line: int
    customer_id: str
    branch: str
    account: str
    debited_on: dt.date
    amount: Decimal
    code: str
    company_use: str
    cancel: bool

    @property
    def debited(self) -> bool:
        return self.code in DEBITED_CODES and not self.cancel

    @property
    def bill_id(self) -> int | None:
        head = self.company_use[:10]
        return int(head) if head.isdigit() and int(head) > 0 else None

    @property
    def attempt(self) -> int:
        tail = self.company_use[16:18]
        return int(tail) if tail.isdigit() else 1

    @property
    def code_label(self) -> str:
        return return_code_label(self.code)


@dataclass(frozen=True)
class DebitHeader:
    remittance_code: str
    agreement_code: str
    company_name: str
    bank_code: str
    bank_name: str
    generated_on: dt.date
    sequence: int
    layout_version: str


@dataclass
class ParsedDebitFile:
    header: DebitHeader
    enrolments: list[Enrolment]
    returns: list[DebitReturn]
    debits: list[Debit]
    record_count: int
    total: Decimal
    sha256: str
    content_sha256: str
    warnings: list[Problem] = field(default_factory=list)


def _alnum(value: str, size: int) -> str:
    """Left-aligned, blank-filled, upper case and without accents (the layout is ASCII)."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii").upper()
    return plain[:size].ljust(size)


def _num(value: int, size: int) -> str:
    text = f"{value:0{size}d}"
    if len(text) > size:
        raise ValueError(f"{value} does not fit in {size} digits")
    return text


def _cents(amount: Decimal, size: int) -> str:
    return _num(int((amount * 100).to_integral_value()), size)


def header_record(
    *,
    remittance_code: str,
    agreement_code: str,
    company_name: str,
    bank_code: str,
    bank_name: str,
    generated_on: dt.date,
    sequence: int,
    layout_version: str = "05",
) -> str:
    return (
        "A"
        + remittance_code
        + _alnum(agreement_code, 20)
        + _alnum(company_name, 20)
        + _num(int(bank_code), 3)
        + _alnum(bank_name, 20)
        + f"{generated_on:%Y%m%d}"
        + _num(sequence, 6)
        + _num(int(layout_version), 2)
        + _alnum(SERVICE, 17)
        + " " * 52
    )


def enrolment_record(e: Enrolment) -> str:
    return (
        "B"
        + _alnum(e.customer_id, 25)
        + _alnum(e.branch, 4)
        + _alnum(e.account, 14)
        + f"{e.on:%Y%m%d}"
        + " " * 97
        + ("2" if e.include else "1")
    )


def company_use(bill_id: int, reference: dt.date, attempt: int) -> str:
    return _num(bill_id, 10) + f"{reference:%Y%m}" + _num(attempt, 2)


def debit_record(d: Debit) -> str:
    return (
        "E"
        + _alnum(d.customer_id, 25)
        + _alnum(d.branch, 4)
        + _alnum(d.account, 14)
        + f"{d.due_date:%Y%m%d}"
        + _cents(d.amount, 15)
        + CURRENCY_REAL
        + _alnum(company_use(d.bill_id, d.reference, d.attempt), 60)
        + " " * 20
        + ("1" if d.cancel else "0")
    )


def return_record(r: DebitReturn) -> str:
    """An F record (what the bank answers; the fake bank and the tests write them)."""
    return (
        "F"
        + _alnum(r.customer_id, 25)
        + _alnum(r.branch, 4)
        + _alnum(r.account, 14)
        + f"{r.debited_on:%Y%m%d}"
        + _cents(r.amount, 15)
        + r.code[:2].rjust(2, "0")
        + _alnum(r.company_use, 60)
        + " " * 20
        + ("1" if r.cancel else "0")
    )


def trailer_record(record_count: int, total: Decimal) -> str:
    return "Z" + _num(record_count, 6) + _cents(total, 17) + " " * 126


def remittance_file(
    *,
    agreement_code: str,
    company_name: str,
    bank_code: str,
    bank_name: str,
    generated_on: dt.date,
    sequence: int,
    debits: list[Debit],
    enrolments: list[Enrolment] = (),  # type: ignore[assignment]
    layout_version: str = "05",
) -> str:
    """The remittance (A.02 = 1): header, the utility's B records, one E per debit, trailer whose count
    includes header and trailer and whose total is the sum of the E records."""
    lines = [
        header_record(
            remittance_code="1",
            agreement_code=agreement_code,
            company_name=company_name,
            bank_code=bank_code,
            bank_name=bank_name,
            generated_on=generated_on,
            sequence=sequence,
            layout_version=layout_version,
        )
    ]
    lines.extend(enrolment_record(e) for e in enrolments)
    lines.extend(debit_record(d) for d in debits)
    total = sum((d.amount for d in debits), Decimal("0.00"))
    lines.append(trailer_record(len(lines) + 1, total))
    return "\r\n".join(lines) + "\r\n"


def _date(text: str, line: int, fld: str, problems: list[Problem]) -> dt.date:
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        problems.append(Problem(line, fld, f"data inválida «{text.strip()}» (esperado AAAAMMDD)"))
        return dt.date(1900, 1, 1)


def _amount(text: str, line: int, fld: str, problems: list[Problem]) -> Decimal:
    if not text.isdigit():
        problems.append(Problem(line, fld, f"valor não numérico «{text.strip()}»"))
        return Decimal("0.00")
    return (Decimal(int(text)) / 100).quantize(Decimal("0.01"))


def _lines(data: bytes) -> list[str]:
    text = data.decode("latin-1")
    if "\n" not in text and len(text) % RECORD_LENGTH == 0:
        rows = [text[i : i + RECORD_LENGTH] for i in range(0, len(text), RECORD_LENGTH)]
    else:
        rows = [r.rstrip("\r") for r in text.split("\n")]
    while rows and not rows[-1].strip():
        rows.pop()
    return rows


def is_debit_file(data: bytes) -> bool:
    """A FEBRABAN file is a direct-debit one when its header says so (A.10) or it holds B/E/F records
    and no G record (a collection return)."""
    rows = _lines(data[: RECORD_LENGTH * 400 + 800])
    if not rows:
        return False
    if rows[0][:1] == "A" and rows[0][81:98].strip() == SERVICE:
        return True
    kinds = {r[:1] for r in rows[1:]}
    return "G" not in kinds and bool(kinds & set("BEF"))


def parse_debit_file(data: bytes) -> ParsedDebitFile:
    """Parse a direct-debit file (a return from the bank, or a remittance read back). Raises
    ReturnFileRejected with every problem (line, field, pt-BR message)."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    rows = _lines(data)
    if not rows:
        raise ReturnFileRejected([Problem(None, None, "arquivo vazio")])
    for n, row in enumerate(rows, start=1):
        if len(row) != RECORD_LENGTH:
            problems.append(
                Problem(n, None, f"o registro tem {len(row)} posições; o layout tem {RECORD_LENGTH}")
            )
    if problems:
        raise ReturnFileRejected(problems)
    head = rows[0]
    if head[0] != "A":
        raise ReturnFileRejected([Problem(1, "A.01", "o primeiro registro deve ser o header A")])
    if head[1] not in "12":
        problems.append(Problem(1, "A.02", f"código de remessa «{head[1]}» (1 remessa, 2 retorno)"))
    if not head[42:45].isdigit():
        problems.append(Problem(1, "A.05", f"código do banco «{head[42:45]}» não numérico"))
    if not head[73:79].isdigit():
        problems.append(Problem(1, "A.08", f"NSA «{head[73:79]}» não numérico"))
    header = DebitHeader(
        remittance_code=head[1],
        agreement_code=head[2:22].strip(),
        company_name=head[22:42].strip(),
        bank_code=head[42:45],
        bank_name=head[45:65].strip(),
        generated_on=_date(head[65:73], 1, "A.07", problems),
        sequence=int(head[73:79]) if head[73:79].isdigit() else 0,
        layout_version=head[79:81],
    )
    if head[81:98].strip() not in (SERVICE, ""):
        warnings.append(Problem(1, "A.10", f"serviço «{head[81:98].strip()}» (esperado {SERVICE})"))
    tail = rows[-1]
    if tail[0] != "Z":
        problems.append(Problem(len(rows), "Z.01", "o último registro deve ser o trailer Z"))
    enrolments: list[Enrolment] = []
    returns: list[DebitReturn] = []
    debits: list[Debit] = []
    total = Decimal("0.00")
    for n, row in enumerate(rows[1:-1], start=2):
        kind = row[0]
        if kind == "B":
            move = row[149]
            if move not in "12":
                problems.append(Problem(n, "B.07", f"movimento «{move}» (1 exclusão, 2 inclusão)"))
            enrolments.append(
                Enrolment(
                    customer_id=row[1:26].strip(),
                    branch=row[26:30].strip(),
                    account=row[30:44].strip(),
                    on=_date(row[44:52], n, "B.05", problems),
                    include=move == "2",
                    line=n,
                )
            )
        elif kind in "EF":
            ident = row[1:26].strip()
            if not ident:
                problems.append(Problem(n, f"{kind}.02", "identificação do cliente na empresa em branco"))
            on = _date(row[44:52], n, f"{kind}.05", problems)
            amount = _amount(row[52:67], n, f"{kind}.06", problems)
            move = row[149]
            if move not in "01":
                problems.append(Problem(n, f"{kind}.10", f"movimento «{move}» (0 débito, 1 cancelamento)"))
            if kind == "F":
                code = row[67:69]
                if not code.isdigit():
                    problems.append(Problem(n, "F.07", f"código de retorno «{code}» não numérico"))
                elif code not in RETURN_CODES:
                    warnings.append(Problem(n, "F.07", f"código de retorno {code} fora da tabela FEBRABAN"))
                returns.append(
                    DebitReturn(
                        line=n,
                        customer_id=ident,
                        branch=row[26:30].strip(),
                        account=row[30:44].strip(),
                        debited_on=on,
                        amount=amount,
                        code=code,
                        company_use=row[69:129].rstrip(),
                        cancel=move == "1",
                    )
                )
            else:
                if row[67:69] != CURRENCY_REAL:
                    problems.append(Problem(n, "E.07", f"moeda «{row[67:69]}» (esperado 03, real)"))
                use = row[69:129]
                bill_id = int(use[:10]) if use[:10].isdigit() else 0
                ref = (
                    _date(use[10:16] + "01", n, "E.08", problems)
                    if use[10:16].isdigit()
                    else dt.date(1900, 1, 1)
                )
                debits.append(
                    Debit(
                        customer_id=ident,
                        branch=row[26:30].strip(),
                        account=row[30:44].strip(),
                        due_date=on,
                        amount=amount,
                        bill_id=bill_id,
                        reference=ref,
                        attempt=int(use[16:18]) if use[16:18].isdigit() else 1,
                        cancel=move == "1",
                    )
                )
            total += amount
        elif kind in "CDHJX":
            warnings.append(Problem(n, f"{kind}.01", f"registro {kind} guardado no log, sem efeito na baixa"))
        elif kind == "G":
            problems.append(
                Problem(
                    n,
                    "G.01",
                    "registro G (arrecadação por código de barras) num arquivo de débito automático",
                )
            )
        else:
            problems.append(Problem(n, "01", f"tipo de registro «{kind}» desconhecido"))
    record_count = 0
    trailer_total = Decimal("0.00")
    if tail[0] == "Z":
        if not tail[1:7].isdigit():
            problems.append(Problem(len(rows), "Z.02", "quantidade de registros não numérica"))
        else:
            record_count = int(tail[1:7])
            if record_count != len(rows):
                problems.append(
                    Problem(
                        len(rows),
                        "Z.02",
                        f"o trailer diz {record_count} registros e o arquivo tem {len(rows)}",
                    )
                )
        trailer_total = _amount(tail[7:24], len(rows), "Z.03", problems)
        if trailer_total != total:
            problems.append(
                Problem(
                    len(rows),
                    "Z.03",
                    f"o trailer soma {trailer_total} e os registros E/F somam {total}",
                )
            )
    if problems:
        raise ReturnFileRejected(problems)
    normalized = "\n".join(r.rstrip() for r in rows)
    return ParsedDebitFile(
        header=header,
        enrolments=enrolments,
        returns=returns,
        debits=debits,
        record_count=record_count,
        total=trailer_total,
        sha256=hashlib.sha256(data).hexdigest(),
        content_sha256=hashlib.sha256(normalized.encode("latin-1")).hexdigest(),
        warnings=warnings,
    )
