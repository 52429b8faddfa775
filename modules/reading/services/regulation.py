"""The consumption regulation's versions (Regulation rows of kind `reading.consumption`): each starts
on the first day of a reference month, names its act and carries the parameters of
`domain.regulation`. A version is added from a month on, never edited once a billed month fell in
it (billing answers which months it billed, through `hooks.billed_months`); an unused one may be
corrected or removed. Every write is audited under the object type below."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from modules.common.audit import Actor, audit_record
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict, NotFound, ValidationFailed
from modules.common.errors import ErrorCode as CommonCode
from modules.common.models import Regulation

from ..domain.consumption import ConsumptionPolicy
from ..domain.regulation import PAYLOAD_FIELDS, audited, policy_from_payload, policy_payload
from ..errors import ErrorCode
from ..hooks import billed_months

POLICY_KIND = "reading.consumption"
# the audit trail's object type of a version (its id is the Regulation row's): the Regulation table
# is shared by every module's rules, the history of this page shows only these
AUDIT_TYPE = "reading.consumptionregulation"


def consumption_policy(on: dt.date) -> ConsumptionPolicy:
    """The tenant's consumption rules in force on `on` (the first day of a reference month): the
    latest version starting on or before it, the defaults (+70 %/−30 %, 6 months) before any."""
    row = Regulation.objects.filter(kind=POLICY_KIND, valid_from__lte=on).order_by("-valid_from").first()
    if row is None:
        return ConsumptionPolicy()
    return policy_from_payload(row.payload)


@dataclass(frozen=True)
class Version:
    """One version as pages, the API and the configuration document see it."""

    id: int
    valid_from: dt.date
    valid_until: dt.date | None  # the day before the next version starts
    act: str
    policy: ConsumptionPolicy
    billed: tuple[YearMonth, ...]  # months billed while it was in force: it can no longer change

    @property
    def locked(self) -> bool:
        return bool(self.billed)

    @property
    def billed_labels(self) -> str:
        """ "02/2026, 03/2026": the billed months as the page prints them."""
        return ", ".join(m.label for m in self.billed)

    def payload(self) -> dict[str, Any]:
        return policy_payload(self.policy)


def regulation_versions() -> list[Version]:
    """Every version, newest first, with the months billed under each."""
    rows = list(Regulation.objects.filter(kind=POLICY_KIND).order_by("valid_from"))
    billed = sorted({month for _, month in billed_months(rows[0].valid_from)}) if rows else []
    out: list[Version] = []
    for index, row in enumerate(rows):
        following = rows[index + 1].valid_from if index + 1 < len(rows) else None
        months = tuple(
            YearMonth.of(m) for m in billed if m >= row.valid_from and (following is None or m < following)
        )
        out.append(
            Version(
                id=row.pk,
                valid_from=row.valid_from,
                valid_until=following - dt.timedelta(days=1) if following else None,
                act=row.act,
                policy=policy_from_payload(row.payload),
                billed=months,
            )
        )
    return out[::-1]


def check_start(valid_from: dt.date, *, field: str = "valid_from") -> None:
    """A version starts on the first day of a reference month after every billed month: from an
    earlier one it would change the rule of bills already computed. Raises ValidationFailed/Conflict."""
    if valid_from.day != 1:
        raise ValidationFailed(
            "A vigência começa no primeiro dia de um mês de referência.", field=field, code=CommonCode.INVALID
        )
    billed = sorted({month for _, month in billed_months(valid_from)})
    if billed:
        last = YearMonth.of(billed[-1])
        raise Conflict(
            f"A referência {last.label} já foi faturada com a versão em vigor: a nova versão deve começar "
            f"em {last.next().label} ou depois.",
            field=field,
            code=ErrorCode.REGULATION_MONTH_BILLED,
        )


def version_add(
    *, actor: Actor, valid_from: dt.date, act: str, payload: dict[str, Any], reason: str = ""
) -> Regulation:
    """Add a version; runs inside the caller's transaction (the page's, the API's or the
    configuration import's). Raises ValidationFailed naming the field, Conflict on a billed month."""
    policy = policy_from_payload(payload)
    act = act.strip()
    if not act:
        raise ValidationFailed(
            "Informe o ato que aprovou a versão (decreto, resolução, portaria).",
            field="act",
            code=CommonCode.INVALID,
        )
    check_start(valid_from)
    if Regulation.objects.filter(kind=POLICY_KIND, valid_from=valid_from).exists():
        raise Conflict(
            f"Já há uma versão com vigência a partir de {YearMonth.of(valid_from).label}.",
            field="valid_from",
            code=CommonCode.DUPLICATE,
        )
    row: Regulation = Regulation.objects.create(
        kind=POLICY_KIND, valid_from=valid_from, act=act[:200], payload=policy_payload(policy)
    )
    audit_record(
        actor=actor,
        action="reading.consumption_regulation_create",
        object_type=AUDIT_TYPE,
        object_id=row.pk,
        after={"valid_from": valid_from, "act": row.act, **audited(row.payload)},
        reason=reason,
    )
    return row


