"""Name similarity for fraud hunting (seed 002 S6.3-02): accent-, case- and order-insensitive, and an
initial ("A.") matches the word it abbreviates. Pure: two names in, a score from 0 to 1 out."""

from __future__ import annotations

import unicodedata
from difflib import SequenceMatcher

PARTICLES = frozenset({"da", "de", "do", "das", "dos", "e"})


def tokens(name: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = "".join(c if c.isalnum() else " " for c in plain).split()
    return sorted(w for w in words if w not in PARTICLES)


def _word_score(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)):
        return 0.9  # an initial
    return SequenceMatcher(None, a, b).ratio()


def similarity(first: str, second: str) -> float:
    """Each word of the shorter name matched to its best word of the longer, averaged; the words of
    the longer name left unmatched pull the score down a little (a middle name left out)."""
    a, b = tokens(first), tokens(second)
    if not a or not b:
        return 0.0
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    remaining = list(long_)
    total = 0.0
    for word in short:
        best = max(remaining, key=lambda w: _word_score(word, w))
        total += _word_score(word, best)
        remaining.remove(best)
    return round(total / len(short) * (1 - 0.05 * len(remaining)), 4)
