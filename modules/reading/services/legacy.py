"""The legacy system's reading occurrences (S12.8-01): the utility's occurrence list with its current
parameters (occurrences.csv) and the history of readings with the occurrence each carried
(readings.csv), in the legacy importer's shape (modules/legacy/files.py): semicolon CSV with a
header, every line checked with its number, field and reason, each file all or nothing, the same
file twice changes nothing.

occurrences.csv: code;description;action;review;photo_required
  action: normal, average, minimum or rollover (or their pt-BR words: leitura, media, minimo, virada);
  review and photo_required: S/N (also sim/não, 1/0, true/false), empty is N.
readings.csv: account_number;reference;read_on;value;consumption_m3;occurrence
  reference AAAA-MM or MM/AAAA (not after this month); value empty when the reader could not read;
  occurrence a code of the list (the database's or the occurrences.csv of the same import).

History readings are stored as they were billed (source "legacy", no flags, no review): they feed
the averages and the occurrence reports; a month that already has a different reading is refused.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db import transaction

from modules.common.audit import Actor
from modules.common.domain.dates import YearMonth
from modules.legacy.files import (
    ImportReport,
    LineError,
    LineFail,
    duplicates,
    finish,
    load,
    parse_date,
    parse_int,
    read_rows,
    validate_rows,
)
from modules.registry.domain.account_number import AccountRule, InvalidAccountNumber
from modules.registry.models import Property
from modules.registry.numbering import account_rule
from modules.registry.numbering import parse_account as parse_account_number

from ..domain.consumption import ConsumptionKind, OccurrenceAction
from ..models import Occurrence, Reading

OCCURRENCE_COLUMNS = ("code", "description", "action")
READING_COLUMNS = ("account_number", "reference", "read_on", "consumption_m3")
LEGACY_SOURCE = "legacy"
MAX_VOLUME = 99_999_999  # a meter's dials and a month's m³ fit the columns (a typo is a line refused)
ACTION_WORDS = {
    "normal": OccurrenceAction.NORMAL,
    "leitura": OccurrenceAction.NORMAL,
    "average": OccurrenceAction.AVERAGE,
    "media": OccurrenceAction.AVERAGE,
    "média": OccurrenceAction.AVERAGE,
    "minimum": OccurrenceAction.MINIMUM,
    "minimo": OccurrenceAction.MINIMUM,
    "mínimo": OccurrenceAction.MINIMUM,
    "rollover": OccurrenceAction.ROLLOVER,
    "virada": OccurrenceAction.ROLLOVER,
}
YES = {"s", "sim", "1", "true", "y", "yes"}
NO = {"", "n", "nao", "não", "0", "false", "no"}
KIND_OF_ACTION = {
    OccurrenceAction.AVERAGE: ConsumptionKind.AVERAGE,
    OccurrenceAction.MINIMUM: ConsumptionKind.MINIMUM,
}


def _flag(value: str, field_name: str) -> bool:
    text = (value or "").strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise LineFail(field_name, f"use S ou N (veio '{value}')")


def _parse_occurrence(row: dict[str, str]) -> tuple[Any, ...]:
    code = (row.get("code") or "").strip().upper()
    if not code or len(code) > 10:
        raise LineFail("code", "código obrigatório (até 10 caracteres)")
    description = (row.get("description") or "").strip()
    if not description:
        raise LineFail("description", "descrição obrigatória")
    action = ACTION_WORDS.get((row.get("action") or "").strip().lower())
    if action is None:
        raise LineFail("action", "ação deve ser normal, average, minimum ou rollover")
    return (
        code,
        description[:120],
        str(action),
        _flag(row.get("review", ""), "review"),
        _flag(row.get("photo_required", ""), "photo_required"),
    )


@transaction.atomic(durable=True)
def import_occurrences(*, actor: Actor, data: bytes | str, today: dt.date) -> ImportReport:
    """occurrences.csv: each code created, or its parameters brought to the legacy's current ones."""
    report = ImportReport("occurrences")

    def body() -> None:
        rows = read_rows(data, OCCURRENCE_COLUMNS, report)
        report.read = len(rows)
        parsed = validate_rows(rows, report, _parse_occurrence)
        duplicates(parsed, 1, "code", report)
        if report.errors:
            finish(report, actor, "reading.legacy_occurrences")
        existing = {o.code: o for o in Occurrence.objects.all()}
        for _line, code, description, action, review, photo in parsed:
            row = existing.get(code)
            values = {"description": description, "action": action, "review": review, "photo_required": photo}
            if row is None:
                Occurrence.objects.create(code=code, **values)
                report.created += 1
            elif any(getattr(row, k) != v for k, v in values.items()):
                Occurrence.objects.filter(pk=row.pk).update(**values)
                report.updated += 1
        finish(report, actor, "reading.legacy_occurrences")

    return load(report, body)