def _unlocked(valid_from: dt.date, *, field: str) -> Version:
    version = next((v for v in regulation_versions() if v.valid_from == valid_from), None)
    if version is None:
        raise NotFound(
            f"Não há versão com vigência a partir de {valid_from:%d/%m/%Y}.",
            field=field,
            code=CommonCode.NOT_FOUND,
        )
    if version.locked:
        raise Conflict(
            f"A versão de {YearMonth.of(valid_from).label} vigorou na referência {version.billed[0].label}, "
            "já faturada: não pode ser alterada nem excluída; cadastre uma nova versão.",
            field=field,
            code=ErrorCode.REGULATION_MONTH_BILLED,
        )
    return version


def version_change(
    *, actor: Actor, valid_from: dt.date, act: str, payload: dict[str, Any], reason: str = ""
) -> Regulation:
    """Correct a version no billed month used; runs inside the caller's transaction."""
    _unlocked(valid_from, field="valid_from")
    policy = policy_from_payload(payload)
    row: Regulation = Regulation.objects.select_for_update().get(kind=POLICY_KIND, valid_from=valid_from)
    before = {"act": row.act, **audited(row.payload)}
    row.act, row.payload = act.strip()[:200] or row.act, policy_payload(policy)
    row.save(update_fields=["act", "payload"])
    audit_record(
        actor=actor,
        action="reading.consumption_regulation_change",
        object_type=AUDIT_TYPE,
        object_id=row.pk,
        before=before,
        after={"act": row.act, **audited(row.payload)},
        reason=reason,
    )
    return row


def version_remove(*, actor: Actor, valid_from: dt.date, reason: str = "") -> None:
    """Remove a version no billed month used (the previous one then runs on); inside the caller's
    transaction."""
    version = _unlocked(valid_from, field="valid_from")
    Regulation.objects.filter(kind=POLICY_KIND, valid_from=valid_from).delete()
    audit_record(
        actor=actor,
        action="reading.consumption_regulation_remove",
        object_type=AUDIT_TYPE,
        object_id=version.id,
        before={"valid_from": valid_from, "act": version.act, **audited(version.payload())},
        reason=reason,
    )


@transaction.atomic(durable=True)
def consumption_regulation_create(
    *, actor: Actor, valid_from: dt.date, act: str, reason: str = "", **params: Any
) -> Regulation:
    """A new version of the consumption regulation from the month of `valid_from` on; the parameters
    not given keep those of the version in force then."""
    unknown = sorted(set(params) - set(PAYLOAD_FIELDS))
    if unknown:
        raise ValidationFailed(
            f"Parâmetro desconhecido: {', '.join(unknown)}.", field=unknown[0], code=CommonCode.INVALID
        )
    base = policy_payload(consumption_policy(valid_from))
    given = {k: v for k, v in params.items() if v is not None}
    return version_add(actor=actor, valid_from=valid_from, act=act, payload=base | given, reason=reason)


@transaction.atomic(durable=True)
def consumption_regulation_remove(*, actor: Actor, valid_from: dt.date, reason: str = "") -> None:
    """Remove a version that no billed month used."""
    version_remove(actor=actor, valid_from=valid_from, reason=reason)
