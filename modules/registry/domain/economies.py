"""Categories and economias (dwelling units) of a property.

A property may mix categories (e.g. 2 residential + 1 commercial economias); each category appears
once, with a whole number of economias of at least one, and the property has at least one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class InvalidEconomies(ValueError):
    def __init__(self, message: str, field: str = "categories") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class CategoryShare:
    category: str
    economies: int


def validate_shares(shares: Iterable[CategoryShare], known: Iterable[str]) -> tuple[CategoryShare, ...]:
    known_codes = set(known)
    seen: set[str] = set()
    result: list[CategoryShare] = []
    for share in shares:
        code = share.category.strip().upper()
        if code not in known_codes:
            raise InvalidEconomies(f"Categoria desconhecida: '{share.category}'.", "categories")
        if code in seen:
            raise InvalidEconomies(f"A categoria '{code}' foi informada mais de uma vez.", "categories")
        if share.economies < 0:
            raise InvalidEconomies("Número de economias não pode ser negativo.", "economies")
        if share.economies == 0:
            raise InvalidEconomies(
                f"Informe ao menos uma economia para a categoria '{code}' (ou retire a categoria).",
                "economies",
            )
        seen.add(code)
        result.append(CategoryShare(code, share.economies))
    if not result:
        raise InvalidEconomies("Informe ao menos uma categoria com economias.", "categories")
    return tuple(sorted(result, key=lambda s: s.category))


def parse_shares(text: str) -> tuple[CategoryShare, ...]:
    """The import's compact form 'RES:2|COM:1' (the numbers are economias; ',' also separates)."""
    shares: list[CategoryShare] = []
    for chunk in (text or "").replace(",", "|").split("|"):
        if not chunk.strip():
            continue
        code, _, count = chunk.partition(":")
        try:
            economies = int(count.strip() or "1")
        except ValueError as exc:
            raise InvalidEconomies(
                f"Número de economias inválido em '{chunk.strip()}'.", "economies"
            ) from exc
        shares.append(CategoryShare(code.strip().upper(), economies))
    return tuple(shares)


def total_economies(shares: Iterable[CategoryShare]) -> int:
    return sum(s.economies for s in shares)
