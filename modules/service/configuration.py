"""The service section of the configuration document (modules/common/configuration.py): sectors,
materials with their price tables, kits, service codes with their policies and price tables, and
teams (names only: the people in them are staff accounts, not settings); the rules of abertura
automática (event, occurrence → service code).

Natural keys throughout (codes, names); prices as text with two places; dates ISO. A price row that
started on or before today is never changed or removed when the code (or material) has already been
charged on an order: the plan refuses it, as a bill may carry it. Rows absent from the document are
removed only when nothing uses them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.clock import tenant_today
from modules.common.configuration import Change
from modules.common.errors import ValidationFailed

from .domain.deadlines import DeadlineUnit
from .errors import ErrorCode
from .models import (
    MAX_PRINT_LAYOUTS,
    UNITS,
    AutomaticEvent,
    AutomaticRule,
    BillingType,
    ExecutedService,
    Kit,
    Material,
    MaterialPrice,
    MaterialUsage,
    Sector,
    ServiceCode,
    ServiceOrder,
    ServicePrice,
    Team,
)
from .services.automatic import _rule_delete, _rule_set
from .services.catalog import kit_items_put, material_price_put, service_price_put

KEY = "service"
UNIT_CODES = {u for u, _ in UNITS}
# the code's policies as the document names them, with their kind
CODE_POLICIES: dict[str, str] = {
    "description": "text",
    "group": "text?",
    "billing_type": "billing_type",
    "unit": "unit",
    "max_installments": "int1",
    "charges_interest": "bool",
    "taxable": "bool",
    "down_payment_required": "bool",
    "min_down_payment_percent": "percent",
    "deadline_value": "int1",
    "deadline_unit": "deadline_unit",
    "priority": "int1",
    "crew_size": "int1",
    "max_postponements": "int0",
    "print_layouts": "layouts",
    "accounting_rubric": "text?",
    "opening_term": "text?",
    "needs_approval": "bool",
    "charges_materials": "bool",
    "is_cut": "bool",
    "is_active": "bool",
}


def _fail(path: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, field=path, code=ErrorCode.INVALID)


def _prices(rows: Any) -> list[dict[str, str]]:
    return [{"valid_from": p.valid_from.isoformat(), "price": str(p.price)} for p in rows]


class ServiceSection:
    key = KEY
    title = "Serviços: códigos e preços, materiais, kits, setores, equipes e abertura automática"

    # --- export ------------------------------------------------------------------------------------

    def export(self) -> dict[str, Any]:
        return {
            "sectors": [{"name": s.name, "email": s.email} for s in Sector.objects.order_by("name")],
            "materials": [
                {
                    "code": m.code,
                    "description": m.description,
                    "unit": m.unit,
                    "prices": _prices(m.prices.order_by("valid_from")),
                }
                for m in Material.objects.order_by("code")
            ],
            "kits": [
                {
                    "code": k.code,
                    "description": k.description,
                    "items": [
                        {"material": i.material.code, "quantity": f"{i.quantity.normalize():f}"}
                        for i in k.items.select_related("material").order_by("material__code")
                    ],
                }
                for k in Kit.objects.order_by("code")
            ],
            "codes": [
                self._code(c) for c in ServiceCode.objects.select_related("sector", "kit").order_by("code")
            ],
            "teams": [
                {
                    "name": t.name,
                    "sector": t.sector.name if t.sector else None,
                    "special": t.special,
                    "is_active": t.is_active,
                }
                for t in Team.objects.select_related("sector").order_by("name")
            ],
            "automatic": [
                {"event": r.event, "occurrence": r.occurrence, "code": r.code.code}
                for r in AutomaticRule.objects.select_related("code").order_by("event", "occurrence")
            ],
        }

    @staticmethod
    def _code(c: ServiceCode) -> dict[str, Any]:
        row: dict[str, Any] = {"code": c.code}
        for name in CODE_POLICIES:
            value = getattr(c, name)
            row[name] = str(value) if isinstance(value, Decimal) else value
        row["sector"] = c.sector.name if c.sector else None
        row["kit"] = c.kit.code if c.kit else None
        row["prices"] = _prices(c.prices.order_by("valid_from"))
        return row

    # --- plan --------------------------------------------------------------------------------------

    def plan(self, data: dict[str, Any]) -> list[Change]:
        clean = self._validate(data)
        current = self.export()
        changes: list[Change] = []
        for part, key in (
            ("sectors", "name"),
            ("materials", "code"),
            ("kits", "code"),
            ("codes", "code"),
            ("teams", "name"),
        ):
            have = {row[key]: row for row in current[part]}
            want = {row[key]: row for row in clean[part]}
            for name in sorted(set(have) | set(want)):
                before, after = have.get(name), want.get(name)
                if before != after:
                    changes.append(Change(f"{KEY}.{part}.{name}", before, after))
        have_rules = {_rule_key(r): r for r in current["automatic"]}
        want_rules = {_rule_key(r): r for r in clean["automatic"]}
        for name in sorted(set(have_rules) | set(want_rules)):
            if have_rules.get(name) != want_rules.get(name):
                changes.append(Change(f"{KEY}.automatic.{name}", have_rules.get(name), want_rules.get(name)))
        self._refuse_unsafe(current, clean)
        return changes

    def _validate(self, data: dict[str, Any]) -> dict[str, Any]:
        """The section read and normalised; raises ValidationFailed whose field is the path."""
        if not isinstance(data, dict):
            raise _fail(KEY, "A seção de serviços deve ser um objeto.")
        out: dict[str, list[dict[str, Any]]] = {}
        for part in ("sectors", "materials", "kits", "codes", "teams"):
            rows = data.get(part, [])
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise _fail(f"{KEY}.{part}", "Informe uma lista de objetos.")
            out[part] = rows
        sectors = self._unique(out["sectors"], "sectors", "name")
        materials = self._unique(out["materials"], "materials", "code")
        kits = self._unique(out["kits"], "kits", "code")
        self._unique(out["codes"], "codes", "code")
        self._unique(out["teams"], "teams", "name")
        result: dict[str, Any] = {
            "sectors": [
                {"name": self._text(r, "name", f"{KEY}.sectors[{i}]"), "email": str(r.get("email", "") or "")}
                for i, r in enumerate(out["sectors"])
            ],
            "materials": [self._material(r, f"{KEY}.materials[{i}]") for i, r in enumerate(out["materials"])],
            "kits": [self._kit(r, f"{KEY}.kits[{i}]", materials) for i, r in enumerate(out["kits"])],
            "codes": [
                self._service_code(r, f"{KEY}.codes[{i}]", sectors, kits) for i, r in enumerate(out["codes"])
            ],
            "teams": [self._team(r, f"{KEY}.teams[{i}]", sectors) for i, r in enumerate(out["teams"])],
        }
        for part in result:
            key = "name" if part in {"sectors", "teams"} else "code"
            result[part].sort(key=lambda row, k=key: row[k])
        result["automatic"] = self._automatic(data.get("automatic", []), {c["code"] for c in result["codes"]})
        return result

    @staticmethod
    def _automatic(rows: Any, codes: set[str]) -> list[dict[str, str]]:
        """The rules of abertura automática: a known event, an occurrence code only (and always) for
        a reading occurrence, a service code of the document; one rule per event and occurrence."""
        path = f"{KEY}.automatic"
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise _fail(path, "Informe uma lista de objetos.")
        out: list[dict[str, str]] = []
        seen: set[str] = set()
        for i, r in enumerate(rows):
            event = r.get("event")
            if event not in AutomaticEvent.values:
                raise _fail(
                    f"{path}[{i}].event", "Evento desconhecido: use um dos eventos de abertura automática."
                )
            occurrence = str(r.get("occurrence", "") or "").strip().upper()
            if (event == AutomaticEvent.READING_OCCURRENCE) != bool(occurrence) or len(occurrence) > 10:
                raise _fail(
                    f"{path}[{i}].occurrence",
                    "Informe o código da ocorrência (até 10 caracteres) só na regra de ocorrência.",
                )
            code = r.get("code")
            if code not in codes:
                raise _fail(f"{path}[{i}].code", f"O código de serviço {code} não está na seção de códigos.")
            row = {"event": str(event), "occurrence": occurrence, "code": str(code)}
            if _rule_key(row) in seen:
                raise ValidationFailed(
                    f"A regra {_rule_key(row)} aparece duas vezes.",
                    field=f"{path}[{i}].event",
                    code=ErrorCode.DUPLICATE,
                )
            seen.add(_rule_key(row))
            out.append(row)
        out.sort(key=lambda row: (row["event"], row["occurrence"]))
        return out

    @staticmethod
    def _unique(rows: list[dict[str, Any]], part: str, key: str) -> set[str]:
        seen: set[str] = set()
        for index, row in enumerate(rows):
            value = row.get(key)
            if value in seen:
                raise ValidationFailed(
                    f"{value} aparece duas vezes.",
                    field=f"{KEY}.{part}[{index}].{key}",
                    code=ErrorCode.DUPLICATE,
                )
            if isinstance(value, str):
                seen.add(value)
        return seen

    @staticmethod
    def _text(row: dict[str, Any], name: str, path: str, *, blank: bool = False) -> str:
        value = row.get(name, "" if blank else None)
        if not isinstance(value, str) or (not blank and not value.strip()):
            raise _fail(
                f"{path}.{name}", "Informe um texto." if not blank else "Informe um texto (pode ser vazio)."
            )
        return value

    def _price_rows(self, row: dict[str, Any], path: str) -> list[dict[str, str]]:
        rows = row.get("prices", [])
        if not isinstance(rows, list):
            raise _fail(f"{path}.prices", "Informe a lista de preços.")
        out: list[dict[str, str]] = []
        for j, p in enumerate(rows):
            where = f"{path}.prices[{j}]"
            try:
                day = dt.date.fromisoformat(str(p.get("valid_from")))
            except (ValueError, AttributeError):
                raise _fail(f"{where}.valid_from", "Informe a data no formato AAAA-MM-DD.") from None
            try:
                price = Decimal(str(p.get("price")))
            except InvalidOperation:
                price = Decimal("-1")
            if price < 0 or price != price.quantize(Decimal("0.01")) or not isinstance(p.get("price"), str):
                raise _fail(f"{where}.price", 'Informe o preço como texto com duas casas (ex.: "35.00").')
            out.append({"valid_from": day.isoformat(), "price": f"{price:.2f}"})
        if len({p["valid_from"] for p in out}) != len(out):
            raise _fail(f"{path}.prices", "Duas vigências na mesma data.")
        return sorted(out, key=lambda p: p["valid_from"])

    def _material(self, row: dict[str, Any], path: str) -> dict[str, Any]:
        unit = row.get("unit", "un")
        if unit not in UNIT_CODES:
            raise _fail(f"{path}.unit", f"Unidade desconhecida: {unit}.")
        return {
            "code": self._text(row, "code", path).strip().upper(),
            "description": self._text(row, "description", path),
            "unit": unit,
            "prices": self._price_rows(row, path),
        }

    def _kit(self, row: dict[str, Any], path: str, materials: set[str]) -> dict[str, Any]:
        items = row.get("items", [])
        if not isinstance(items, list) or not items:
            raise _fail(f"{path}.items", "Um kit tem ao menos um material.")
        out = []
        for j, item in enumerate(items):
            material = item.get("material") if isinstance(item, dict) else None
            if material not in materials:
                raise ValidationFailed(
                    f"Material {material} não está no documento.",
                    field=f"{path}.items[{j}].material",
                    code=ErrorCode.MATERIAL_NOT_FOUND,
                )
            try:
                quantity = Decimal(str(item.get("quantity")))
            except InvalidOperation:
                quantity = Decimal("0")
            if quantity <= 0:
                raise _fail(f"{path}.items[{j}].quantity", "A quantidade deve ser maior que zero.")
            out.append({"material": material, "quantity": f"{quantity.normalize():f}"})
        return {
            "code": self._text(row, "code", path).strip().upper(),
            "description": self._text(row, "description", path),
            "items": sorted(out, key=lambda i: i["material"]),
        }

    def _service_code(
        self, row: dict[str, Any], path: str, sectors: set[str], kits: set[str]
    ) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self._text(row, "code", path).strip().upper()}
        for name, kind in CODE_POLICIES.items():
            out[name] = self._policy(row.get(name), kind, f"{path}.{name}")
        sector, kit = row.get("sector"), row.get("kit")
        if sector is not None and sector not in sectors:
            raise ValidationFailed(
                f"Setor {sector} não está no documento.",
                field=f"{path}.sector",
                code=ErrorCode.SECTOR_NOT_FOUND,
            )
        if kit is not None and kit not in kits:
            raise ValidationFailed(
                f"Kit {kit} não está no documento.",
                field=f"{path}.kit",
                code=ErrorCode.KIT_NOT_FOUND,
            )
        out["sector"], out["kit"] = sector, kit
        out["prices"] = self._price_rows(row, path)
        return out

    @staticmethod
    def _policy(value: Any, kind: str, path: str) -> Any:
        checks: dict[str, Any] = {
            "text": lambda v: isinstance(v, str) and bool(v.strip()),
            "text?": lambda v: isinstance(v, str),
            "bool": lambda v: isinstance(v, bool),
            "int0": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
            "int1": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
            "billing_type": lambda v: isinstance(v, str) and v in BillingType.values,
            "deadline_unit": lambda v: isinstance(v, str) and v in {u.value for u in DeadlineUnit},
            "unit": lambda v: isinstance(v, str) and v in UNIT_CODES,
            "layouts": lambda v: (
                isinstance(v, list)
                and len(v) <= MAX_PRINT_LAYOUTS
                and all(isinstance(x, str) and x.strip() for x in v)
            ),
        }
        ok = kind != "percent" and checks[kind](value)
        if kind == "percent":
            try:
                number = Decimal(str(value)) if isinstance(value, str) else None
            except InvalidOperation:
                number = None
            if number is None or not 0 <= number <= 100:
                raise _fail(path, 'Informe o percentual como texto entre "0" e "100".')
            return f"{number:.2f}"
        if not ok:
            messages = {
                "billing_type": "Tipo de cobrança: mandatory, optional, variable ou not_billable.",
                "deadline_unit": "Unidade do prazo: business_days ou hours.",
                "layouts": f"Lista de até {MAX_PRINT_LAYOUTS} nomes de layout.",
                "bool": "Informe true ou false.",
                "int0": "Informe um inteiro a partir de 0.",
                "int1": "Informe um inteiro a partir de 1.",
                "unit": "Unidade desconhecida.",
            }
            raise _fail(path, messages.get(kind, "Informe um texto."))
        return value

    def _team(self, row: dict[str, Any], path: str, sectors: set[str]) -> dict[str, Any]:
        sector = row.get("sector")
        if sector is not None and sector not in sectors:
            raise ValidationFailed(
                f"Setor {sector} não está no documento.",
                field=f"{path}.sector",
                code=ErrorCode.SECTOR_NOT_FOUND,
            )
        return {
            "name": self._text(row, "name", path),
            "sector": sector,
            "special": self._policy(row.get("special", False), "bool", f"{path}.special"),
            "is_active": self._policy(row.get("is_active", True), "bool", f"{path}.is_active"),
        }

    def _refuse_unsafe(self, current: dict[str, Any], clean: dict[str, Any]) -> None:
        """Removals of rows in use, and changes to prices already charged, are refused."""
        today = tenant_today().isoformat()
        want_codes = {c["code"]: c for c in clean["codes"]}
        for code in current["codes"]:
            wanted = want_codes.get(code["code"])
            if wanted is None:
                if ServiceOrder.objects.filter(code__code=code["code"]).exists():
                    raise ValidationFailed(
                        f"O código {code['code']} tem ordens de serviço: desative-o (is_active false) "
                        "em vez de removê-lo.",
                        field=f"{KEY}.codes",
                        code=ErrorCode.CODE_INACTIVE,
                    )
            elif ExecutedService.objects.filter(code__code=code["code"]).exists():
                self._refuse_past_price_change(
                    code["prices"], wanted["prices"], today, f"{KEY}.codes.{code['code']}.prices"
                )
        want_materials = {m["code"]: m for m in clean["materials"]}
        for material in current["materials"]:
            wanted = want_materials.get(material["code"])
            if not MaterialUsage.objects.filter(material__code=material["code"]).exists():
                continue
            if wanted is None:
                raise _fail(
                    f"{KEY}.materials", f"O material {material['code']} já foi usado e não pode ser removido."
                )
            self._refuse_past_price_change(
                material["prices"], wanted["prices"], today, f"{KEY}.materials.{material['code']}.prices"
            )
        keep_teams = {t["name"] for t in clean["teams"]}
        for team in current["teams"]:
            if (
                team["name"] not in keep_teams
                and ServiceOrder.objects.filter(team__name=team["name"]).exists()
            ):
                raise _fail(
                    f"{KEY}.teams",
                    f"A equipe {team['name']} tem ordens de serviço: desative-a em vez de removê-la.",
                )
        keep_sectors = {x["name"] for x in clean["sectors"]}
        for sector in current["sectors"]:
            if (
                sector["name"] not in keep_sectors
                and ServiceOrder.objects.filter(sector__name=sector["name"]).exists()
            ):
                raise _fail(
                    f"{KEY}.sectors",
                    f"O setor {sector['name']} tem ordens de serviço e não pode ser removido.",
                )

    @staticmethod
    def _refuse_past_price_change(
        have: list[dict[str, str]], want: list[dict[str, str]], today: str, path: str
    ) -> None:
        past_have = [p for p in have if p["valid_from"] <= today]
        past_want = [p for p in want if p["valid_from"] <= today]
        if past_have != past_want:
            raise ValidationFailed(
                "Preços já em vigor de um item já cobrado não podem ser alterados nem removidos: "
                "registre um preço novo a partir de uma data futura.",
                field=path,
                code=ErrorCode.INVALID,
            )

    # --- apply -------------------------------------------------------------------------------------

    def apply(self, data: dict[str, Any], *, actor: Actor) -> None:
        """Inside the caller's transaction (not durable)."""
        clean = self._validate(data)
        self._refuse_unsafe(self.export(), clean)
        sectors = self._apply_sectors(clean["sectors"], actor)
        materials = self._apply_materials(clean["materials"], actor)
        kits = self._apply_kits(clean["kits"], actor, materials)
        self._apply_codes(clean["codes"], actor, sectors, kits)
        self._apply_teams(clean["teams"], actor, sectors)
        self._apply_automatic(clean["automatic"], actor)
        self._remove_absent(clean, actor)

    @staticmethod
    def _apply_automatic(rows: list[dict[str, str]], actor: Actor) -> None:
        """Before the codes absent from the document go: a rule protects its code."""
        keep = {_rule_key(r) for r in rows}
        for rule in AutomaticRule.objects.select_related("code"):
            if _rule_key({"event": rule.event, "occurrence": rule.occurrence}) not in keep:
                _rule_delete(actor=actor, rule=rule)
        for r in rows:
            _rule_set(actor=actor, event=r["event"], occurrence=r["occurrence"], code=r["code"])

    @staticmethod
    def _save(row: Any, fields: dict[str, Any], *, actor: Actor, create: str, update: str) -> Any:
        created = row.pk is None
        before = None if created else snapshot(row, exclude=("id",))
        for name, value in fields.items():
            setattr(row, name, value)
        if created or before != snapshot(row, exclude=("id",)):
            row.save()
            audit_record(
                actor=actor,
                action=create if created else update,
                target=row,
                before=before,
                after=snapshot(row, exclude=("id",)),
            )
        return row

    def _apply_sectors(self, rows: list[dict[str, Any]], actor: Actor) -> dict[str, Sector]:
        out: dict[str, Sector] = {}
        for r in rows:
            row = Sector.objects.filter(name=r["name"]).first() or Sector(name=r["name"])
            out[r["name"]] = self._save(
                row,
                {"email": r["email"]},
                actor=actor,
                create="service.sector_create",
                update="service.configuration_apply",
            )
        return out

    @staticmethod
    def _sync_prices(
        model: Any, owner_field: str, owner: Any, prices: list[dict[str, str]], put: Any, actor: Actor
    ) -> None:
        have = {p.valid_from.isoformat(): p for p in model.objects.filter(**{owner_field: owner})}
        for p in prices:
            existing = have.pop(p["valid_from"], None)
            if existing is None or existing.price != Decimal(p["price"]):
                put(dt.date.fromisoformat(p["valid_from"]), Decimal(p["price"]))
        for stale in have.values():
            stale.delete()

    def _apply_materials(self, rows: list[dict[str, Any]], actor: Actor) -> dict[str, Material]:
        out: dict[str, Material] = {}
        for r in rows:
            row = Material.objects.filter(code=r["code"]).first() or Material(code=r["code"])
            material = self._save(
                row,
                {"description": r["description"], "unit": r["unit"]},
                actor=actor,
                create="service.material_create",
                update="service.configuration_apply",
            )
            self._sync_prices(
                MaterialPrice,
                "material",
                material,
                r["prices"],
                lambda day, price, m=material: material_price_put(
                    actor=actor, material=m, valid_from=day, price=price
                ),
                actor,
            )
            out[r["code"]] = material
        return out

    def _apply_kits(
        self, rows: list[dict[str, Any]], actor: Actor, materials: dict[str, Material]
    ) -> dict[str, Kit]:
        out: dict[str, Kit] = {}
        for r in rows:
            row = Kit.objects.filter(code=r["code"]).first() or Kit(code=r["code"])
            kit = self._save(
                row,
                {"description": r["description"]},
                actor=actor,
                create="service.kit_create",
                update="service.configuration_apply",
            )
            items = [(i["material"], Decimal(i["quantity"])) for i in r["items"]]
            current = sorted(
                (i.material.code, i.quantity.normalize()) for i in kit.items.select_related("material")
            )
            if current != sorted((c, q.normalize()) for c, q in items):
                kit_items_put(actor=actor, kit=kit, items=items)
            out[r["code"]] = kit
        return out

    def _apply_codes(
        self, rows: list[dict[str, Any]], actor: Actor, sectors: dict[str, Sector], kits: dict[str, Kit]
    ) -> None:
        for r in rows:
            row = ServiceCode.objects.filter(code=r["code"]).first() or ServiceCode(code=r["code"])
            fields = {name: r[name] for name in CODE_POLICIES}
            fields["min_down_payment_percent"] = Decimal(r["min_down_payment_percent"])
            fields["sector"] = sectors[r["sector"]] if r["sector"] else None
            fields["kit"] = kits[r["kit"]] if r["kit"] else None
            code = self._save(
                row, fields, actor=actor, create="service.code_create", update="service.code_update"
            )
            self._sync_prices(
                ServicePrice,
                "code",
                code,
                r["prices"],
                lambda day, price, c=code: service_price_put(
                    actor=actor, service_code=c, valid_from=day, price=price
                ),
                actor,
            )

    def _apply_teams(self, rows: list[dict[str, Any]], actor: Actor, sectors: dict[str, Sector]) -> None:
        for r in rows:
            row = Team.objects.filter(name=r["name"]).first() or Team(name=r["name"])
            self._save(
                row,
                {
                    "sector": sectors[r["sector"]] if r["sector"] else None,
                    "special": r["special"],
                    "is_active": r["is_active"],
                },
                actor=actor,
                create="service.team_create",
                update="service.configuration_apply",
            )

    @staticmethod
    def _remove_absent(clean: dict[str, Any], actor: Actor) -> None:
        for model, part, key in (
            (Team, "teams", "name"),
            (ServiceCode, "codes", "code"),
            (Kit, "kits", "code"),
            (Material, "materials", "code"),
            (Sector, "sectors", "name"),
        ):
            keep = [row[key] for row in clean[part]]
            for row in model.objects.exclude(**{f"{key}__in": keep}):
                audit_record(
                    actor=actor,
                    action="service.configuration_remove",
                    target=row,
                    before=snapshot(row, exclude=("id",)),
                )
                row.delete()


def _rule_key(row: dict[str, Any]) -> str:
    return f"{row['event']}:{row['occurrence']}" if row["occurrence"] else str(row["event"])


SECTION = ServiceSection()
