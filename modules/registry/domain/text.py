"""Search keys: lower-case, accents removed, punctuation to spaces, runs of spaces collapsed.

Computed in Python when a row is written (and by the importer), so the database only has to match
plain ASCII with a trigram index: no unaccent() in queries, the same folding everywhere.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NON_WORD.sub(" ", ascii_only).strip()


def tokens(text: str) -> list[str]:
    return [t for t in fold(text).split(" ") if t]


def only_digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def normalize_cep(text: str) -> str:
    """Eight digits, or '' for an empty value; raises ValueError otherwise."""
    digits = only_digits(text)
    if not digits:
        return ""
    if len(digits) != 8:
        raise ValueError("CEP inválido: deve ter 8 dígitos.")
    return digits


def format_cep(digits: str) -> str:
    return f"{digits[:5]}-{digits[5:]}" if len(digits) == 8 else digits
