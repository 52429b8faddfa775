"""A local fake bank for registered boletos: it speaks CNAB 240 through the exchange folder the
product writes to (`<root>/remessa/`) and reads from (`<root>/retorno/`), as a bank's connector does.

It reads each remittance with its own slicing (not the product's parser), keeps a ledger of titles,
answers every P+Q: 01 entrada → 02 confirmada (or 03 rejeitada, motivo 16 vencimento inválido / 09
nosso número duplicado / 45 pagador sem nome), 02 pedido de baixa → 09 baixa (or 03 motivo 60 for a
title it does not hold open); `pay` records a liquidação (06) of a held title. `flush` writes what
it owes in one return, with its own writer, numbered by its own NSA."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path


def _cut(line: str, a: int, b: int) -> str:
    return line[a - 1 : b]


def _put(buf: list[str], a: int, text: str) -> None:
    buf[a - 1 : a - 1 + len(text)] = list(text)


def _d(value: str) -> dt.date:
    return dt.date(int(value[4:8]), int(value[2:4]), int(value[0:2]))


def _n(value: Decimal, size: int) -> str:
    return str(int(value * 100)).zfill(size)


@dataclass
class Held:
    our_number: str
    document: str
    due: dt.date
    amount: Decimal
    company_use: str
    open: bool = True


@dataclass
class FakeCnabBank:
    root: Path
    bank_code: str
    agreement: str
    branch: str = "01234"
    account: str = "000000056789"
    ledger: dict[str, Held] = field(default_factory=dict)
    answers: list[tuple[str, Held, tuple[str, ...], Decimal, dt.date | None]] = field(default_factory=list)
    nsa: int = 0
    read: list[str] = field(default_factory=list)

    def process(self) -> int:
        """Read every remittance waiting; answer each title. Returns how many titles it read."""
        inbox = self.root / "remessa"
        done = inbox / "lidos"
        done.mkdir(parents=True, exist_ok=True)
        count = 0
        for path in sorted(p for p in inbox.iterdir() if p.is_file() and not p.name.startswith(".")):
            lines = path.read_bytes().decode("latin-1").split("\r\n")
            lines = [line for line in lines if line]
            assert all(len(line) == 240 for line in lines), "CNAB 240: every record has 240 positions"
            assert _cut(lines[0], 143, 143) == "1", "a remittance carries code 1"
            assert _cut(lines[0], 33, 52).strip() == self.agreement
            titles = [line for line in lines if _cut(line, 8, 8) == "3"]
            for p_seg, q_seg in zip(titles[0::2], titles[1::2], strict=True):
                assert _cut(p_seg, 14, 14) == "P" and _cut(q_seg, 14, 14) == "Q"
                count += 1
                self._answer(p_seg, q_seg, _d(_cut(lines[0], 144, 151)))
            trailer = lines[-2]
            assert int(_cut(trailer, 24, 29)) == len(titles) // 2
            assert int(_cut(lines[-1], 24, 29)) == len(lines)
            self.read.append(path.name)
            path.rename(done / path.name)
        return count

    def _answer(self, p: str, q: str, generated: dt.date) -> None:
        movement = _cut(p, 16, 17)
        our = _cut(p, 38, 57).strip()
        held = Held(
            our_number=our,
            document=_cut(p, 63, 77).strip(),
            due=_d(_cut(p, 78, 85)),
            amount=Decimal(int(_cut(p, 86, 100))) / 100,
            company_use=_cut(p, 196, 220).strip(),
        )
        if movement == "01":
            reasons: tuple[str, ...] = ()
            if our in self.ledger:
                reasons = ("09",)
            elif held.due < generated:
                reasons = ("16",)
            elif not _cut(q, 34, 73).strip():
                reasons = ("45",)
            if reasons:
                self.answers.append(("03", held, reasons, Decimal("0"), None))
            else:
                self.ledger[our] = held
                self.answers.append(("02", held, (), Decimal("0"), None))
        elif movement == "02":
            title = self.ledger.get(our)
            if title is None or not title.open:
                self.answers.append(("03", held, ("60",), Decimal("0"), None))
            else:
                title.open = False
                self.answers.append(("09", title, (), Decimal("0"), None))

    def pay(self, our_number: str, amount: Decimal, on: dt.date) -> None:
        title = self.ledger[our_number]
        self.answers.append(("06" if title.open else "17", title, (), amount, on))
        title.open = False

    def flush(self, on: dt.date) -> Path | None:
        if not self.answers:
            return None
        self.nsa += 1
        records = [
            self._rec(
                [
                    (4, "0000"),
                    (8, "0"),
                    (18, "2"),
                    (19, "0" * 14),
                    (33, self.agreement.ljust(20)),
                    (53, self.branch),
                    (59, self.account),
                    (73, "SAAE".ljust(30)),
                    (103, "BANCO FAKE".ljust(30)),
                    (143, "2"),
                    (144, on.strftime("%d%m%Y")),
                    (152, "090000"),
                    (158, str(self.nsa).zfill(6)),
                    (164, "103"),
                ]
            )
        ]
        records.append(
            self._rec(
                [
                    (4, "0001"),
                    (8, "1"),
                    (9, "T"),
                    (10, "01"),
                    (14, "060"),
                    (34, self.agreement.ljust(20)),
                    (184, str(self.nsa).zfill(8)),
                    (192, on.strftime("%d%m%Y")),
                ]
            )
        )
        seq = 0
        total = Decimal("0.00")
        for movement, t, reasons, paid, paid_on in self.answers:
            seq += 1
            records.append(
                self._rec(
                    [
                        (4, "0001"),
                        (8, "3"),
                        (9, str(seq).zfill(5)),
                        (14, "T"),
                        (16, movement),
                        (18, self.branch),
                        (24, self.account),
                        (38, t.our_number.ljust(20)),
                        (58, "9"),
                        (59, t.document.ljust(15)),
                        (74, t.due.strftime("%d%m%Y")),
                        (82, _n(t.amount, 15)),
                        (97, self.bank_code),
                        (100, "00000"),
                        (106, t.company_use.ljust(25)),
                        (131, "09"),
                        (199, _n(Decimal("1.50") if movement in ("06", "17") else Decimal("0"), 15)),
                        (214, "".join(reasons).ljust(10)),
                    ]
                )
            )
            seq += 1
            day = (paid_on or on).strftime("%d%m%Y")
            records.append(
                self._rec(
                    [
                        (4, "0001"),
                        (8, "3"),
                        (9, str(seq).zfill(5)),
                        (14, "U"),
                        (16, movement),
                        (18, "0" * 15),
                        (78, _n(paid, 15)),
                        (93, _n(paid, 15)),
                        (138, day if paid_on else "00000000"),
                        (146, day if paid_on else "00000000"),
                    ]
                )
            )
            total += t.amount
        records.append(
            self._rec(
                [
                    (4, "0001"),
                    (8, "5"),
                    (18, str(seq + 2).zfill(6)),
                    (24, str(len(self.answers)).zfill(6)),
                    (30, _n(total, 17)),
                ]
            )
        )
        records.append(
            self._rec([(4, "9999"), (8, "9"), (18, "000001"), (24, str(len(records) + 1).zfill(6))])
        )
        out = self.root / "retorno"
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"RET{self.nsa:06d}.RET"
        path.write_bytes(("\r\n".join(records) + "\r\n").encode("latin-1"))
        self.answers = []
        return path

    def _rec(self, parts: list[tuple[int, str]]) -> str:
        buf = [" "] * 240
        _put(buf, 1, self.bank_code)
        for a, text in parts:
            _put(buf, a, text)
        return "".join(buf)
