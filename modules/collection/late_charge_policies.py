"""Late-charge policy versions (ADR 0130): the utility's rule (fine, interest method and rate, the
series, rounding) from a start date on. A change is a new version with its start date; a version is
never edited in place once a billed late charge was computed under it, and a new version may not start
on or before the payment date of a billed late charge (that would change, after the fact, the rule
that charge was billed under). A version not used yet may still be corrected or removed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Max, QuerySet

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.errors import NotFound, ValidationFailed
from modules.common.typed import transaction

from .errors import ErrorCode
from .index_rates import billed_late_charge_settlements
from .models import IndexSeries, LateChargePolicyVersion

FIELDS = (
    "effective_from",
    "resolution",
    "fine_rate",
    "interest_method",
    "interest_rate",
    "interest_on_fine",
    "interest_index",
    "correction_index",
    "rounding",
    "accrues_from",
)
ROUNDINGS = ("truncate", "half_up")


def policy_version_list() -> QuerySet[LateChargePolicyVersion]:
    return LateChargePolicyVersion.objects.select_related("interest_index", "correction_index").order_by(
        "-effective_from"
    )


def last_billed_payment() -> dt.date | None:
    """The latest payment date whose late charges are on a bill (not cancelled)."""
    day: dt.date | None = billed_late_charge_settlements().aggregate(last=Max("paid_on"))["last"]
    return day


def version_in_use(version: LateChargePolicyVersion) -> bool:
    """Whether a billed late charge was computed under this version (paid while it was in force)."""
    following = (
        LateChargePolicyVersion.objects.filter(effective_from__gt=version.effective_from)
        .order_by("effective_from")
        .values_list("effective_from", flat=True)
        .first()
    )
    qs = billed_late_charge_settlements().filter(paid_on__gte=version.effective_from)
    if following is not None:
        qs = qs.filter(paid_on__lt=following)
    return bool(qs.exists())


def _series(code: Any, field: str) -> IndexSeries | None:
    if code in (None, ""):
        return None
    if isinstance(code, IndexSeries):
        return code
    series: IndexSeries | None = IndexSeries.objects.filter(code=str(code).strip().upper()).first()
    if series is None:
        raise ValidationFailed(
            f"Índice «{code}» não cadastrado.", field=field, code=ErrorCode.INDEX_NOT_FOUND
        )
    return series


def _rate(value: Any, field: str, label: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite() or not Decimal("0") <= value < Decimal("1"):
        raise ValidationFailed(
            f'{label}: um decimal entre 0 e 1 (fração: 2 % é "0.02").', field=field, code=ErrorCode.INVALID
        )
    return value


def _fill(version: LateChargePolicyVersion, data: dict[str, Any]) -> None:
    """Validated assignment; raises ValidationFailed naming the field."""
    if "effective_from" in data:
        if not isinstance(data["effective_from"], dt.date):
            raise ValidationFailed(
                "Informe a data de início da vigência (AAAA-MM-DD).",
                field="effective_from",
                code=ErrorCode.INVALID,
            )
        version.effective_from = data["effective_from"]
    if "resolution" in data:
        text = str(data["resolution"] or "").strip()
        if len(text) > 200:
            raise ValidationFailed(
                "O ato normativo tem até 200 caracteres.", field="resolution", code=ErrorCode.INVALID
            )
        version.resolution = text
    if "fine_rate" in data:
        version.fine_rate = _rate(data["fine_rate"], "fine_rate", "Multa")
        if version.fine_rate != version.fine_rate.quantize(Decimal("0.0001")):
            raise ValidationFailed("Multa: até 4 casas decimais.", field="fine_rate", code=ErrorCode.INVALID)
    if "interest_rate" in data:
        version.interest_rate = _rate(data["interest_rate"], "interest_rate", "Taxa de juros")
        if version.interest_rate != version.interest_rate.quantize(Decimal("0.000001")):
            raise ValidationFailed(
                "Taxa de juros: até 6 casas decimais.", field="interest_rate", code=ErrorCode.INVALID
            )
    if "interest_method" in data:
        if data["interest_method"] not in LateChargePolicyVersion.Method.values:
            choices = ", ".join(f"{v} ({label})" for v, label in LateChargePolicyVersion.Method.choices)
            raise ValidationFailed(
                f"Método de juros desconhecido; use um de: {choices}.",
                field="interest_method",
                code=ErrorCode.INVALID,
            )
        version.interest_method = data["interest_method"]
    if "interest_on_fine" in data:
        version.interest_on_fine = bool(data["interest_on_fine"])
    if "rounding" in data:
        if data["rounding"] not in ROUNDINGS:
            raise ValidationFailed(
                "Arredondamento: truncate (truncar) ou half_up (arredondar).",
                field="rounding",
                code=ErrorCode.INVALID,
            )
        version.rounding = data["rounding"]
    if "accrues_from" in data:
        if data["accrues_from"] is not None and not isinstance(data["accrues_from"], dt.date):
            raise ValidationFailed(
                "Juros a partir de: uma data (AAAA-MM-DD).", field="accrues_from", code=ErrorCode.INVALID
            )
        version.accrues_from = data["accrues_from"]
    if "interest_index" in data:
        version.interest_index = _series(data["interest_index"], "interest_index")
    if "correction_index" in data:
        version.correction_index = _series(data["correction_index"], "correction_index")
    if (
        version.interest_method == LateChargePolicyVersion.Method.MONTHLY_SERIES
        and version.interest_index is None
    ):
        raise ValidationFailed(
            "Juros mensais por série: informe a série (ex.: SELIC); os meses sem taxa cadastrada usam a "
            "taxa provisória da série.",
            field="interest_index",
            code=ErrorCode.INVALID,
        )


def policy_version_add(*, actor: Actor, **data: Any) -> LateChargePolicyVersion:
    """A new version; inside the caller's transaction. Fields not given take the version in force
    on the start date (or the model's defaults)."""
    unknown = set(data) - set(FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationFailed(f"Campo desconhecido: {name}.", field=name, code=ErrorCode.INVALID)
    start = data.get("effective_from")
    if not isinstance(start, dt.date):
        raise ValidationFailed(
            "Informe a data de início da vigência (AAAA-MM-DD).",
            field="effective_from",
            code=ErrorCode.INVALID,
        )
    if LateChargePolicyVersion.objects.filter(effective_from=start).exists():
        raise ValidationFailed(
            f"Já há uma versão com início em {start:%d/%m/%Y}; escolha outra data.",
            field="effective_from",
            code=ErrorCode.POLICY_IN_FORCE,
        )
    billed = last_billed_payment()
    if billed is not None and start <= billed:
        raise ValidationFailed(
            f"Há acréscimos faturados de pagamentos até {billed:%d/%m/%Y} calculados pela versão em vigor; "
            "uma nova versão começa depois dessa data "
            f"(a partir de {billed + dt.timedelta(days=1):%d/%m/%Y}).",
            field="effective_from",
            code=ErrorCode.POLICY_IN_FORCE,
        )
    base = (
        LateChargePolicyVersion.objects.filter(effective_from__lte=start).order_by("-effective_from").first()
    )
    version = LateChargePolicyVersion()
    if base is not None:
        for name in FIELDS:
            setattr(version, name, getattr(base, name))
        version.resolution = ""
    _fill(version, data)
    version.created_by = actor.get_username()
    version.save()
    audit_record(
        actor=actor, action="collection.late_charge_policy_add", target=version, after=_state(version)
    )
    return version


def policy_version_change(*, actor: Actor, version_id: int, **data: Any) -> LateChargePolicyVersion:
    """A version nothing billed used yet, corrected in place; inside the caller's transaction."""
    version: LateChargePolicyVersion | None = (
        LateChargePolicyVersion.objects.select_for_update().filter(pk=version_id).first()
    )
    if version is None:
        raise NotFound("Versão da política de acréscimos não encontrada.", code=ErrorCode.POLICY_NOT_FOUND)
    if version_in_use(version):
        raise ValidationFailed(
            f"A versão com início em {version.effective_from:%d/%m/%Y} já calculou acréscimos faturados e "
            "não pode ser alterada; cadastre uma nova versão com a data de início da mudança.",
            field="effective_from",
            code=ErrorCode.POLICY_IN_FORCE,
        )
    before = _state(version)
    _fill(version, data)
    after = _state(version)
    if after != before:
        version.save()
        audit_record(
            actor=actor,
            action="collection.late_charge_policy_change",
            target=version,
            before=before,
            after=after,
        )
    return version


def policy_version_remove(*, actor: Actor, version_id: int) -> None:
    """A version nothing billed used, removed; inside the caller's transaction."""
    version: LateChargePolicyVersion | None = (
        LateChargePolicyVersion.objects.select_for_update().filter(pk=version_id).first()
    )
    if version is None:
        raise NotFound("Versão da política de acréscimos não encontrada.", code=ErrorCode.POLICY_NOT_FOUND)
    if version_in_use(version):
        raise ValidationFailed(
            f"A versão com início em {version.effective_from:%d/%m/%Y} já calculou acréscimos faturados e "
            "não pode ser removida.",
            field="effective_from",
            code=ErrorCode.POLICY_IN_FORCE,
        )
    audit_record(
        actor=actor, action="collection.late_charge_policy_remove", target=version, before=_state(version)
    )
    version.delete()


@transaction.atomic(durable=True)
def late_charge_policy_add(*, actor: Actor, **data: Any) -> LateChargePolicyVersion:
    return policy_version_add(actor=actor, **data)


def _state(version: LateChargePolicyVersion) -> dict[str, Any]:
    state = snapshot(version, [n for n in FIELDS if n not in ("interest_index", "correction_index")])
    state["interest_index"] = version.interest_index.code if version.interest_index else None
    state["correction_index"] = version.correction_index.code if version.correction_index else None
    return state
