"""Reading's section of the configuration document (modules/common/configuration.py):

    "reading": {
      "consumption_regulation": [{"valid_from": "2026-01-01", "act": "Decreto 1/2026",
                                  "average_months": 6, "average_rounding": "down", "deviation_months": 12,
                                  "high_percent": "70", "low_percent": "30", "check_min_average_m3": 0,
                                  "rollover_window_percent": "10"}, …],
      "schedule_settings": [{"group": 1, "nominal_day": 5, "margin_days": 2, …}, …],
      "municipal_holidays": [{"date": "2026-01-20", "name": "São Sebastião"}, …]
    }

Natural keys: a version's start, a group's code, a holiday's date. A version in force on a billed
month is never changed nor removed, and no version starts on or before a billed month: plan refuses.
A group named in `schedule_settings` may be one the registry section of the same document creates,
so plan accepts an unknown code and apply (after the registry's) refuses it if it still does not
exist; the aggregator's transaction then leaves nothing half-applied.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from modules.common.audit import Actor
from modules.common.configuration import Change
from modules.common.errors import DomainError, ValidationFailed
from modules.common.errors import ErrorCode as CommonCode
from modules.registry.models import BillingGroup

from .domain.regulation import policy_from_payload, policy_payload
from .errors import ErrorCode
from .models import Holiday, ScheduleSettings
from .services import holiday_add, holiday_delete, holiday_rename
from .services import regulation as regulation_services
from .services import schedule as schedule_services

KEY = "reading"
LISTS = ("consumption_regulation", "schedule_settings", "municipal_holidays")


@dataclass(frozen=True)
class _Parsed:
    versions: dict[dt.date, dict[str, Any]]  # valid_from → {"act": …, **payload}
    settings: dict[int, dict[str, int]]  # group code → fields
    holidays: dict[dt.date, str]


def _fail(message: str, path: str) -> ValidationFailed:
    return ValidationFailed(message, field=path, code=CommonCode.INVALID)


def _repeated(message: str, path: str) -> ValidationFailed:
    return ValidationFailed(message, field=path, code=CommonCode.DUPLICATE)


def _date(raw: Any, path: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise _fail(f"Data inválida: {raw!r} (use AAAA-MM-DD).", path) from None


def _items(data: dict[str, Any], name: str) -> list[tuple[str, dict[str, Any]]]:
    raw = data.get(name, [])
    path = f"{KEY}.{name}"
    if not isinstance(raw, list):
        raise _fail("Deve ser uma lista.", path)
    out = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise _fail("Cada item deve ser um objeto.", f"{path}[{index}]")
        out.append((f"{path}[{index}]", item))
    return out


def _parse(data: Any) -> _Parsed:
    """The section checked item by item; raises ValidationFailed whose field is the document path."""
    if not isinstance(data, dict):
        raise _fail("A seção de leitura deve ser um objeto.", KEY)
    unknown = sorted(set(data) - set(LISTS))
    if unknown:
        raise _fail(f"Chave desconhecida: {unknown[0]}.", f"{KEY}.{unknown[0]}")
    versions: dict[dt.date, dict[str, Any]] = {}
    for path, item in _items(data, "consumption_regulation"):
        body = dict(item)
        valid_from = _date(body.pop("valid_from", None), f"{path}.valid_from")
        if valid_from.day != 1:
            raise _fail("A vigência começa no primeiro dia de um mês de referência.", f"{path}.valid_from")
        act = str(body.pop("act", "") or "").strip()
        if not act:
            raise _fail("Informe o ato que aprovou a versão.", f"{path}.act")
        if valid_from in versions:
            raise _repeated(f"Vigência repetida: {valid_from.isoformat()}.", f"{path}.valid_from")
        policy = policy_from_payload(body, path=f"{path}.")
        versions[valid_from] = {"act": act[:200], **policy_payload(policy)}
    settings: dict[int, dict[str, int]] = {}
    for path, item in _items(data, "schedule_settings"):
        body = dict(item)
        code = body.pop("group", None)
        if isinstance(code, bool) or not isinstance(code, int):
            raise _fail("Informe o código (número) do grupo de faturamento.", f"{path}.group")
        missing = [n for n in schedule_services.SETTINGS_FIELDS if n not in body]
        if missing:
            raise _fail("Campo obrigatório.", f"{path}.{missing[0]}")
        schedule_services.check_settings(body, path=f"{path}.")
        if code in settings:
            raise _repeated(f"Grupo repetido: {code}.", f"{path}.group")
        settings[code] = body
    holidays: dict[dt.date, str] = {}
    for path, item in _items(data, "municipal_holidays"):
        day = _date(item.get("date"), f"{path}.date")
        name = str(item.get("name", "") or "").strip()
        if not name:
            raise _fail("Informe o nome do feriado.", f"{path}.name")
        if day in holidays:
            raise _repeated(f"Feriado repetido: {day.isoformat()}.", f"{path}.date")
        holidays[day] = name[:120]
    return _Parsed(versions, settings, holidays)


def _current_versions() -> dict[dt.date, regulation_services.Version]:
    return {v.valid_from: v for v in regulation_services.regulation_versions()}


def _current_settings() -> dict[int, dict[str, int]]:
    rows = ScheduleSettings.objects.select_related("group").order_by("group__code")
    return {r.group.code: {n: getattr(r, n) for n in schedule_services.SETTINGS_FIELDS} for r in rows}


def _version_doc(valid_from: dt.date, body: dict[str, Any]) -> dict[str, Any]:
    return {"valid_from": valid_from.isoformat(), **body}


class ReadingSection:
    key = KEY
    title = "Leitura: regulamento de consumo, cronograma e feriados municipais"

    def export(self) -> dict[str, Any]:
        versions = sorted(_current_versions().values(), key=lambda v: v.valid_from)
        return {
            "consumption_regulation": [
                _version_doc(v.valid_from, {"act": v.act, **v.payload()}) for v in versions
            ],
            "schedule_settings": [{"group": code, **f} for code, f in sorted(_current_settings().items())],
            "municipal_holidays": [
                {"date": h.date.isoformat(), "name": h.name} for h in Holiday.objects.order_by("date")
            ],
        }

    def plan(self, data: dict[str, Any]) -> list[Change]:
        parsed = _parse(data)
        changes: list[Change] = []
        current = _current_versions()
        path = f"{KEY}.consumption_regulation"
        order = {d: i for i, d in enumerate(parsed.versions)}
        for valid_from in sorted(set(current) | set(parsed.versions)):
            have, want = current.get(valid_from), parsed.versions.get(valid_from)
            before = _version_doc(valid_from, {"act": have.act, **have.payload()}) if have else None
            after = _version_doc(valid_from, want) if want is not None else None
            if before == after:
                continue
            where = f"{path}[{order[valid_from]}].valid_from" if valid_from in order else path
            if have is not None and have.locked:
                raise ValidationFailed(
                    f"A versão de {valid_from:%m/%Y} vigorou na referência faturada {have.billed[0].label}: "
                    "não pode ser alterada nem excluída; acrescente uma versão nova.",
                    field=where,
                    code=ErrorCode.REGULATION_MONTH_BILLED,
                )
            if have is None:
                try:
                    regulation_services.check_start(valid_from)
                except DomainError as exc:
                    raise ValidationFailed(exc.message, field=where, code=exc.code) from None
            changes.append(Change(f"{path}[{valid_from.isoformat()}]", before, after))
        settings = _current_settings()
        for code in sorted(set(settings) | set(parsed.settings)):
            have_s, want_s = settings.get(code), parsed.settings.get(code)
            if have_s != want_s:
                changes.append(
                    Change(
                        f"{KEY}.schedule_settings[{code}]",
                        {"group": code, **have_s} if have_s else None,
                        {"group": code, **want_s} if want_s else None,
                    )
                )
        holidays = dict(Holiday.objects.values_list("date", "name"))
        for day in sorted(set(holidays) | set(parsed.holidays)):
            have_h, want_h = holidays.get(day), parsed.holidays.get(day)
            if have_h != want_h:
                changes.append(
                    Change(
                        f"{KEY}.municipal_holidays[{day.isoformat()}]",
                        {"date": day.isoformat(), "name": have_h} if have_h else None,
                        {"date": day.isoformat(), "name": want_h} if want_h else None,
                    )
                )
        return changes

    def apply(self, data: dict[str, Any], *, actor: Actor) -> None:
        """Inside the caller's transaction (not durable)."""
        self.plan(data)  # refuses what may not change, before anything is written
        parsed = _parse(data)
        current = _current_versions()
        for valid_from in current:
            if valid_from not in parsed.versions:
                regulation_services.version_remove(actor=actor, valid_from=valid_from, reason="importação")
        for valid_from, body in sorted(parsed.versions.items()):
            payload = {k: v for k, v in body.items() if k != "act"}
            have = current.get(valid_from)
            if have is None:
                regulation_services.version_add(
                    actor=actor, valid_from=valid_from, act=body["act"], payload=payload, reason="importação"
                )
            elif {"act": have.act, **have.payload()} != body:
                regulation_services.version_change(
                    actor=actor, valid_from=valid_from, act=body["act"], payload=payload, reason="importação"
                )
        self._apply_settings(parsed, actor)
        holidays = dict(Holiday.objects.values_list("date", "name"))
        for day in sorted(set(holidays) - set(parsed.holidays)):
            holiday_delete(actor=actor, day=day, reason="importação")
        for day, name in sorted(parsed.holidays.items()):
            if day not in holidays:
                holiday_add(actor=actor, day=day, name=name)
            elif holidays[day] != name:
                holiday_rename(actor=actor, day=day, name=name)

    def _apply_settings(self, parsed: _Parsed, actor: Actor) -> None:
        current = _current_settings()
        groups = {g.code: g for g in BillingGroup.objects.all()}
        for code in sorted(set(current) - set(parsed.settings)):
            schedule_services.settings_reset(actor=actor, group=groups[code])
        for index, (code, fields) in enumerate(parsed.settings.items()):
            group = groups.get(code)
            if group is None:
                raise _fail(
                    f"Grupo de faturamento {code} não cadastrado.", f"{KEY}.schedule_settings[{index}].group"
                )
            if current.get(code) != fields:
                schedule_services.settings_write(actor=actor, group=group, reason="importação", **fields)


SECTION = ReadingSection()
