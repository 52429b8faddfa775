"""Debt's section of the configuration document (common.configuration): the debt parameters (validity
of statements and certificates), the installment policy versions and the texts of debt's documents.

A version is known by its start date (a text by its document and start date). A version already in
force (started today or before) or that an agreement was signed under is never changed or removed
by an import: plan refuses it, and the utility adds a new version instead. Versions to come are
changed in place or removed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.clock import tenant_today
from modules.common.configuration import Change
from modules.common.errors import DomainError, ValidationFailed
from modules.common.models import DocumentTemplate

from .errors import ErrorCode
from .models import Agreement, DebtSettings, InstallmentPolicyVersion
from .selectors import policy_export
from .services import SETTINGS_FIELDS
from .settings_services import ALL_FIELDS, policy_values_check, template_check

KEY = "debt"
TEMPLATE_FIELDS = ("title", "body_html")


def _fail(message: str, path: str) -> ValidationFailed:
    return ValidationFailed(message, field=path, code=ErrorCode.INVALID)


def _date(raw: Any, path: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError as exc:
        raise _fail("Informe a data no formato AAAA-MM-DD.", path) from exc


def _list(data: dict[str, Any], name: str) -> list[dict[str, Any]]:
    rows = data.get(name, [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise _fail("Informe uma lista de objetos.", f"{KEY}.{name}")
    return rows


def _template_export(row: DocumentTemplate) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "valid_from": row.valid_from.isoformat(),
        "title": row.title,
        "body_html": row.body_html,
    }


class DebtSection:
    key = KEY
    title = "Cobrança: parâmetros, políticas de parcelamento e textos dos documentos"

    def export(self) -> dict[str, Any]:
        row = DebtSettings.current()
        return {
            "settings": {name: getattr(row, name) for name in SETTINGS_FIELDS},
            "installment_policies": [
                policy_export(v) for v in InstallmentPolicyVersion.objects.order_by("effective_from")
            ],
            "document_templates": [
                _template_export(t)
                for t in DocumentTemplate.objects.filter(kind__startswith="debt.").order_by(
                    "kind", "valid_from"
                )
            ],
        }

    # plan: every check, no write

    def plan(self, data: dict[str, Any]) -> list[Change]:
        if not isinstance(data, dict):
            raise _fail("A seção de cobrança deve ser um objeto.", KEY)
        today = tenant_today()
        return [
            *self._plan_settings(data),
            *self._plan_policies(data, today),
            *self._plan_templates(data, today),
        ]

    def _plan_settings(self, data: dict[str, Any]) -> list[Change]:
        wanted = data.get("settings", {})
        if not isinstance(wanted, dict):
            raise _fail("Informe um objeto.", f"{KEY}.settings")
        row = DebtSettings.current()
        changes = []
        for name, value in sorted(wanted.items()):
            path = f"{KEY}.settings.{name}"
            if name not in SETTINGS_FIELDS:
                raise _fail(f"Parâmetro desconhecido: {name}.", path)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 365:
                raise _fail("Informe um número de dias entre 1 e 365.", path)
            if getattr(row, name) != value:
                changes.append(Change(path, getattr(row, name), value))
        return changes

    def _policies_wanted(self, data: dict[str, Any]) -> dict[dt.date, dict[str, Any]]:
        wanted: dict[dt.date, dict[str, Any]] = {}
        for i, item in enumerate(_list(data, "installment_policies")):
            path = f"{KEY}.installment_policies[{i}]"
            start = _date(item.get("effective_from"), f"{path}.effective_from")
            if start in wanted:
                raise _fail(
                    f"Duas versões com a mesma vigência ({start:%d/%m/%Y}).", f"{path}.effective_from"
                )
            values = {k: v for k, v in item.items() if k != "effective_from"}
            try:
                policy_values_check(values)
            except DomainError as exc:
                raise ValidationFailed(exc.message, field=f"{path}.{exc.field}", code=exc.code) from exc
            wanted[start] = item
        return wanted

    def _plan_policies(self, data: dict[str, Any], today: dt.date) -> list[Change]:
        if "installment_policies" not in data:
            return []
        wanted = self._policies_wanted(data)
        used = set(Agreement.objects.values_list("policy__effective_from", flat=True).distinct())
        current = {v.effective_from: v for v in InstallmentPolicyVersion.objects.all()}
        changes = []
        for start in sorted(set(wanted) | set(current)):
            path = f"{KEY}.installment_policies[{start.isoformat()}]"
            before = policy_export(current[start]) if start in current else None
            after = self._normalized_policy(wanted[start]) if start in wanted else None
            if before == after:
                continue
            if before is not None and (start <= today or start in used):
                reason = "já está em vigência" if start <= today else "tem parcelamentos firmados"
                raise ValidationFailed(
                    f"A versão da política de {start:%d/%m/%Y} {reason} e não é alterada nem removida: "
                    "cadastre uma nova versão.",
                    field=path,
                    code=ErrorCode.POLICY_VERSION_IN_USE,
                )
            changes.append(Change(path, before, after))
        return changes

    @staticmethod
    def _normalized_policy(item: dict[str, Any]) -> dict[str, Any]:
        values = policy_values_check({k: v for k, v in item.items() if k != "effective_from"})
        return policy_export(
            InstallmentPolicyVersion(effective_from=_date(item["effective_from"], ""), **values)
        )

    def _templates_wanted(self, data: dict[str, Any]) -> dict[tuple[str, dt.date], dict[str, Any]]:
        wanted: dict[tuple[str, dt.date], dict[str, Any]] = {}
        for i, item in enumerate(_list(data, "document_templates")):
            path = f"{KEY}.document_templates[{i}]"
            start = _date(item.get("valid_from"), f"{path}.valid_from")
            kind, title, body = item.get("kind"), item.get("title"), item.get("body_html")
            if not all(isinstance(x, str) for x in (kind, title, body)):
                raise _fail("Informe kind, title e body_html como texto.", path)
            try:
                template_check(kind=str(kind), title=str(title), body_html=str(body))
            except DomainError as exc:
                raise ValidationFailed(exc.message, field=f"{path}.{exc.field}", code=exc.code) from exc
            if (str(kind), start) in wanted:
                raise _fail("Duas versões do mesmo texto com a mesma vigência.", f"{path}.valid_from")
            wanted[(str(kind), start)] = {
                "kind": kind,
                "valid_from": start.isoformat(),
                "title": title,
                "body_html": body,
            }
        return wanted

    def _plan_templates(self, data: dict[str, Any], today: dt.date) -> list[Change]:
        if "document_templates" not in data:
            return []
        wanted = self._templates_wanted(data)
        current = {
            (t.kind, t.valid_from): t for t in DocumentTemplate.objects.filter(kind__startswith="debt.")
        }
        changes = []
        for key in sorted(set(wanted) | set(current)):
            path = f"{KEY}.document_templates[{key[0]}@{key[1].isoformat()}]"
            before = _template_export(current[key]) if key in current else None
            after = wanted.get(key)
            if before == after:
                continue
            if before is not None and key[1] <= today:
                raise ValidationFailed(
                    f"O texto de {key[1]:%d/%m/%Y} já está em vigência e não é alterado nem removido: "
                    "cadastre uma nova versão.",
                    field=path,
                    code=ErrorCode.TEMPLATE_VERSION_IN_FORCE,
                )
            changes.append(Change(path, before, after))
        return changes

    # apply: inside the aggregator's transaction

    def apply(self, data: dict[str, Any], *, actor: Actor) -> None:
        self.plan(data)  # refuses before anything is written
        today = tenant_today()
        if data.get("settings"):
            self._apply_settings(data["settings"], actor)
        if "installment_policies" in data:
            self._apply_policies(self._policies_wanted(data), actor, today)
        if "document_templates" in data:
            self._apply_templates(self._templates_wanted(data), actor)

    @staticmethod
    def _apply_settings(wanted: dict[str, int], actor: Actor) -> None:
        DebtSettings.objects.get_or_create(pk=1)
        row = DebtSettings.objects.select_for_update().get(pk=1)
        before = snapshot(row)
        for name, value in wanted.items():
            setattr(row, name, value)
        if snapshot(row) != before:
            row.save()
            audit_record(
                actor=actor, action="debt.settings_update", target=row, before=before, after=snapshot(row)
            )

    def _apply_policies(self, wanted: dict[dt.date, dict[str, Any]], actor: Actor, today: dt.date) -> None:
        current = {v.effective_from: v for v in InstallmentPolicyVersion.objects.select_for_update()}
        for start, row in current.items():
            if start not in wanted:
                before = snapshot(row)
                row.delete()
                audit_record(
                    actor=actor,
                    action="debt.installment_policy_delete",
                    object_type="debt.installmentpolicyversion",
                    object_id=str(before["id"]),
                    before=before,
                )
        for start, item in sorted(wanted.items()):
            values = policy_values_check({k: v for k, v in item.items() if k != "effective_from"})
            existing = current.get(start)
            if existing is None:
                version = InstallmentPolicyVersion.objects.create(effective_from=start, **values)
                audit_record(
                    actor=actor,
                    action="debt.installment_policy_create",
                    target=version,
                    after=snapshot(version),
                )
            elif policy_export(existing) != self._normalized_policy(item):
                before = snapshot(existing)
                for name in ALL_FIELDS:
                    setattr(existing, name, values[name])
                existing.save()
                audit_record(
                    actor=actor,
                    action="debt.installment_policy_update",
                    target=existing,
                    before=before,
                    after=snapshot(existing),
                )

    @staticmethod
    def _apply_templates(wanted: dict[tuple[str, dt.date], dict[str, Any]], actor: Actor) -> None:
        fields = ["kind", "valid_from", "title", "body_html"]
        current = {
            (t.kind, t.valid_from): t
            for t in DocumentTemplate.objects.select_for_update().filter(kind__startswith="debt.")
        }
        for key, row in current.items():
            if key not in wanted:
                before, pk = snapshot(row, fields=fields), row.pk
                row.delete()
                audit_record(
                    actor=actor,
                    action="debt.document_template_delete",
                    object_type="common.documenttemplate",
                    object_id=str(pk),
                    before=before,
                )
        for key, item in sorted(wanted.items()):
            existing = current.get(key)
            if existing is None:
                created = DocumentTemplate.objects.create(
                    kind=key[0],
                    valid_from=key[1],
                    title=item["title"],
                    body_html=item["body_html"],
                    created_by=actor.get_username(),
                )
                audit_record(
                    actor=actor,
                    action="debt.document_template_create",
                    target=created,
                    after=snapshot(created, fields=fields),
                )
            elif _template_export(existing) != item:
                before = snapshot(existing, fields=fields)
                existing.title, existing.body_html = item["title"], item["body_html"]
                existing.save(update_fields=list(TEMPLATE_FIELDS))
                audit_record(
                    actor=actor,
                    action="debt.document_template_update",
                    target=existing,
                    before=before,
                    after=snapshot(existing, fields=fields),
                )


SECTION = DebtSection()
