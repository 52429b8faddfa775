"""What registering a reading reads, one query each (`Lookups`) or read once for a device's whole
upload (`BatchLookups`, ADR 0231).

`reading_register` reads the property, the group's schedule, the occurrence, the month's reading,
the active meter, the last reading, the history and the consumption regulation: eight queries, and
one insert for the row. A device sync of 400 readings did that 400 times. `BatchLookups` reads each
of these once for every property of the upload (the batch items name them) and keeps the new rows
for one insert at the upload's end (`modules/common/staging.py`), with ids drawn from the table's
sequence in one statement, so the answer, the event row and the audit row can name them at once.

Only the upload writes the month's readings it memoizes (they are locked, `FOR UPDATE`, when read),
and the upload's events are for properties whose batch items it locked first, so the memo stays
true until its commit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection

from modules.common.domain.dates import YearMonth
from modules.common.errors import ErrorCode as CommonCode
from modules.common.errors import NotFound, ValidationFailed
from modules.common.staging import stage
from modules.metering.models import Installation
from modules.registry.domain.account_number import InvalidAccountNumber
from modules.registry.models import Property
from modules.registry.numbering import parse_account as parse_account_number

from ..domain.consumption import ConsumptionKind, ConsumptionPolicy, HistoryEntry
from ..errors import ErrorCode
from ..models import Occurrence, Reading, ReadingSchedule
from .regulation import consumption_policy

HISTORY_MONTHS = 25  # months of history the consumption rules look back on


class Lookups:
    """One query per read: a reading registered on its own (API, page, file line)."""

    def property(self, account_number: str) -> Property:
        try:
            base = parse_account_number(account_number)
        except InvalidAccountNumber as exc:
            raise ValidationFailed(str(exc), field="account_number", code=CommonCode.INVALID) from None
        prop: Property | None = Property.objects.filter(account_base=base).first()
        if prop is None:
            raise NotFound(
                f"Matrícula {account_number} não encontrada.",
                field="account_number",
                code=ErrorCode.PROPERTY_NOT_FOUND,
            )
        return prop

    def schedule(self, group_id: int, reference: dt.date) -> ReadingSchedule | None:
        row: ReadingSchedule | None = ReadingSchedule.objects.filter(
            group_id=group_id, reference=reference
        ).first()
        return row

    def occurrence(self, code: str) -> Occurrence | None:
        row: Occurrence | None = Occurrence.objects.filter(code=code).first()
        return row

    def existing(self, property_id: int, reference: dt.date) -> Reading | None:
        row: Reading | None = Reading.objects.filter(property_id=property_id, reference=reference).first()
        return row

    def installation(self, property_id: int, on: dt.date) -> Installation | None:
        row: Installation | None = (
            Installation.objects.select_related("meter")
            .filter(connection__property_id=property_id, connection__kind="water", installed_on__lte=on)
            .filter(removed_on__isnull=True)
            .order_by("-installed_on")
            .first()
        )
        return row

    def last(self, property_id: int, reference: dt.date) -> Reading | None:
        """The latest earlier reading with a value, its installation (and meter) loaded."""
        row: Reading | None = (
            Reading.objects.filter(property_id=property_id, reference__lt=reference, value__isnull=False)
            .select_related("installation__meter")
            .order_by("-reference")
            .first()
        )
        return row

    def history(self, property_id: int, reference: dt.date) -> tuple[HistoryEntry, ...]:
        rows = Reading.objects.filter(
            property_id=property_id,
            reference__lt=reference,
            reference__gte=reference - dt.timedelta(days=HISTORY_MONTHS * 31),
        ).values_list("reference", "consumption_m3", "consumption_kind")
        return tuple(HistoryEntry(YearMonth.of(r), v, ConsumptionKind(k)) for r, v, k in rows)

    def policy(self, reference: dt.date) -> ConsumptionPolicy:
        return consumption_policy(reference)

    def save(self, row: Reading) -> Reading:
        """Insert the new reading (at once here). Runs inside the caller's transaction."""
        row.save(force_insert=True)
        return row

    def forget(self, row: Reading) -> None:
        """`row` was deleted (replaced by a re-reading)."""


