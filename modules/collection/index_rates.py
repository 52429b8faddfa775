"""Index series (Selic, IPCA, …) and their monthly rates, entered by hand or imported from the
Central Bank's CSV (ADR 0130).

A month's rate is the latest row recorded for it (`IndexRate.recorded_at`); a month without a row
takes the series' provisional rate. A rate not yet used by a billed late charge is changed in place
(audited). Once a billed late charge used it — the bill item of `late_items` for a payment whose
charged months include it, under a policy version whose interest or correction series it is — it is
never changed in place: the change is refused unless it is asked for as a correction, which records a
new row; charges computed from then on take it, and what was billed keeps the rate it used (the
older row stays as its record).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import BigIntegerField, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from modules.billing.models import BillItem, BillStatus
from modules.common.audit import Actor, audit_record
from modules.common.domain.dates import YearMonth
from modules.common.errors import NotFound, ValidationFailed
from modules.common.typed import transaction

from .domain.index_csv import IndexCsvRejected, parse_index_csv
from .domain.late_charges import charged_months
from .errors import ErrorCode
from .models import IndexRate, IndexSeries, LateChargePolicyVersion, Settlement

LATE_CHARGE_SOURCE = "collection.late_charge"  # late_items.SOURCE (imported lazily there: billing hooks)
SIX_PLACES = Decimal("0.000001")


class IndexCsvRefused(ValidationFailed):
    code = ErrorCode.INDEX_CSV_REJECTED

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message, field="file")
        self.problems = problems

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "problems": self.problems}


@dataclass(frozen=True)
class MonthRateView:
    """A month of a series as the page shows it: its rate now, whether it is provisional (the
    series' provisional rate, or a rate entered as an estimate), and whether billed charges used it."""

    month: YearMonth
    rate: Decimal
    registered: bool
    provisional: bool
    in_use: bool
    row: IndexRate | None
    versions: int

    @property
    def percent(self) -> str:
        return percent_label(self.rate)


@dataclass(frozen=True)
class CsvImportResult:
    created: int
    changed: int
    corrected: int
    unchanged: int


def series_list() -> QuerySet[IndexSeries]:
    return IndexSeries.objects.order_by("code")


def series_get(code: str) -> IndexSeries:
    series: IndexSeries | None = IndexSeries.objects.filter(code=(code or "").strip().upper()).first()
    if series is None:
        known = ", ".join(series_list().values_list("code", flat=True))
        raise NotFound(
            f"Índice «{code}» não cadastrado (cadastrados: {known or 'nenhum'}).",
            code=ErrorCode.INDEX_NOT_FOUND,
        )
    return series


def current_rates(series: IndexSeries) -> dict[YearMonth, IndexRate]:
    """The row in effect for each registered month: the latest recorded."""
    rows: dict[YearMonth, IndexRate] = {}
    for row in IndexRate.objects.filter(series=series).order_by("month", "recorded_at", "id"):
        rows[YearMonth.of(row.month)] = row
    return rows


def billed_late_charge_settlements() -> QuerySet[Settlement]:
    """Settlements whose late charges sit on a bill that is not cancelled (late_items' source rows)."""
    billed = (
        BillItem.objects.filter(source=LATE_CHARGE_SOURCE)
        .exclude(bill__status=BillStatus.CANCELLED)
        .annotate(settlement_id=Cast("source_id", BigIntegerField()))
        .values("settlement_id")
    )
    return Settlement.objects.filter(id__in=billed)


def months_in_use(series: IndexSeries) -> set[YearMonth]:
    """Months of the series that a billed late charge used (bills not cancelled)."""
    versions = list(LateChargePolicyVersion.objects.order_by("effective_from"))
    used: set[YearMonth] = set()
    for index, version in enumerate(versions):
        if series.pk not in (version.interest_index_id, version.correction_index_id):
            continue
        settlements = billed_late_charge_settlements().filter(paid_on__gte=version.effective_from)
        if index + 1 < len(versions):
            settlements = settlements.filter(paid_on__lt=versions[index + 1].effective_from)
        pairs = settlements.values_list("bill__due_date", "paid_on").distinct()
        for due_date, paid_on in pairs:
            used.update(charged_months(due_date, paid_on, accrues_from=version.accrues_from))
    return used


def series_months(series: IndexSeries, *, first: YearMonth, last: YearMonth) -> list[MonthRateView]:
    """Every month from `last` back to `first`, registered or not (newest first)."""
    rows = current_rates(series)
    counts: dict[YearMonth, int] = {}
    for month in IndexRate.objects.filter(series=series).values_list("month", flat=True):
        counts[YearMonth.of(month)] = counts.get(YearMonth.of(month), 0) + 1
    used = months_in_use(series)
    result = []
    month = last
    while month >= first:
        row = rows.get(month)
        result.append(
            MonthRateView(
                month=month,
                rate=row.rate if row else series.provisional_rate,
                registered=row is not None,
                provisional=row.provisional if row else True,
                in_use=month in used,
                row=row,
                versions=counts.get(month, 0),
            )
        )
        month = month.previous()
    return result


def _check_rate(rate: Any, field: str = "rate") -> Decimal:
    if not isinstance(rate, Decimal) or not rate.is_finite() or not Decimal("-1") < rate < Decimal("1"):
        raise ValidationFailed(
            'Taxa mensal: um decimal entre -1 e 1 (fração, não percentual: 0,93 % é "0.0093").',
            field=field,
            code=ErrorCode.INVALID,
        )
    if rate != rate.quantize(SIX_PLACES):
        raise ValidationFailed(
            "Taxa mensal: até 6 casas decimais (ex.: 0.009300).", field=field, code=ErrorCode.INVALID
        )
    return rate


def percent_label(rate: Decimal) -> str:
    """0.009300 → "0,93 %" (the way the Central Bank publishes a monthly rate)."""
    text = f"{(rate * 100).normalize():f}".replace(".", ",")
    return ("0" if text in ("-0", "") else text) + " %"


_percent = percent_label


def rate_record(
    *,
    actor: Actor,
    series: IndexSeries,
    month: YearMonth,
    rate: Decimal,
    provisional: bool = False,
    correction: bool = False,
    reason: str = "",
    source: str = IndexRate.Source.MANUAL,
    used: set[YearMonth] | None = None,
) -> tuple[IndexRate, str]:
    """Record a month's rate; inside the caller's transaction. Answers the row in effect and what
    happened: "created", "changed" (in place, not used yet), "corrected" (a new row) or "unchanged".
    `used` is `months_in_use(series)` when the caller already has it (an import)."""
    rate = _check_rate(rate)
    current = (
        IndexRate.objects.select_for_update()
        .filter(series=series, month=month.first_day())
        .order_by("-recorded_at", "-id")
        .first()
    )
    now = timezone.now()
    who = actor.get_username()
    if current is None:
        row = IndexRate.objects.create(
            series=series,
            month=month.first_day(),
            rate=rate,
            provisional=provisional,
            source=source,
            recorded_at=now,
            recorded_by=who,
            reason=reason[:300],
        )
        audit_record(actor=actor, action="collection.index_rate_record", target=row, after=_state(row))
        return row, "created"
    if current.rate == rate and current.provisional == provisional:
        return current, "unchanged"
    in_use = month in (used if used is not None else months_in_use(series))
    if not in_use:
        before = _state(current)
        current.rate, current.provisional, current.source = rate, provisional, source
        current.recorded_at, current.recorded_by = max(now, current.recorded_at), who
        current.reason = reason[:300]
        current.save()
        audit_record(
            actor=actor,
            action="collection.index_rate_change",
            target=current,
            before=before,
            after=_state(current),
            reason=reason,
        )
        return current, "changed"
    if not correction:
        raise ValidationFailed(
            f"A taxa {series.code} de {month.label} ({_percent(current.rate)}) já foi usada em acréscimos "
            "faturados e não pode ser alterada no lugar. Registre uma correção (nova versão da taxa): ela "
            "vale para os cálculos feitos a partir de agora, e o que já foi faturado continua com a taxa "
            "que usou.",
            field="rate",
            code=ErrorCode.RATE_IN_USE,
        )
    if not reason.strip():
        raise ValidationFailed(
            "Informe o motivo da correção (ex.: taxa oficial publicada).",
            field="reason",
            code=ErrorCode.INVALID,
        )
    # one instant per row of a month: a correction at the same frozen instant still comes after
    recorded_at = max(now, current.recorded_at + dt.timedelta(microseconds=1))
    row = IndexRate.objects.create(
        series=series,
        month=month.first_day(),
        rate=rate,
        provisional=provisional,
        source=source,
        recorded_at=recorded_at,
        recorded_by=who,
        reason=reason.strip()[:300],
    )
    audit_record(
        actor=actor,
        action="collection.index_rate_correct",
        target=row,
        before=_state(current),
        after=_state(row),
        reason=reason,
    )
    return row, "corrected"


@transaction.atomic(durable=True)
def index_rate_register(
    *,
    actor: Actor,
    index: str,
    month: YearMonth,
    rate: Decimal,
    provisional: bool = False,
    correction: bool = False,
    reason: str = "",
) -> tuple[IndexRate, str]:
    series = series_get(index)
    return rate_record(
        actor=actor,
        series=series,
        month=month,
        rate=rate,
        provisional=provisional,
        correction=correction,
        reason=reason,
    )


@transaction.atomic(durable=True)
def index_rates_import_csv(
    *, actor: Actor, index: str, data: bytes, filename: str = "", correction: bool = False, reason: str = ""
) -> CsvImportResult:
    """All or nothing: a malformed line refuses the file with its line and field; so does a line that
    changes a rate billed charges used, unless the import is a correction (with its reason)."""
    series = series_get(index)
    try:
        rates = parse_index_csv(data)
    except IndexCsvRejected as exc:
        problems = [str(p) for p in exc.problems]
        raise IndexCsvRefused(
            f"Arquivo CSV recusado ({len(problems)} problema(s)); nada foi registrado. "
            + "; ".join(problems[:5]),
            problems,
        ) from exc
    used = months_in_use(series)
    current = current_rates(series)
    if not correction:
        blocked = [
            f"Linha {r.line}, campo valor: a taxa de {r.month.label} "
            f"({_percent(current[r.month].rate)}) já foi usada em acréscimos faturados"
            for r in rates
            if r.month in used and r.month in current and current[r.month].rate != r.rate
        ]
        if blocked:
            raise IndexCsvRefused(
                "Arquivo CSV recusado: muda taxas já usadas em acréscimos faturados; nada foi registrado. "
                "Importe-o como correção (nova versão das taxas, com motivo) ou retire essas linhas. "
                + "; ".join(blocked[:5]),
                blocked,
            )
    counts = {"created": 0, "changed": 0, "corrected": 0, "unchanged": 0}
    why = reason.strip() or (
        f"CSV do Banco Central «{filename[:100]}»" if filename else "CSV do Banco Central"
    )
    for r in rates:
        _row, outcome = rate_record(
            actor=actor,
            series=series,
            month=r.month,
            rate=r.rate,
            correction=correction,
            reason=why,
            source=IndexRate.Source.BCB_CSV,
            used=used,
        )
        counts[outcome] += 1
    audit_record(
        actor=actor,
        action="collection.index_rates_import",
        target=series,
        after={"filename": filename[:200], "lines": len(rates), **counts},
        reason=reason,
    )
    return CsvImportResult(**counts)


def series_change(
    *,
    actor: Actor,
    series: IndexSeries,
    name: str | None = None,
    provisional_rate: Decimal | None = None,
    sgs_code: Any = ...,
) -> IndexSeries:
    """Name, provisional rate (for months not registered) and SGS code of a series; audited; inside
    the caller's transaction."""
    series = IndexSeries.objects.select_for_update().get(pk=series.pk)
    before = _series_state(series)
    if name is not None:
        if not name.strip() or len(name) > 80:
            raise ValidationFailed(
                "Informe o nome do índice (até 80 caracteres).", field="name", code=ErrorCode.INVALID
            )
        series.name = name.strip()
    if provisional_rate is not None:
        series.provisional_rate = _check_rate(provisional_rate, "provisional_rate")
    if sgs_code is not ...:
        if sgs_code is not None and (not isinstance(sgs_code, int) or not 0 < sgs_code < 10**7):
            raise ValidationFailed(
                "Código SGS: um número inteiro positivo.", field="sgs_code", code=ErrorCode.INVALID
            )
        series.sgs_code = sgs_code
    after = _series_state(series)
    if after != before:
        series.save()
        audit_record(
            actor=actor, action="collection.index_series_change", target=series, before=before, after=after
        )
    return series


@transaction.atomic(durable=True)
def index_series_update(
    *,
    actor: Actor,
    code: str,
    name: str | None = None,
    provisional_rate: Decimal | None = None,
    sgs_code: Any = ...,
) -> IndexSeries:
    return series_change(
        actor=actor, series=series_get(code), name=name, provisional_rate=provisional_rate, sgs_code=sgs_code
    )


def series_remove(*, actor: Actor, series: IndexSeries) -> None:
    """A series no policy version names and no billed charge used, removed with its rates; inside
    the caller's transaction (the configuration import)."""
    if months_in_use(series):
        raise ValidationFailed(
            f"O índice {series.code} tem taxas usadas em acréscimos faturados.",
            field="code",
            code=ErrorCode.RATE_IN_USE,
        )
    audit_record(
        actor=actor, action="collection.index_series_remove", target=series, before=_series_state(series)
    )
    series.delete()


def rate_remove(*, actor: Actor, row: IndexRate) -> None:
    """A row of a month no billed charge used, removed; inside the caller's transaction."""
    if YearMonth.of(row.month) in months_in_use(row.series):
        raise ValidationFailed(
            f"A taxa {row.series.code} de {row.month:%m/%Y} já foi usada em acréscimos faturados.",
            field="rate",
            code=ErrorCode.RATE_IN_USE,
        )
    audit_record(actor=actor, action="collection.index_rate_remove", target=row, before=_state(row))
    row.delete()


def series_create(
    *, actor: Actor, code: str, name: str, provisional_rate: Decimal, sgs_code: int | None
) -> IndexSeries:
    """A new series; inside the caller's transaction."""
    code = (code or "").strip().upper()
    if not code or len(code) > 10 or not code.replace("-", "").isalnum():
        raise ValidationFailed(
            "Código do índice: até 10 letras ou dígitos (ex.: SELIC).", field="code", code=ErrorCode.INVALID
        )
    if IndexSeries.objects.filter(code=code).exists():
        raise ValidationFailed(f"O índice {code} já existe.", field="code", code=ErrorCode.INVALID)
    series: IndexSeries = IndexSeries.objects.create(
        code=code,
        name=name.strip(),
        provisional_rate=_check_rate(provisional_rate, "provisional_rate"),
        sgs_code=sgs_code,
    )
    audit_record(
        actor=actor, action="collection.index_series_create", target=series, after=_series_state(series)
    )
    return series


def rate_history(series: IndexSeries, month: YearMonth) -> QuerySet[IndexRate]:
    return IndexRate.objects.filter(series=series, month=month.first_day()).order_by("-recorded_at", "-id")


def months_with_rows(series: IndexSeries) -> tuple[YearMonth, YearMonth] | None:
    rows = IndexRate.objects.filter(series=series)
    first = rows.order_by("month").values_list("month", flat=True).first()
    last = rows.order_by("-month").values_list("month", flat=True).first()
    if first is None or last is None:
        return None
    return YearMonth.of(first), YearMonth.of(last)


def _state(row: IndexRate) -> dict[str, Any]:
    return {
        "series": row.series.code,
        "month": f"{row.month:%Y-%m}",
        "rate": str(row.rate),
        "provisional": row.provisional,
        "source": row.source,
        "recorded_at": row.recorded_at.isoformat(),
    }


def _series_state(series: IndexSeries) -> dict[str, Any]:
    return {
        "code": series.code,
        "name": series.name,
        "provisional_rate": str(series.provisional_rate),
        "sgs_code": series.sgs_code,
    }
