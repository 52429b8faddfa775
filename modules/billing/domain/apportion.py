"""Splitting a whole number of m³ among categories (rateio entre categorias).

A property with economias of several categories has one meter; its consumption is split among the
categories before each part is priced with its own category's bands (seed 002 §8.9: "o consumo
mensal apurado será rateado pelo número de economias … dentro da faixa de consumo e da classificação
em que as economias se enquadrarem"; seed 001 3.2.7.8.7 splits equally among categories instead).
Both are the same operation with different weights (economias, or 1 per category); see ADR 0021.

Volumes stay whole m³: each weight unit gets `total // sum(weights)` m³ and the leftover m³ are handed
out one by one along a fixed balanced sequence of the weight units. The sequence does not depend on
the total, so a category's share never falls when the total rises (no Alabama paradox, which the
largest-remainder method has), and each share is the exact proportional share rounded down or up.
"""

from __future__ import annotations

from collections.abc import Sequence


def balanced_sequence(weights: Sequence[int], length: int) -> list[int]:
    """The first `length` picks of a cycle that visits index i exactly weights[i] times.

    Built by the quota method of Balinski and Young (1975), which is house-monotone and stays within
    quota: after h picks, index i has been picked floor(h·w_i/W) or ceil(h·w_i/W) times. At each step
    the indices still under their upper quota (n_i·W < h·w_i) compete, and the one with the largest
    w_i / (n_i + 1) wins (lowest index on a tie), all compared in integers.
    """
    total = sum(weights)
    if length > total:
        raise ValueError("length beyond one cycle")
    counts = [0] * len(weights)
    picks: list[int] = []
    for step in range(1, length + 1):
        best = -1
        for index, weight in enumerate(weights):
            if counts[index] * total >= step * weight:
                continue
            if best < 0 or weight * (counts[best] + 1) > weights[best] * (counts[index] + 1):
                best = index
        counts[best] += 1
        picks.append(best)
    return picks


def apportion(total: int, weights: Sequence[int]) -> tuple[int, ...]:
    """Split `total` whole units in proportion to positive integer `weights`; the parts sum to total."""
    if total < 0:
        raise ValueError("total must not be negative")
    if not weights or any(weight <= 0 for weight in weights):
        raise ValueError("weights must be positive")
    if len(weights) == 1:
        return (total,)
    per_unit, leftover = divmod(total, sum(weights))
    parts = [per_unit * weight for weight in weights]
    for index in balanced_sequence(weights, leftover):
        parts[index] += 1
    return tuple(parts)