class BatchLookups(Lookups):
    """Every read of a device upload's readings done once for all its properties; new readings
    staged (the caller's `staged_inserts(Reading, ...)`) with ids drawn from the sequence at once.
    Runs inside the caller's transaction, which locked the properties' batch items first."""

    def __init__(self, properties: Iterable[Property], references: dict[int, dt.date]) -> None:
        """`properties` the upload's (loaded with their batch items), `references` property id → the
        reference month its batch reads."""
        self._props = {p.account_number: p for p in properties}
        self._references = references
        ids = sorted(references)
        self._schedules: dict[tuple[int, dt.date], ReadingSchedule | None] = {}
        self._occurrences = {o.code: o for o in Occurrence.objects.all()}
        self._policies: dict[dt.date, ConsumptionPolicy] = {}
        self._existing: dict[tuple[int, dt.date], Reading] = {}
        self._last: dict[tuple[int, dt.date], Reading] = {}
        self._history: dict[tuple[int, dt.date], list[HistoryEntry]] = defaultdict(list)
        self._installations: dict[int, list[Installation]] = defaultdict(list)
        self._ids: list[int] = []
        self._new: set[int] = set()  # ids of the readings staged by this upload
        if not ids:
            return
        by_reference: dict[dt.date, list[int]] = defaultdict(list)
        for pid, reference in references.items():
            by_reference[reference].append(pid)
        group_refs = {
            (p.billing_group_id, references[p.pk]) for p in self._props.values() if p.pk in references
        }
        for row in ReadingSchedule.objects.filter(
            group_id__in={g for g, _ in group_refs}, reference__in={r for _, r in group_refs}
        ):
            self._schedules[(row.group_id, row.reference)] = row
        by_id = {}
        for inst in (
            Installation.objects.select_related("meter", "connection")
            .filter(connection__property_id__in=ids, connection__kind="water")
            .order_by("-installed_on", "-id")
        ):
            self._installations[inst.connection.property_id].append(inst)
            by_id[inst.pk] = inst
        for reference, pids in by_reference.items():
            for row in (
                Reading.objects.select_for_update(of=("self",))
                .select_related("occurrence")
                .filter(property_id__in=pids, reference=reference)
            ):
                self._existing[(row.property_id, reference)] = row
            for row in (
                Reading.objects.filter(property_id__in=pids, reference__lt=reference, value__isnull=False)
                .order_by("property_id", "-reference")
                .distinct("property_id")
            ):
                if row.installation_id is not None:
                    row.installation = by_id.get(row.installation_id) or Installation.objects.select_related(
                        "meter"
                    ).get(pk=row.installation_id)
                self._last[(row.property_id, reference)] = row
            since = reference - dt.timedelta(days=HISTORY_MONTHS * 31)
            for pid, r, v, k in Reading.objects.filter(
                property_id__in=pids, reference__lt=reference, reference__gte=since
            ).values_list("property_id", "reference", "consumption_m3", "consumption_kind"):
                self._history[(pid, reference)].append(HistoryEntry(YearMonth.of(r), v, ConsumptionKind(k)))

    def property(self, account_number: str) -> Property:
        found = self._props.get(account_number)
        return found if found is not None else super().property(account_number)

    def schedule(self, group_id: int, reference: dt.date) -> ReadingSchedule | None:
        key = (group_id, reference)
        if key not in self._schedules:
            self._schedules[key] = super().schedule(group_id, reference)
        return self._schedules[key]

    def occurrence(self, code: str) -> Occurrence | None:
        return self._occurrences.get(code)

    def _ours(self, property_id: int, reference: dt.date) -> bool:
        return self._references.get(property_id) == reference

    def existing(self, property_id: int, reference: dt.date) -> Reading | None:
        if not self._ours(property_id, reference):
            return super().existing(property_id, reference)
        return self._existing.get((property_id, reference))

    def installation(self, property_id: int, on: dt.date) -> Installation | None:
        if property_id not in self._references:
            return super().installation(property_id, on)
        for inst in self._installations.get(property_id, []):  # newest first
            if inst.installed_on <= on and inst.removed_on is None:
                return inst
        return None

    def last(self, property_id: int, reference: dt.date) -> Reading | None:
        if not self._ours(property_id, reference):
            return super().last(property_id, reference)
        return self._last.get((property_id, reference))

    def history(self, property_id: int, reference: dt.date) -> tuple[HistoryEntry, ...]:
        if not self._ours(property_id, reference):
            return super().history(property_id, reference)
        return tuple(self._history.get((property_id, reference), ()))

    def policy(self, reference: dt.date) -> ConsumptionPolicy:
        if reference not in self._policies:
            self._policies[reference] = consumption_policy(reference)
        return self._policies[reference]

    def save(self, row: Reading) -> Reading:
        """Stage the new reading with an id drawn from the sequence (one statement for the upload)."""
        if not self._ids:
            self._ids = _allocate_ids(max(len(self._references), 1))
        row.pk = self._ids.pop(0)
        stage(row)
        self._new.add(row.pk)
        self._existing[(row.property_id, row.reference)] = row
        return row

    def forget(self, row: Reading) -> None:
        self._existing.pop((row.property_id, row.reference), None)

    def keep(self, row: Reading) -> None:
        """`row` stands again (a refused re-read's savepoint undid its deletion)."""
        self._existing[(row.property_id, row.reference)] = row

    def stored(self, row: Reading) -> bool:
        """Whether `row` is in the table already (not one this upload staged)."""
        return row.pk not in self._new


def _allocate_ids(count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('reading_reading', 'id')) FROM generate_series(1, %s)",
            [count],
        )
        return [row[0] for row in cursor.fetchall()]
