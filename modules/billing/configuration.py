"""Billing's section of the configuration document (modules/common/configuration.py): the billing
settings, the tariff versions (approved and drafts; projections apart), the bill messages and the
monthly water-quality tables. Natural keys only: a tariff by its status, start and act, a message by
its content, a quality table by its month; categories and billing groups by their codes (the
registry's, which must exist in the utility importing the document)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.configuration import Change
from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed
from modules.registry.models import BillingGroup, Category, Subcategory

from .domain.tariffs import TariffInvalid
from .errors import ErrorCode
from .models import Bill, BillingSettings, BillStatus, BillText, Tariff, TariffStatus
from .services import tariffs as tariff_services
from .services import texts as text_services
from .services.settings import LIMITS, SETTINGS_FIELDS, TYPED_FIELDS, setting_doc, setting_from_doc

KEY = "billing"
MESSAGE_KEYS = ("title", "body", "valid_from", "valid_until", "billing_group", "category", "condition")


def _path(path: str) -> str:
    """A path inside the section as the document names it (`billing.tariffs[0].act`)."""
    return f"{KEY}.{path}"


def _fail(path: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, field=_path(path), code=ErrorCode.CONFIG_INVALID)


def _tariff_doc(tariff: Tariff) -> dict[str, Any]:
    data = tariff_services.version_to_json(tariff_services.tariff_version(tariff))
    return {"status": tariff.status, **data} if tariff.status != TariffStatus.PROJECTION else data


def _tariff_key(doc: dict[str, Any]) -> tuple[str, str, str]:
    return (str(doc.get("valid_from")), str(doc.get("status", TariffStatus.PROJECTION)), str(doc.get("act")))


def _message_doc(text: BillText) -> dict[str, Any]:
    return text_services.message_snapshot(text)


def _quality_doc(text: BillText) -> dict[str, Any]:
    return text_services.quality_snapshot(text)


class BillingSection:
    key = KEY
    title = "Faturamento: configuração, tarifas, mensagens e qualidade da água"

    def export(self) -> dict[str, Any]:
        row = BillingSettings.current()
        tariffs = Tariff.objects.all()
        acts = sorted(
            (_tariff_doc(t) for t in tariffs if t.status != TariffStatus.PROJECTION), key=_tariff_key
        )
        projections = sorted(
            (_tariff_doc(t) for t in tariffs if t.status == TariffStatus.PROJECTION),
            key=lambda d: (d["valid_from"], d["act"]),
        )
        texts = BillText.objects.select_related("billing_group", "category")
        messages = sorted(
            (_message_doc(t) for t in texts if t.kind == BillText.Kind.MESSAGE),
            key=lambda d: tuple(str(d[k]) for k in MESSAGE_KEYS),
        )
        quality = sorted(
            (_quality_doc(t) for t in texts if t.kind == BillText.Kind.WATER_QUALITY),
            key=lambda d: d["month"],
        )
        return {
            "settings": {name: setting_doc(name, getattr(row, name)) for name in SETTINGS_FIELDS},
            "tariffs": acts,
            "projections": projections,
            "messages": messages,
            "water_quality": quality,
        }

    # plan ------------------------------------------------------------------------------------

    def plan(self, data: dict[str, Any]) -> list[Change]:
        if not isinstance(data, dict):
            raise ValidationFailed(
                "A seção de faturamento deve ser um objeto.", field=KEY, code=ErrorCode.CONFIG_INVALID
            )
        unknown = sorted(set(data) - {"settings", "tariffs", "projections", "messages", "water_quality"})
        if unknown:
            raise _fail(unknown[0], f"Chave desconhecida na seção de faturamento: {unknown[0]}.")
        current = self.export()
        changes: list[Change] = []
        changes += self._plan_settings(data.get("settings", current["settings"]), current["settings"])
        changes += self._plan_tariffs(data.get("tariffs", current["tariffs"]), current["tariffs"])
        changes += self._plan_projections(
            data.get("projections", current["projections"]), current["projections"]
        )
        changes += self._plan_messages(data.get("messages", current["messages"]), current["messages"])
        changes += self._plan_quality(
            data.get("water_quality", current["water_quality"]), current["water_quality"]
        )
        return changes

    def _plan_settings(self, wanted: Any, current: dict[str, Any]) -> list[Change]:
        if not isinstance(wanted, dict):
            raise _fail("settings", "A configuração do faturamento deve ser um objeto.")
        changes = []
        for name, value in wanted.items():
            if name in TYPED_FIELDS:
                try:
                    setting_from_doc(name, value)
                except ValidationFailed as exc:
                    raise ValidationFailed(
                        exc.message, field=_path(f"settings.{name}"), code=ErrorCode.SETTING_OUT_OF_RANGE
                    ) from None
                if current[name] != value:
                    changes.append(Change(f"{KEY}.settings.{name}", current[name], value))
                continue
            if name not in LIMITS:
                raise _fail(f"settings.{name}", f"Configuração desconhecida: {name}.")
            low, high, message = LIMITS[name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValidationFailed(
                    message, field=_path(f"settings.{name}"), code=ErrorCode.SETTING_OUT_OF_RANGE
                )
            if current[name] != value:
                changes.append(Change(f"{KEY}.settings.{name}", current[name], value))
        return changes

    def _check_version(self, doc: Any, path: str) -> dict[str, Any]:
        """The version's canonical JSON; every problem refused with its path in the document."""
        if not isinstance(doc, dict):
            raise _fail(path, "Cada versão de tarifa deve ser um objeto.")
        body = {k: v for k, v in doc.items() if k != "status"}
        try:
            version = tariff_services.version_from_json(body)
        except TariffInvalid as exc:
            problem = exc.problems[0]
            raise ValidationFailed(
                problem.message,
                field=_path(f"{path}.{problem.path}" if problem.path else path),
                code=exc.code,
            ) from None
        known = set(Category.objects.values_list("code", flat=True)) | {
            f"{c}/{s}" for c, s in Subcategory.objects.values_list("category__code", "code")
        }
        for index, category in enumerate(version.categories):
            if category.code not in known:
                raise ValidationFailed(
                    f"A categoria {category.code} não existe no cadastro desta concessionária: cadastre-a "
                    "antes de importar a tarifa.",
                    field=_path(f"{path}.categories[{index}].code"),
                    code=ErrorCode.CONFIG_UNKNOWN_CATEGORY,
                )
        return tariff_services.version_to_json(version)

    def _plan_tariffs(self, wanted: Any, current: list[dict[str, Any]]) -> list[Change]:
        if not isinstance(wanted, list):
            raise _fail("tariffs", "Informe a lista de versões de tarifa.")
        docs = []
        for index, doc in enumerate(wanted):
            path = f"tariffs[{index}]"
            canonical = self._check_version(doc, path)
            status = doc.get("status", TariffStatus.DRAFT)
            if status not in (TariffStatus.APPROVED, TariffStatus.DRAFT):
                raise _fail(f"{path}.status", 'A situação de uma versão é "approved" ou "draft".')
            docs.append({"status": status, **canonical})
        approved_now = {d["valid_from"]: d for d in current if d["status"] == TariffStatus.APPROVED}
        approved_doc: dict[str, tuple[int, dict[str, Any]]] = {}
        for index, doc in enumerate(docs):
            if doc["status"] != TariffStatus.APPROVED:
                continue
            if doc["valid_from"] in approved_doc:
                raise ValidationFailed(
                    f"Duas versões aprovadas começam em {doc['valid_from']}.",
                    field=_path(f"tariffs[{index}].valid_from"),
                    code=ErrorCode.AMBIGUOUS_TARIFF,
                )
            approved_doc[doc["valid_from"]] = (index, doc)
            existing = approved_now.get(doc["valid_from"])
            if existing is not None and existing != doc:
                raise ValidationFailed(
                    f"A tarifa aprovada com início em {doc['valid_from']} é diferente nesta concessionária: "
                    "uma versão aprovada nunca é alterada; importe as mudanças como uma nova versão.",
                    field=_path(f"tariffs[{index}]"),
                    code=ErrorCode.CONFIG_APPROVED_TARIFF_CHANGED,
                )
            if existing is None:
                start = dt.date.fromisoformat(doc["valid_from"]).replace(day=1)
                if Bill.objects.filter(reference__gte=start).exclude(status=BillStatus.CANCELLED).exists():
                    raise ValidationFailed(
                        f"Já há faturas emitidas a partir de {start:%m/%Y} nesta concessionária: a tarifa "
                        "deve começar depois do último mês faturado.",
                        field=_path(f"tariffs[{index}].valid_from"),
                        code=ErrorCode.TARIFF_STARTS_IN_BILLED_MONTH,
                    )
        for start in sorted(set(approved_now) - set(approved_doc)):
            raise ValidationFailed(
                f"A tarifa aprovada com início em {start} falta no documento: uma versão aprovada nunca é "
                "removida.",
                field=_path("tariffs"),
                code=ErrorCode.CONFIG_APPROVED_TARIFF_CHANGED,
            )
        return _list_changes("tariffs", current, docs, _tariff_key)

    def _plan_projections(self, wanted: Any, current: list[dict[str, Any]]) -> list[Change]:
        if not isinstance(wanted, list):
            raise _fail("projections", "Informe a lista de projeções.")
        docs = [self._check_version(doc, f"projections[{i}]") for i, doc in enumerate(wanted)]
        return _list_changes("projections", current, docs, lambda d: (d["valid_from"], d["act"]))

    def _plan_messages(self, wanted: Any, current: list[dict[str, Any]]) -> list[Change]:
        if not isinstance(wanted, list):
            raise _fail("messages", "Informe a lista de mensagens.")
        for index, doc in enumerate(wanted):
            self._message_fields(doc, f"messages[{index}]")
        docs = [{k: doc.get(k) for k in MESSAGE_KEYS} | {"body": doc.get("body") or ""} for doc in wanted]
        docs = [d | {"condition": d["condition"] or ""} for d in docs]
        return _list_changes("messages", current, docs, lambda d: tuple(str(d[k]) for k in MESSAGE_KEYS))

    def _message_fields(self, doc: Any, path: str) -> dict[str, Any]:
        if not isinstance(doc, dict):
            raise _fail(path, "Cada mensagem deve ser um objeto.")
        if not str(doc.get("title") or "").strip():
            raise _fail(f"{path}.title", "Informe o título da mensagem.")
        months = {}
        for name in ("valid_from", "valid_until"):
            value = doc.get(name)
            if value is None and name == "valid_until":
                months[name] = None
                continue
            try:
                months[name] = YearMonth.parse(str(value))
            except ValueError:
                raise _fail(f"{path}.{name}", f"Mês inválido: {value!r} (AAAA-MM).") from None
        if (
            months["valid_until"] is not None
            and months["valid_until"].first_day() < months["valid_from"].first_day()
        ):
            raise _fail(f"{path}.valid_until", "A referência final é anterior à inicial.")
        group = None
        if doc.get("billing_group") is not None:
            group = BillingGroup.objects.filter(code=doc["billing_group"]).first()
            if group is None:
                raise _fail(
                    f"{path}.billing_group",
                    f"O grupo de faturamento {doc['billing_group']} não existe nesta concessionária.",
                )
        category = None
        if doc.get("category"):
            category = Category.objects.filter(code=doc["category"]).first()
            if category is None:
                raise ValidationFailed(
                    f"A categoria {doc['category']} não existe no cadastro desta concessionária.",
                    field=_path(f"{path}.category"),
                    code=ErrorCode.CONFIG_UNKNOWN_CATEGORY,
                )
        condition = doc.get("condition") or ""
        if condition not in BillText.Condition.values:
            raise _fail(f"{path}.condition", f"Condição desconhecida: {condition!r}.")
        return {
            "title": str(doc["title"]),
            "body": str(doc.get("body") or ""),
            "valid_from": months["valid_from"],
            "valid_until": months["valid_until"],
            "billing_group": group,
            "category": category,
            "condition": condition,
        }

    def _plan_quality(self, wanted: Any, current: list[dict[str, Any]]) -> list[Change]:
        if not isinstance(wanted, list):
            raise _fail("water_quality", "Informe a lista de tabelas de qualidade da água.")
        docs = []
        seen: set[str] = set()
        for index, doc in enumerate(wanted):
            path = f"water_quality[{index}]"
            if not isinstance(doc, dict):
                raise _fail(path, "Cada tabela deve ser um objeto.")
            try:
                month = YearMonth.parse(str(doc.get("month")))
            except ValueError:
                raise _fail(f"{path}.month", f"Mês inválido: {doc.get('month')!r} (AAAA-MM).") from None
            if str(month) in seen:
                raise _fail(f"{path}.month", f"Duas tabelas do mês {month}.")
            seen.add(str(month))
            rows = doc.get("rows")
            if not isinstance(rows, list) or not rows:
                raise _fail(f"{path}.rows", "Informe ao menos um parâmetro da tabela.")
            clean = []
            for ri, row in enumerate(rows):
                if not isinstance(row, dict) or not str(row.get("parameter") or "").strip():
                    raise _fail(f"{path}.rows[{ri}].parameter", "Informe o parâmetro.")
                clean.append({k: str(row.get(k) or "") for k in text_services.QUALITY_COLUMNS})
            docs.append(
                {
                    "month": str(month),
                    "title": str(doc.get("title") or ""),
                    "note": str(doc.get("note") or ""),
                    "rows": clean,
                }
            )
        return _list_changes("water_quality", current, docs, lambda d: d["month"])

    # apply -----------------------------------------------------------------------------------

    def apply(self, data: dict[str, Any], *, actor: Actor) -> None:
        """Inside the caller's transaction (not durable): plan first, so nothing is half-applied."""
        self.plan(data)
        current = self.export()
        self._apply_settings(data.get("settings", {}), actor)
        self._apply_tariffs(
            data.get("tariffs", current["tariffs"]), current["tariffs"], actor, projection=False
        )
        self._apply_tariffs(
            data.get("projections", current["projections"]), current["projections"], actor, projection=True
        )
        if "messages" in data:
            self._apply_messages(data["messages"], current["messages"], actor)
        if "water_quality" in data:
            self._apply_quality(data["water_quality"], actor)

    def _apply_settings(self, wanted: dict[str, Any], actor: Actor) -> None:
        row = BillingSettings.current()
        before = snapshot(row)
        wanted = {k: setting_from_doc(k, v) for k, v in wanted.items()}
        changed = {k: v for k, v in wanted.items() if getattr(row, k) != v}
        if not changed:
            return
        for name, value in changed.items():
            setattr(row, name, value)
        row.save()
        audit_record(
            actor=actor, action="billing.settings_update", target=row, before=before, after=snapshot(row)
        )

    def _apply_tariffs(
        self, wanted: list[dict[str, Any]], current: list[dict[str, Any]], actor: Actor, *, projection: bool
    ) -> None:
        def key(doc: dict[str, Any]) -> str:
            """The version's status and canonical content: equal keys are the same version."""
            canonical = tariff_services.version_to_json(
                tariff_services.version_from_json({k: v for k, v in doc.items() if k != "status"})
            )
            status = TariffStatus.PROJECTION if projection else doc.get("status", TariffStatus.DRAFT)
            return f"{status}:{json.dumps(canonical, sort_keys=True)}"

        existing = {
            key(_tariff_doc(t)): t
            for t in Tariff.objects.all()
            if (t.status == TariffStatus.PROJECTION) == projection
        }
        wanted_keys = {key(doc): doc for doc in wanted}
        for k, tariff in existing.items():
            if k not in wanted_keys and tariff.status != TariffStatus.APPROVED:
                audit_record(
                    actor=actor,
                    action="billing.tariff_discard",
                    target=tariff,
                    before={"act": tariff.act, "valid_from": tariff.valid_from, "status": tariff.status},
                )
                tariff.delete()
        for k, doc in sorted(wanted_keys.items(), key=lambda kv: str(kv[1].get("valid_from"))):
            if k in existing:
                continue
            body = {name: value for name, value in doc.items() if name != "status"}
            tariff = tariff_services.tariff_create(actor=actor, data=body, projection=projection)
            if not projection and doc.get("status") == TariffStatus.APPROVED:
                tariff_services.tariff_approve(
                    actor=actor, tariff=tariff, today=dt.date.fromisoformat(doc["valid_from"])
                )

    def _apply_messages(
        self, wanted: list[dict[str, Any]], current: list[dict[str, Any]], actor: Actor
    ) -> None:
        def key(doc: dict[str, Any]) -> tuple[str, ...]:
            normal = {k: doc.get(k) for k in MESSAGE_KEYS} | {
                "body": doc.get("body") or "",
                "condition": doc.get("condition") or "",
            }
            return tuple(str(normal[k]) for k in MESSAGE_KEYS)

        existing: dict[tuple[str, ...], list[BillText]] = {}
        for text in BillText.objects.filter(kind=BillText.Kind.MESSAGE).select_related(
            "billing_group", "category"
        ):
            existing.setdefault(key(_message_doc(text)), []).append(text)
        pending = [key(doc) for doc in wanted]
        for index, doc in enumerate(wanted):
            k = pending[index]
            if existing.get(k):
                existing[k].pop()
                continue
            fields = self._message_fields(doc, f"messages[{index}]")
            text = BillText.objects.create(
                kind=BillText.Kind.MESSAGE,
                title=fields["title"].strip(),
                body=fields["body"].strip(),
                valid_from=fields["valid_from"].first_day(),
                valid_until=fields["valid_until"].first_day() if fields["valid_until"] else None,
                billing_group=fields["billing_group"],
                category=fields["category"],
                condition=fields["condition"],
            )
            audit_record(actor=actor, action="billing.message_create", target=text, after=_message_doc(text))
        for leftovers in existing.values():
            for text in leftovers:
                audit_record(
                    actor=actor, action="billing.message_delete", target=text, before=_message_doc(text)
                )
                text.delete()

    def _apply_quality(self, wanted: list[dict[str, Any]], actor: Actor) -> None:
        by_month = {
            f"{t.valid_from:%Y-%m}": t for t in BillText.objects.filter(kind=BillText.Kind.WATER_QUALITY)
        }
        for doc in wanted:
            month = str(YearMonth.parse(str(doc["month"])))
            cells = [[str(r.get(k) or "") for k in text_services.QUALITY_COLUMNS] for r in doc["rows"]]
            row = by_month.pop(month, None)
            after = {
                "month": month,
                "title": doc.get("title") or "",
                "note": doc.get("note") or "",
                "rows": doc["rows"],
            }
            if row is None:
                row = BillText.objects.create(
                    kind=BillText.Kind.WATER_QUALITY,
                    valid_from=YearMonth.parse(month).first_day(),
                    title=after["title"],
                    body=after["note"],
                    rows=cells,
                )
                audit_record(
                    actor=actor,
                    action="billing.quality_create",
                    target=row,
                    after=text_services.quality_audit(row),
                )
                continue
            before = _quality_doc(row)
            if before == _quality_doc_of(month, after["title"], after["note"], cells):
                continue
            row.title, row.body, row.rows = after["title"], after["note"], cells
            row.save()
            audit_record(
                actor=actor,
                action="billing.quality_update",
                target=row,
                before=before,
                after=_quality_doc(row),
            )
        for row in by_month.values():
            audit_record(
                actor=actor,
                action="billing.quality_delete",
                target=row,
                before=text_services.quality_audit(row),
            )
            row.delete()


def _quality_doc_of(month: str, title: str, note: str, cells: list[list[str]]) -> dict[str, Any]:
    return {
        "month": month,
        "title": title,
        "note": note,
        "rows": [dict(zip(text_services.QUALITY_COLUMNS, r, strict=False)) for r in cells],
    }


def _list_changes(
    name: str, current: list[dict[str, Any]], wanted: list[dict[str, Any]], key: Any
) -> list[Change]:
    """Additions and removals of a list keyed by `key` (a changed row is a removal and an addition)."""
    before = {repr(key(d)) + repr(sorted(d.items(), key=str)): d for d in current}
    after = {repr(key(d)) + repr(sorted(d.items(), key=str)): d for d in wanted}
    changes = [Change(f"{KEY}.{name}", before[k], None) for k in sorted(set(before) - set(after))]
    changes += [Change(f"{KEY}.{name}", None, after[k]) for k in sorted(set(after) - set(before))]
    return changes


SECTION = BillingSection()
