"""Collection's section of the configuration document (key "collection", contract in
modules/common/configuration.py): collecting agents, index series with their monthly rates, and the
late-charge policy versions. Gateway accounts are not part of it: their keys are secrets and never
leave the utility (a new utility configures its own with `manage.py gateway_account`).

    {"agents": [{"code": "001", "name": "Banco do Brasil", "channel": "bank", "agreement": "110288",
                 "contract": "", "contract_start": null, "contract_end": null, "fee": "1.20",
                 "credit_days": 2, "active": true}, …],
     "index_series": [{"code": "SELIC", "name": "…", "provisional_rate": "0.010000", "sgs_code": 4390,
                       "rates": [{"month": "2026-10", "rate": "0.009300", "provisional": false}, …]}, …],
     "late_charge_policies": [{"effective_from": "2000-01-01", "resolution": "…", "fine_rate": "0.0200",
                               "interest_method": "monthly_series", "interest_rate": "0.010000",
                               "interest_on_fine": true, "interest_index": "SELIC",
                               "correction_index": null, "rounding": "truncate",
                               "accrues_from": null}, …]}

A month's rate is its rate in effect (the latest row, ADR 0130); the rows it corrected stay in the
utility they were recorded in. Apply keeps the rules of the pages: a rate or a policy version used by
a billed late charge is never changed or removed (plan refuses), an agent with payments or files is
never removed (deactivate it instead).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q

from modules.common.audit import Actor
from modules.common.configuration import Change
from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed

from . import agents, index_rates, late_charge_policies
from .errors import ErrorCode
from .models import CollectingAgent, IndexRate, IndexSeries, LateChargePolicyVersion

POLICY_KEYS = late_charge_policies.FIELDS


FOUR = Decimal("0.0001")
CENT = Decimal("0.01")
SIX = index_rates.SIX_PLACES


def _fail(path: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, field=f"collection.{path}", code=ErrorCode.INVALID)


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _export_agent(agent: CollectingAgent) -> dict[str, Any]:
    return {
        "code": agent.code,
        "name": agent.name,
        "channel": agent.kind,
        "agreement": agent.agreement_code,
        "contract": agent.contract_number,
        "contract_start": _date(agent.contract_start),
        "contract_end": _date(agent.contract_end),
        "fee": str(Decimal(agent.fee_per_payment).quantize(Decimal("0.01"))),
        "credit_days": agent.credit_days,
        "active": agent.active,
    }


def _export_series(series: IndexSeries) -> dict[str, Any]:
    rows = index_rates.current_rates(series)
    return {
        "code": series.code,
        "name": series.name,
        "provisional_rate": str(Decimal(series.provisional_rate).quantize(index_rates.SIX_PLACES)),
        "sgs_code": series.sgs_code,
        "rates": [
            {
                "month": str(month),
                "rate": str(Decimal(row.rate).quantize(index_rates.SIX_PLACES)),
                "provisional": row.provisional,
            }
            for month, row in sorted(rows.items(), key=lambda item: (item[0].year, item[0].month))
        ],
    }


def _export_policy(version: LateChargePolicyVersion) -> dict[str, Any]:
    return {
        "effective_from": version.effective_from.isoformat(),
        "resolution": version.resolution,
        "fine_rate": str(Decimal(version.fine_rate).quantize(Decimal("0.0001"))),
        "interest_method": version.interest_method,
        "interest_rate": str(Decimal(version.interest_rate).quantize(index_rates.SIX_PLACES)),
        "interest_on_fine": version.interest_on_fine,
        "interest_index": version.interest_index.code if version.interest_index else None,
        "correction_index": version.correction_index.code if version.correction_index else None,
        "rounding": version.rounding,
        "accrues_from": _date(version.accrues_from),
    }


# --- reading the document: every value checked, with its path -------------------------------------


def _list(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise _fail(key, "Esperada uma lista de objetos.")
    return value


def _text(item: dict[str, Any], key: str, path: str, *, limit: int, required: bool = False) -> str:
    value = item.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        raise _fail(f"{path}.{key}", f"Informe um texto de até {limit} caracteres.")
    return value.strip()


def _decimal(item: dict[str, Any], key: str, path: str, *, places: int, low: str, high: str) -> Decimal:
    raw = item.get(key)
    try:
        value = Decimal(raw) if isinstance(raw, str) else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not Decimal(low) <= value <= Decimal(high):
        raise _fail(f"{path}.{key}", f'Informe um decimal em texto entre {low} e {high} (ex.: "0.01").')
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise _fail(f"{path}.{key}", f"No máximo {places} casas decimais.")
    return value


def _iso(item: dict[str, Any], key: str, path: str, *, required: bool = False) -> dt.date | None:
    raw = item.get(key)
    if raw is None and not required:
        return None
    try:
        return dt.date.fromisoformat(raw) if isinstance(raw, str) else _raise()
    except (ValueError, TypeError):
        raise _fail(f"{path}.{key}", "Informe a data no formato AAAA-MM-DD.") from None


def _raise() -> dt.date:
    raise ValueError


def _bool(item: dict[str, Any], key: str, path: str, default: bool) -> bool:
    value = item.get(key, default)
    if not isinstance(value, bool):
        raise _fail(f"{path}.{key}", "Informe true ou false.")
    return value


def _read_agents(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    agreements: dict[str, str] = {}
    for n, item in enumerate(_list(data, "agents")):
        path = f"agents[{n}]"
        code = _text(item, "code", path, limit=10, required=True).upper()
        if code in result:
            raise _fail(f"{path}.code", f"O agente {code} aparece duas vezes.")
        channel = item.get("channel", CollectingAgent.Kind.BANK)
        if channel not in CollectingAgent.Kind.values:
            raise _fail(
                f"{path}.channel",
                f"Canal «{channel}» desconhecido ({', '.join(CollectingAgent.Kind.values)}).",
            )
        agreement = _text(item, "agreement", path, limit=20)
        if agreement and agreement in agreements:
            raise _fail(
                f"{path}.agreement", f"O convênio {agreement} já é do agente {agreements[agreement]}."
            )
        if agreement:
            agreements[agreement] = code
        days = item.get("credit_days", 1)
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 365:
            raise _fail(f"{path}.credit_days", "Dias para crédito: um inteiro de 0 a 365.")
        result[code] = {
            "name": _text(item, "name", path, limit=120, required=True),
            "kind": channel,
            "agreement_code": agreement,
            "contract_number": _text(item, "contract", path, limit=40),
            "contract_start": _iso(item, "contract_start", path),
            "contract_end": _iso(item, "contract_end", path),
            "fee_per_payment": _decimal(item, "fee", path, places=2, low="0", high="999999.99").quantize(
                CENT
            ),
            "credit_days": days,
            "active": _bool(item, "active", path, True),
            "_path": path,
        }
    return result


def _read_series(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    for n, item in enumerate(_list(data, "index_series")):
        path = f"index_series[{n}]"
        code = _text(item, "code", path, limit=10, required=True).upper()
        if code in result:
            raise _fail(f"{path}.code", f"O índice {code} aparece duas vezes.")
        sgs = item.get("sgs_code")
        if sgs is not None and (not isinstance(sgs, int) or isinstance(sgs, bool) or sgs <= 0):
            raise _fail(f"{path}.sgs_code", "Código SGS: um inteiro positivo ou null.")
        rates: dict[YearMonth, tuple[Decimal, bool, str]] = {}
        raw_rates = item.get("rates", [])
        if not isinstance(raw_rates, list):
            raise _fail(f"{path}.rates", "Esperada uma lista de taxas.")
        for m, rate in enumerate(raw_rates):
            rpath = f"{path}.rates[{m}]"
            if not isinstance(rate, dict):
                raise _fail(rpath, "Esperado um objeto {month, rate, provisional}.")
            try:
                raw_month = rate.get("month")
                month = YearMonth.parse(raw_month if isinstance(raw_month, str) else "")
            except ValueError:
                raise _fail(f"{rpath}.month", "Informe o mês no formato AAAA-MM.") from None
            if month in rates:
                raise _fail(f"{rpath}.month", f"O mês {month.label} aparece duas vezes.")
            value = _decimal(rate, "rate", rpath, places=6, low="-0.999999", high="0.999999").quantize(SIX)
            rates[month] = (value, _bool(rate, "provisional", rpath, False), rpath)
        result[code] = {
            "name": _text(item, "name", path, limit=80, required=True),
            "provisional_rate": _decimal(
                item, "provisional_rate", path, places=6, low="-0.999999", high="0.999999"
            ).quantize(SIX),
            "sgs_code": sgs,
            "rates": rates,
            "_path": path,
        }
    return result


def _read_policies(data: dict[str, Any], series_codes: set[str]) -> dict[dt.date, dict[str, Any]]:
    result: dict[dt.date, dict[str, Any]] = {}
    for n, item in enumerate(_list(data, "late_charge_policies")):
        path = f"late_charge_policies[{n}]"
        start = _iso(item, "effective_from", path, required=True)
        assert start is not None
        if start in result:
            raise _fail(f"{path}.effective_from", f"Duas versões com início em {start:%d/%m/%Y}.")
        method = item.get("interest_method")
        if method not in LateChargePolicyVersion.Method.values:
            raise _fail(f"{path}.interest_method", f"Método «{method}» desconhecido.")
        rounding = item.get("rounding")
        if rounding not in late_charge_policies.ROUNDINGS:
            raise _fail(f"{path}.rounding", "Arredondamento: truncate ou half_up.")
        indexes = {}
        for key in ("interest_index", "correction_index"):
            code = item.get(key)
            if code is not None and (not isinstance(code, str) or code.upper() not in series_codes):
                raise _fail(f"{path}.{key}", f"Índice «{code}» não está em collection.index_series.")
            indexes[key] = code.upper() if isinstance(code, str) else None
        if method == LateChargePolicyVersion.Method.MONTHLY_SERIES and indexes["interest_index"] is None:
            raise _fail(f"{path}.interest_index", "Juros mensais por série: informe a série (ex.: SELIC).")
        result[start] = {
            "effective_from": start,
            "resolution": _text(item, "resolution", path, limit=200),
            "fine_rate": _decimal(item, "fine_rate", path, places=4, low="0", high="0.9999").quantize(FOUR),
            "interest_method": method,
            "interest_rate": _decimal(
                item, "interest_rate", path, places=6, low="0", high="0.999999"
            ).quantize(index_rates.SIX_PLACES),
            "interest_on_fine": _bool(item, "interest_on_fine", path, True),
            "rounding": rounding,
            "accrues_from": _iso(item, "accrues_from", path),
            **indexes,
            "_path": path,
        }
    return result


class CollectionSection:
    key = "collection"
    title = "Arrecadação: agentes, índices e política de acréscimos"

    def export(self) -> dict[str, Any]:
        return {
            "agents": [_export_agent(a) for a in CollectingAgent.objects.order_by("code")],
            "index_series": [_export_series(s) for s in IndexSeries.objects.order_by("code")],
            "late_charge_policies": [
                _export_policy(v)
                for v in LateChargePolicyVersion.objects.select_related(
                    "interest_index", "correction_index"
                ).order_by("effective_from")
            ],
        }

    def _read(self, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[dt.date, Any]]:
        if not isinstance(data, dict):
            raise ValidationFailed("Esperado um objeto.", field="collection", code=ErrorCode.INVALID)
        unknown = sorted(set(data) - {"agents", "index_series", "late_charge_policies"})
        if unknown:
            raise _fail(unknown[0], "Chave desconhecida nesta seção.")
        agents_in = _read_agents(data)
        series_in = _read_series(data)
        policies_in = _read_policies(data, set(series_in))
        return agents_in, series_in, policies_in

    def plan(self, data: dict[str, Any]) -> list[Change]:
        agents_in, series_in, policies_in = self._read(data)
        current = self.export()
        changes: list[Change] = []
        changes += self._plan_agents(agents_in, current["agents"])
        changes += self._plan_series(series_in, current["index_series"], policies_in)
        changes += self._plan_policies(policies_in, current["late_charge_policies"])
        return changes

    # -- agents
    def _plan_agents(self, wanted: dict[str, Any], current: list[dict[str, Any]]) -> list[Change]:
        changes = []
        have = {a["code"]: a for a in current}
        for code, fields in wanted.items():
            after = _export_agent(_agent_from(code, fields))
            before = have.get(code)
            if before != after:
                changes.append(Change(f"collection.agents.{code}", before, after))
        for code, before in have.items():
            if code in wanted:
                continue
            agent = CollectingAgent.objects.get(code=code)
            if agent.payments.exists() or agent.return_files.exists():
                raise _fail(
                    "agents",
                    f"O agente {code} – {agent.name} tem pagamentos ou arquivos retorno e não pode ser "
                    "removido; "
                    'inclua-o no documento (com "active": false, se for o caso).',
                )
            changes.append(Change(f"collection.agents.{code}", before, None))
        return changes

    # -- series and rates
    def _plan_series(
        self, wanted: dict[str, Any], current: list[dict[str, Any]], policies_wanted: dict[dt.date, Any]
    ) -> list[Change]:
        changes = []
        have = {s["code"]: s for s in current}
        for code, fields in wanted.items():
            before = have.get(code)
            head_after = {
                "name": fields["name"],
                "provisional_rate": str(fields["provisional_rate"]),
                "sgs_code": fields["sgs_code"],
            }
            head_before = {k: before[k] for k in head_after} if before else None
            if head_before != head_after:
                changes.append(Change(f"collection.index_series.{code}", head_before, head_after))
            series = IndexSeries.objects.filter(code=code).first()
            used = index_rates.months_in_use(series) if series else set()
            rows_before = {r["month"]: r for r in before["rates"]} if before else {}
            for month, (rate, provisional, rpath) in wanted[code]["rates"].items():
                after = {"month": str(month), "rate": str(rate), "provisional": provisional}
                was = rows_before.get(str(month))
                if was == after:
                    continue
                if was is not None and month in used:
                    raise _fail(
                        f"{rpath}.rate",
                        f"A taxa {code} de {month.label} já foi usada em acréscimos faturados e não muda por "
                        "importação; registre uma correção na página do índice.",
                    )
                changes.append(Change(f"collection.index_series.{code}.rates.{month}", was, after))
            for month_text, was in rows_before.items():
                if YearMonth.parse(month_text) in wanted[code]["rates"]:
                    continue
                if YearMonth.parse(month_text) in used:
                    raise _fail(
                        f"{fields['_path']}.rates",
                        f"A taxa {code} de {YearMonth.parse(month_text).label} já foi usada em acréscimos "
                        "faturados e não pode ser removida.",
                    )
                changes.append(Change(f"collection.index_series.{code}.rates.{month_text}", was, None))
        for code, before in have.items():
            if code in wanted:
                continue
            series = IndexSeries.objects.get(code=code)
            referenced = LateChargePolicyVersion.objects.filter(
                Q(interest_index=series) | Q(correction_index=series)
            ).exclude(effective_from__in=list(policies_wanted))
            named = any(
                code in (p["interest_index"], p["correction_index"]) for p in policies_wanted.values()
            )
            if referenced.exists() or named:
                raise _fail(
                    "index_series",
                    f"O índice {code} é usado por uma versão da política de acréscimos e não pode ser "
                    "removido.",
                )
            if index_rates.months_in_use(series):
                raise _fail("index_series", f"O índice {code} tem taxas usadas em acréscimos faturados.")
            changes.append(Change(f"collection.index_series.{code}", before, None))
        return changes

    # -- policy versions
    def _plan_policies(self, wanted: dict[dt.date, Any], current: list[dict[str, Any]]) -> list[Change]:
        changes = []
        have = {p["effective_from"]: p for p in current}
        billed = late_charge_policies.last_billed_payment()
        for start, fields in wanted.items():
            after = {k: _plain(fields[k]) for k in POLICY_KEYS}
            before = have.get(start.isoformat())
            if before == after:
                continue
            version = LateChargePolicyVersion.objects.filter(effective_from=start).first()
            if version is not None and late_charge_policies.version_in_use(version):
                raise _fail(
                    f"{fields['_path']}",
                    f"A versão com início em {start:%d/%m/%Y} já calculou acréscimos faturados e não muda; "
                    "inclua uma nova versão com a data da mudança.",
                )
            if version is None and billed is not None and start <= billed:
                raise _fail(
                    f"{fields['_path']}.effective_from",
                    f"Há acréscimos faturados de pagamentos até {billed:%d/%m/%Y}: uma nova versão começa "
                    "depois.",
                )
            changes.append(Change(f"collection.late_charge_policies.{start.isoformat()}", before, after))
        for start_text, before in have.items():
            start = dt.date.fromisoformat(start_text)
            if start in wanted:
                continue
            version = LateChargePolicyVersion.objects.get(effective_from=start)
            if late_charge_policies.version_in_use(version):
                raise _fail(
                    "late_charge_policies",
                    f"A versão com início em {start:%d/%m/%Y} já calculou acréscimos faturados e não pode "
                    "ser removida.",
                )
            changes.append(Change(f"collection.late_charge_policies.{start_text}", before, None))
        return changes

    def apply(self, data: dict[str, Any], *, actor: Actor) -> None:
        """Inside the caller's transaction (not durable)."""
        self.plan(data)  # refuses what may not change, before anything is written
        agents_in, series_in, policies_in = self._read(data)
        self._apply_agents(agents_in, actor)
        self._apply_series(series_in, actor)
        self._apply_policies(policies_in, actor)
        self._remove_series(series_in, actor)

    def _apply_agents(self, wanted: dict[str, Any], actor: Actor) -> None:
        # free the convênios that move first, so an exchange between two agents never collides
        for agent in CollectingAgent.objects.exclude(agreement_code=""):
            target = wanted.get(agent.code)
            if target is None or target["agreement_code"] != agent.agreement_code:
                agents.agent_change(actor=actor, agent_id=agent.pk, agreement_code="")
        for code, fields in wanted.items():
            values = {k: v for k, v in fields.items() if not k.startswith("_")}
            existing = CollectingAgent.objects.filter(code=code).first()
            if existing is None:
                agents.agent_register(actor=actor, code=code, **values)
            else:
                agents.agent_change(actor=actor, agent_id=existing.pk, **values)
        for agent in CollectingAgent.objects.exclude(code__in=list(wanted)):
            agents.agent_remove(actor=actor, agent_id=agent.pk)

    def _apply_series(self, wanted: dict[str, Any], actor: Actor) -> None:
        for code, fields in wanted.items():
            series = IndexSeries.objects.filter(code=code).first()
            if series is None:
                series = index_rates.series_create(
                    actor=actor,
                    code=code,
                    name=fields["name"],
                    provisional_rate=fields["provisional_rate"],
                    sgs_code=fields["sgs_code"],
                )
            else:
                index_rates.series_change(
                    actor=actor,
                    series=series,
                    name=fields["name"],
                    provisional_rate=fields["provisional_rate"],
                    sgs_code=fields["sgs_code"],
                )
            used = index_rates.months_in_use(series)
            for month, (rate, provisional, _path) in fields["rates"].items():
                index_rates.rate_record(
                    actor=actor, series=series, month=month, rate=rate, provisional=provisional,
                    source=IndexRate.Source.SETTINGS, reason="documento de configuração", used=used,
                )  # fmt: skip
            months = [m.first_day() for m in fields["rates"]]
            for row in IndexRate.objects.filter(series=series).exclude(month__in=months):
                index_rates.rate_remove(actor=actor, row=row)

    def _apply_policies(self, wanted: dict[dt.date, Any], actor: Actor) -> None:
        for start, fields in sorted(wanted.items()):
            values = {k: fields[k] for k in POLICY_KEYS}
            version = LateChargePolicyVersion.objects.filter(effective_from=start).first()
            if version is None:
                late_charge_policies.policy_version_add(actor=actor, **values)
            else:
                late_charge_policies.policy_version_change(actor=actor, version_id=version.pk, **values)
        for version in LateChargePolicyVersion.objects.exclude(effective_from__in=list(wanted)):
            late_charge_policies.policy_version_remove(actor=actor, version_id=version.pk)

    def _remove_series(self, wanted: dict[str, Any], actor: Actor) -> None:
        for series in IndexSeries.objects.exclude(code__in=list(wanted)):
            index_rates.series_remove(actor=actor, series=series)


def _agent_from(code: str, fields: dict[str, Any]) -> CollectingAgent:
    return CollectingAgent(
        code=code, name=fields["name"], **{k: v for k, v in fields.items() if k not in ("name", "_path")}
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


SECTION = CollectionSection()
