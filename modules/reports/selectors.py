"""Reads of the reports module: the catalogue (built-in definitions with the utility's own over
them) and runs."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from modules.common.errors import NotFound

from .catalogue import DEFINITIONS
from .datasets import SOURCES
from .domain.spec import Definition, definition_from_dict
from .errors import ErrorCode
from .models import ReportDefinition, ReportRun


def catalogue() -> list[Definition]:
    """Every definition of this utility, built-in first (by tender item), its own after."""
    own = {r.code: r for r in ReportDefinition.objects.filter(active=True)}
    merged = [
        definition_from_dict({**own.pop(d.code).spec, "code": d.code}) if d.code in own else d
        for d in DEFINITIONS
    ]
    merged += [definition_from_dict({**r.spec, "code": r.code}) for r in own.values()]
    return merged


def _number_key(d: Definition) -> tuple[int, str]:
    tail = d.number.rsplit(".", 1)[-1] if d.number else ""
    digits = "".join(ch for ch in tail if ch.isdigit())
    return (int(digits) if digits else 10_000, tail)


def catalogue_search(q: str = "", family: str = "") -> list[Definition]:
    """By name or by number ("79", "3.2.19.79", "categoria"), accents and case ignored."""
    from modules.registry.domain.text import fold

    needle = fold(q.strip())
    found = []
    for d in catalogue():
        if family and d.family != family:
            continue
        if needle:
            hay = fold(" ".join((d.code, d.title, *d.numbers, SOURCES[d.dataset].spec.label)))
            short = {n.rsplit(".", 1)[-1] for n in d.numbers}
            if needle not in hay and needle not in short:
                continue
        found.append(d)
    return sorted(
        found, key=lambda d: (int(d.family[1:] or 0) if d.family[1:].isdigit() else 99, _number_key(d))
    )


def definition_get(code: str) -> Definition:
    for d in catalogue():
        if d.code == code:
            return d
    raise NotFound(f"Relatório '{code}' não encontrado no catálogo.", code=ErrorCode.REPORT_NOT_FOUND)


def run_get(run_id: int) -> ReportRun:
    run: ReportRun | None = ReportRun.objects.filter(pk=run_id).first()
    if run is None:
        raise NotFound("Execução de relatório não encontrada.", code=ErrorCode.RUN_NOT_FOUND)
    return run


def run_list(*, code: str = "", user: Any = None) -> QuerySet[ReportRun]:
    qs = ReportRun.objects.select_related("requested_by")
    if code:
        qs = qs.filter(code=code)
    if user is not None:
        qs = qs.filter(Q(requested_by=user))
    return qs