def _reference(value: str, today: dt.date) -> dt.date:
    text = (value or "").strip()
    try:
        if "/" in text:
            month, year = text.split("/")
            ym = YearMonth(int(year), int(month))
        else:
            year, month = text.split("-")[:2]
            ym = YearMonth(int(year), int(month))
    except ValueError as exc:
        raise LineFail("reference", f"referência inválida '{text}' (use AAAA-MM ou MM/AAAA)") from exc
    first = ym.first_day()
    if first > today.replace(day=1):
        raise LineFail("reference", f"referência no futuro ({first:%m/%Y})")
    return first


def _parse_reading(rule: AccountRule, today: dt.date) -> Any:
    def parse(row: dict[str, str]) -> tuple[Any, ...]:
        account = (row.get("account_number") or "").strip()
        try:
            base = parse_account_number(account, rule)
        except InvalidAccountNumber as exc:
            raise LineFail("account_number", str(exc)) from exc
        reference = _reference(row.get("reference", ""), today)
        read_on = parse_date(row.get("read_on", ""), "read_on", today, required=True)
        value = parse_int(row.get("value", ""), "value")
        consumption = parse_int(row.get("consumption_m3", ""), "consumption_m3", required=True)
        for name, number in (("value", value), ("consumption_m3", consumption)):
            if number is not None and number > MAX_VOLUME:
                raise LineFail(name, f"valor acima do máximo ({MAX_VOLUME})")
        occurrence = (row.get("occurrence") or "").strip().upper()
        if value is None and not occurrence:
            raise LineFail("value", "leitura vazia sem ocorrência que a explique")
        return base, reference, read_on, value, consumption, occurrence

    return parse


@transaction.atomic(durable=True)
def import_reading_history(*, actor: Actor, data: bytes | str, today: dt.date) -> ImportReport:
    """readings.csv: each month's reading of a unit with its occurrence, as the legacy billed it.
    `details` counts the lines per occurrence code (the reconciliation of S12.8-01)."""
    report = ImportReport("readings")

    def body() -> None:
        rows = read_rows(data, READING_COLUMNS, report)
        report.read = len(rows)
        parsed = validate_rows(rows, report, _parse_reading(account_rule(), today))
        keys = [(p[0], p[1], p[2]) for p in parsed]  # (line, base, reference)
        duplicates([(line, (base, ref)) for line, base, ref in keys], 1, "reference", report)
        properties = dict(
            Property.objects.filter(account_base__in={p[1] for p in parsed}).values_list("account_base", "pk")
        )
        occurrences = {o.code: o for o in Occurrence.objects.all()}
        for line, base, *_rest, occurrence in parsed:
            if base not in properties:
                report.errors.append(LineError(line, "account_number", "matrícula inexistente"))
            if occurrence and occurrence not in occurrences:
                report.errors.append(LineError(line, "occurrence", f"ocorrência {occurrence} não cadastrada"))
        existing = {
            (r.property_id, r.reference): r
            for r in Reading.objects.filter(property_id__in=set(properties.values())).only(
                "property_id", "reference", "value", "consumption_m3", "occurrence_id"
            )
        }
        new: list[Reading] = []
        previous: dict[int, int | None] = {}
        counts: Counter[str] = Counter()
        for line, base, reference, read_on, value, consumption, code in sorted(
            parsed, key=lambda p: (p[1], p[2])
        ):
            pid = properties.get(base)
            if pid is None or (code and code not in occurrences):
                continue  # already reported
            occ = occurrences.get(code) if code else None
            found = existing.get((pid, reference))
            if found is not None:
                same = (found.value, found.consumption_m3, found.occurrence_id) == (
                    value,
                    consumption,
                    occ.pk if occ else None,
                )
                if not same:
                    report.errors.append(
                        LineError(line, "reference", f"o imóvel já tem outra leitura em {reference:%m/%Y}")
                    )
                previous[pid] = found.value
                counts[code or "-"] += 1
                continue
            kind = KIND_OF_ACTION.get(OccurrenceAction(occ.action), ConsumptionKind.MEASURED) if occ else None
            new.append(
                Reading(
                    property_id=pid,
                    reference=reference,
                    read_on=read_on,
                    previous_value=previous.get(pid),
                    value=value,
                    occurrence=occ,
                    consumption_kind=str(kind or ConsumptionKind.MEASURED),
                    consumption_m3=consumption,
                    source=LEGACY_SOURCE,
                    actor=actor.get_username()[:150],
                )
            )
            previous[pid] = value if value is not None else previous.get(pid)
            counts[code or "-"] += 1
        if report.errors:
            finish(report, actor, "reading.legacy_readings")
        Reading.objects.bulk_create(new, batch_size=2000)
        report.created = len(new)
        report.details = {
            f"ocorrência {k}" if k != "-" else "sem ocorrência": v for k, v in sorted(counts.items())
        }
        finish(report, actor, "reading.legacy_readings")

    return load(report, body)


def import_reading_files(*, actor: Actor, files: dict[str, bytes], today: dt.date) -> list[ImportReport]:
    """The list first (the history names its codes), each file its own all-or-nothing transaction."""
    out = []
    if "occurrences" in files:
        out.append(import_occurrences(actor=actor, data=files["occurrences"], today=today))
    if "readings" in files:
        out.append(import_reading_history(actor=actor, data=files["readings"], today=today))
    return out
