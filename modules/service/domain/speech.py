"""What the IVR says, spelled out in pt-BR (pure): amounts ("cento e vinte e três reais e quarenta
centavos"), dates ("dez de maio de dois mil e vinte e seis") and counts, so the prompt sequence an
Asterisk script plays is the same text a test reads (3.2.16.1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

UNITS = [
    "zero", "um", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove", "dez", "onze",
    "doze", "treze", "quatorze", "quinze", "dezesseis", "dezessete", "dezoito", "dezenove",
]  # fmt: skip
TENS = ["", "", "vinte", "trinta", "quarenta", "cinquenta", "sessenta", "setenta", "oitenta", "noventa"]
HUNDREDS = [
    "", "cento", "duzentos", "trezentos", "quatrocentos", "quinhentos", "seiscentos", "setecentos",
    "oitocentos", "novecentos",
]  # fmt: skip
MONTHS = [
    "janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro",
    "outubro", "novembro", "dezembro",
]  # fmt: skip


def _below_thousand(n: int) -> str:
    if n == 100:
        return "cem"
    parts: list[str] = []
    if n >= 100:
        parts.append(HUNDREDS[n // 100])
        n %= 100
    if n >= 20:
        parts.append(TENS[n // 10])
        n %= 10
        if n:
            parts.append(UNITS[n])
    elif n or not parts:
        parts.append(UNITS[n])
    return " e ".join(parts)


def number_words(n: int, feminine: bool = False) -> str:
    """0 ≤ n < 10⁹, in words ("mil e duzentos", "dois milhões e quinhentos mil")."""
    if n < 0 or n >= 1_000_000_000:
        raise ValueError("fora do intervalo")
    if n < 1000:
        words = _below_thousand(n)
    else:
        groups: list[tuple[int, str]] = []
        millions, rest = divmod(n, 1_000_000)
        thousands, units = divmod(rest, 1000)
        if millions:
            groups.append((millions, "milhão" if millions == 1 else "milhões"))
        if thousands:
            groups.append((thousands, "mil"))
        if units:
            groups.append((units, ""))
        texts = []
        for value, scale in groups:
            if scale == "mil" and value == 1:
                texts.append("mil")
            else:
                texts.append(f"{_below_thousand(value)} {scale}".strip())
        # "e" before the last group when it is below 100 or a round hundred (pt-BR usage)
        last_value = groups[-1][0]
        joiner_last = " e " if len(texts) > 1 and (last_value < 100 or last_value % 100 == 0) else " "
        words = (" ".join(texts[:-1]) + joiner_last + texts[-1]) if len(texts) > 1 else texts[0]
    if feminine:  # "uma fatura", "duas faturas", "vinte e duas faturas"
        head, _, last = words.rpartition(" ")
        last = {"um": "uma", "dois": "duas"}.get(last, last)
        words = f"{head} {last}".strip()
    return words


def money_words(amount: Decimal) -> str:
    """R$ 123,40 → "cento e vinte e três reais e quarenta centavos"."""
    cents_total = int((amount * 100).to_integral_value())
    reais, cents = divmod(cents_total, 100)
    parts = []
    if reais:
        parts.append(f"{number_words(reais)} {'real' if reais == 1 else 'reais'}")
        if reais % 1_000_000 == 0:
            parts[-1] = parts[-1].replace(" reais", " de reais")
    if cents or not reais:
        parts.append(f"{number_words(cents)} {'centavo' if cents == 1 else 'centavos'}")
    return " e ".join(parts)


def date_words(day: dt.date) -> str:
    """10/05/2026 → "dez de maio de dois mil e vinte e seis"; the 1st is "primeiro"."""
    first = "primeiro" if day.day == 1 else number_words(day.day)
    return f"{first} de {MONTHS[day.month - 1]} de {number_words(day.year)}"
