# ruff: noqa: E501 - SQL statements read better unwrapped
"""properties.csv: properties keyed by account number, with their categories (economias), holder and
connections (layout in docs/registry-import.md).

Accepted rows go in with COPY into temporary tables and one set-based upsert per registry table that
only touches rows whose values differ, so re-importing the same file changes nothing. The registry's
tables are written in SQL for speed (≥ 5,000 properties/s); this app sits above the registry and
says so by importing it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction

from modules.common.audit import Actor
from modules.registry.domain.account_number import InvalidAccountNumber
from modules.registry.domain.economies import InvalidEconomies, parse_shares, total_economies, validate_shares
from modules.registry.domain.inscription import InvalidInscription, parse_inscription
from modules.registry.domain.text import fold, normalize_cep
from modules.registry.models import BillingGroup, Category, City, Locality, Route
from modules.registry.numbering import account_rule, inscription_widths
from modules.registry.numbering import parse_account as parse_account_number

from ..files import (
    ImportReport,
    LineError,
    LineFail,
    copy_rows,
    duplicates,
    finish,
    load,
    parse_date,
    parse_decimal,
    parse_document,
    parse_int,
    read_rows,
    sql_errors,
    validate_rows,
)

LEGACY_KEY = "legacy:"  # a holder named by legacy code, never a CPF/CNPJ (those are [0-9A-Z] only)
SITUATIONS = {
    "potential",
    "feasible",
    "provisional",
    "connected",
    "cut",
    "suppressed",
    "disconnected_on_request",
}


@transaction.atomic(durable=True)
def import_properties(*, actor: Actor, data: bytes | str, today: dt.date) -> ImportReport:
    report = ImportReport("properties")
    rows = read_rows(
        data, ("account_number", "inscription", "street", "number", "neighbourhood", "categories"), report
    )
    report.read = len(rows)
    known = set(Category.objects.values_list("code", flat=True))
    category_ids = dict(Category.objects.values_list("code", "id"))
    city = City.objects.order_by("id").first()
    categories_rows: list[tuple[Any, ...]] = []
    fold_name = functools.lru_cache(maxsize=8192)(fold)  # streets and neighbourhoods repeat row after row

    @functools.lru_cache(maxsize=1024)  # a file has a handful of distinct category texts ("RES:1" …)
    def shares_of(text: str) -> tuple[Any, ...]:
        return validate_shares(parse_shares(text), known)

    rule = account_rule()  # read once for the file, not once per line
    widths = inscription_widths()

    def parse(row: dict[str, str]) -> tuple[Any, ...]:
        try:
            base = parse_account_number(row.get("account_number", ""), rule)
        except InvalidAccountNumber as exc:
            raise LineFail("account_number", str(exc)) from exc
        try:
            insc = parse_inscription(row.get("inscription", ""), widths)
        except InvalidInscription as exc:
            raise LineFail("inscription", str(exc)) from exc
        try:
            shares = shares_of(row.get("categories", ""))
        except InvalidEconomies as exc:
            raise LineFail(exc.field, str(exc)) from exc
        street = (row.get("street") or "").strip()
        street_type = (row.get("street_type") or "Rua").strip() or "Rua"
        hood = (row.get("neighbourhood") or "").strip()
        if not street:
            raise LineFail("street", "logradouro obrigatório")
        if not hood:
            raise LineFail("neighbourhood", "bairro obrigatório")
        number = (row.get("number") or "").strip()[:10] or "S/N"
        complement = (row.get("complement") or "").strip()[:60]
        try:
            cep = normalize_cep(row.get("cep", ""))
        except ValueError as exc:
            raise LineFail("cep", "CEP inválido: deve ter 8 dígitos") from exc
        lat, lon = (
            parse_decimal(row.get("latitude", ""), "latitude"),
            parse_decimal(row.get("longitude", ""), "longitude"),
        )
        if lat is not None and not -90 <= lat <= 90:
            raise LineFail("latitude", "latitude fora do intervalo −90 a 90")
        if lon is not None and not -180 <= lon <= 180:
            raise LineFail("longitude", "longitude fora do intervalo −180 a 180")
        if (lat is None) != (lon is None):
            raise LineFail("latitude", "informe latitude e longitude juntas")
        group = parse_int(row.get("billing_group", ""), "billing_group")
        route = parse_int(row.get("route", ""), "route")
        sequence = parse_int(row.get("route_sequence", ""), "route_sequence", minimum=1)
        if route is not None and group is None:
            raise LineFail("billing_group", "rota informada sem grupo de faturamento")
        holder = (row.get("holder_cpf_cnpj") or "").strip()
        holder_code = (row.get("holder_legacy_code") or "").strip()
        # the holder's key: the document, else the legacy code of a customer without one
        holder_doc = parse_document(holder, "holder_cpf_cnpj") if holder else None
        if holder_doc is None and holder_code:
            holder_doc = LEGACY_KEY + holder_code
        holder_since = parse_date(row.get("holder_since", ""), "holder_since", today)
        conns = []
        for kind in ("water", "sewer"):
            situation = (row.get(f"{kind}_situation") or "").strip().lower()
            if situation and situation not in SITUATIONS:
                raise LineFail(f"{kind}_situation", f"situação desconhecida '{situation}'")
            since = parse_date(row.get(f"{kind}_since", ""), f"{kind}_since", today)
            conns += [situation or None, since or (today if situation else None)]
        for share in shares:
            categories_rows.append((base, category_ids[share.category], share.economies))
        address = fold(f"{street_type} {street} {number} {complement} {hood}")
        return (
            base, f"{base}-{row['account_number'].strip()[-1]}", *insc.parts(), insc.formatted(), street_type,
            street, fold_name(f"{street_type} {street}"), hood, fold_name(hood), number, complement, cep, address, lat, lon,
            group, route, sequence, total_economies(shares), holder_doc, holder_since or today, *conns,
        )  # fmt: skip

    parsed = validate_rows(rows, report, parse)
    duplicates(parsed, 1, "account_number", report)
    duplicates(parsed, 8, "inscription", report)
    cols = [
        "line", "property_id", "created", "account_base", "account_number", "locality", "sector", "block", "lot",
        "sublot", "inscription", "street_id", "number", "complement", "neighbourhood_id", "cep", "address_search",
        "latitude", "longitude", "group_id", "route_id", "route_sequence", "economies_total", "customer_id",
        "holder_since", "water_situation", "water_since", "sewer_situation", "sewer_since", "new_owner",
        "new_bill_payer",
    ]  # fmt: skip

    def body() -> None:
        with connection.cursor() as cursor:
            if report.errors or city is None:
                finish(report, actor, "registry.import_properties")
            # Every reference is resolved here, before the COPY, from small tables (groups, routes, streets,
            # neighbourhoods) or by the file's own keys (customers, properties): the temporary table is
            # written once. Resolving them with UPDATE … FROM rewrote all its rows once per column (eleven
            # times), which was most of the import's time.
            # any group and route the utility has registered (Tabelas do cadastro), none it has not
            groups = {
                code: (pk, active)
                for code, pk, active in BillingGroup.objects.values_list("code", "id", "active")
            }
            routes = {
                (g, code): (pk, active)
                for g, code, pk, active in Route.objects.values_list("group_id", "code", "id", "active")
            }
            # The file's keys are joined as unnest(array), never filtered with "= ANY(array)": right after a
            # first import the tables have no statistics, and a plan that filters 400,000 rows with a
            # 200,000-element array searches it linearly for each row (minutes; seen on the benchmark).
            keys = {r[24] for r in parsed if r[24]}
            cursor.execute(
                "SELECT c.cpf_cnpj, c.id FROM unnest(%s::text[]) AS k(doc) "
                "JOIN registry_customer c ON c.cpf_cnpj = k.doc",
                [[k for k in keys if not k.startswith(LEGACY_KEY)]],
            )
            customers = dict(cursor.fetchall())
            cursor.execute(
                "SELECT %s || c.legacy_code, c.id FROM unnest(%s::text[]) AS k(code) "
                "JOIN registry_customer c ON c.legacy_code = k.code",
                [LEGACY_KEY, [k.removeprefix(LEGACY_KEY) for k in keys if k.startswith(LEGACY_KEY)]],
            )
            customers |= dict(cursor.fetchall())
            resolved = []
            for r in parsed:
                line, group, route, holder = r[0], r[20], r[21], r[24]
                group_id, group_active = (
                    groups.get(group, (None, True)) if group is not None else (None, True)
                )
                route_id, route_active = (
                    routes.get((group_id, route), (None, True)) if route is not None else (None, True)
                )
                customer_id = customers.get(holder) if holder else None
                if group is not None and group_id is None:
                    report.errors.append(
                        LineError(line, "billing_group", f"grupo de faturamento {group} não cadastrado")
                    )
                elif not group_active:
                    report.errors.append(
                        LineError(line, "billing_group", f"grupo de faturamento {group} está desativado")
                    )
                if route is not None and group_id is not None and route_id is None:
                    report.errors.append(
                        LineError(line, "route", f"rota {route} não cadastrada no grupo {group}")
                    )
                elif route is not None and not route_active:
                    report.errors.append(
                        LineError(line, "route", f"rota {route} do grupo {group} está desativada")
                    )
                if holder and customer_id is None:
                    report.errors.append(
                        LineError(
                            line,
                            "holder_legacy_code" if holder.startswith(LEGACY_KEY) else "holder_cpf_cnpj",
                            "titular não cadastrado (importe antes o arquivo de clientes)",
                        )
                    )
                resolved.append((group_id, route_id, customer_id))
            # properties already registered keep their id; new ones take theirs from the sequence now
            cursor.execute(
                "SELECT p.account_base, p.id FROM unnest(%s::int[]) AS k(base) "
                "JOIN registry_property p ON p.account_base = k.base",
                [[r[1] for r in parsed]],
            )
            existing = dict(cursor.fetchall())
            fresh = [r[1] for r in parsed if r[1] not in existing]
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('registry_property', 'id')) FROM generate_series(1, %s)",
                [len(fresh)],
            )
            ids = existing | dict(zip(fresh, (pk for (pk,) in cursor.fetchall()), strict=True))
            # holders now: a relation is written where the file names a customer who is not the current one
            cursor.execute(
                "SELECT r.property_id, r.role, r.customer_id FROM unnest(%s::bigint[]) AS k(id) "
                'JOIN registry_propertyrelation r ON r.property_id = k.id WHERE r."end" IS NULL '
                "AND r.role IN ('owner', 'bill_payer')",
                [list(existing.values())],
            )
            current = {(pk, role): customer for pk, role, customer in cursor.fetchall()}
            streets = _names(
                cursor,
                "registry_street",
                city.pk,
                {(r[9], r[10]): r[11] for r in parsed},
                report,
                "streets_created",
            )
            hoods = _names(
                cursor,
                "registry_neighbourhood",
                city.pk,
                {r[12]: r[13] for r in parsed},
                report,
                "neighbourhoods_created",
            )

            def rows_out() -> Iterable[tuple[Any, ...]]:
                for r, (group_id, route_id, customer_id) in zip(parsed, resolved, strict=True):
                    pk = ids[r[1]]
                    new_owner = customer_id is not None and current.get((pk, "owner")) != customer_id
                    new_payer = customer_id is not None and current.get((pk, "bill_payer")) != customer_id
                    yield (
                        r[0], pk, r[1] not in existing, *r[1:9], streets[(r[9], r[10])], r[14], r[15], hoods[r[12]],
                        *r[16:20], group_id, route_id, r[22], r[23], customer_id, *r[25:30], new_owner, new_payer,
                    )  # fmt: skip

            cursor.execute("DROP TABLE IF EXISTS imp_property")
            cursor.execute(
                "CREATE TEMP TABLE imp_property (line int, property_id bigint, created boolean, account_base int, "
                "account_number text, locality int, sector int, block int, lot int, sublot int, inscription text, "
                "street_id bigint, number text, complement text, neighbourhood_id bigint, cep text, address_search text, "
                "latitude numeric, longitude numeric, group_id bigint, route_id bigint, route_sequence int, "
                "economies_total int, customer_id bigint, holder_since date, water_situation text, water_since date, "
                "sewer_situation text, sewer_since date, new_owner boolean, new_bill_payer boolean) ON COMMIT DROP"
            )
            cursor.execute("DROP TABLE IF EXISTS imp_category")
            cursor.execute(
                "CREATE TEMP TABLE imp_category (property_id bigint, category_id bigint, economies int) ON COMMIT DROP"
            )
            copy_rows(cursor, "imp_property", cols, rows_out())
            copy_rows(
                cursor,
                "imp_category",
                ["property_id", "category_id", "economies"],
                ((ids[base], category, economies) for base, category, economies in categories_rows),
            )
            # temp tables have no statistics and no indexes: without both, the joins below go quadratic
            cursor.execute("CREATE INDEX ON imp_property (property_id)")
            cursor.execute("CREATE INDEX ON imp_category (property_id, category_id)")
            cursor.execute("ANALYZE imp_property")
            cursor.execute("ANALYZE imp_category")
            sql_errors(
                cursor,
                "SELECT t.line FROM imp_property t JOIN registry_property p ON p.inscription = t.inscription "
                "AND p.account_base <> t.account_base",
                "inscription", "inscrição já pertence a outra matrícula", report,
            )  # fmt: skip
            sql_errors(
                cursor,
                "SELECT t.line FROM imp_property t JOIN registry_property p ON p.route_id = t.route_id "
                "AND p.route_sequence = t.route_sequence AND p.account_base <> t.account_base",
                "route_sequence", "sequência já ocupada nesta rota por outra matrícula", report,
            )  # fmt: skip
            if report.errors:
                finish(report, actor, "registry.import_properties")
            data_cols = [
                "account_number", "locality", "sector", "block", "lot", "sublot", "inscription", "street_id", "number",
                "complement", "neighbourhood_id", "cep", "address_search", "latitude", "longitude", "billing_group_id",
                "route_id", "route_sequence",
            ]  # fmt: skip
            src = [f"t.{c}" for c in data_cols]
            src[data_cols.index("billing_group_id")] = "t.group_id"
            cursor.execute(
                f"INSERT INTO registry_property (id, account_base, {', '.join(data_cols)}, status, special, "  # noqa: S608
                "municipal_registration, has_water_tank, has_cistern, has_own_source, economies_total, created_at, "
                f"updated_at) SELECT t.property_id, t.account_base, {', '.join(src)}, 'active', '', '', false, false, "
                "false, t.economies_total, now(), now() FROM imp_property t "
                f"ON CONFLICT (account_base) DO UPDATE SET {', '.join(f'{c} = EXCLUDED.{c}' for c in data_cols)}, "
                "updated_at = now() "
                f"WHERE ({', '.join('registry_property.' + c for c in data_cols)}) "
                f"IS DISTINCT FROM ({', '.join('EXCLUDED.' + c for c in data_cols)}) "
                "RETURNING (xmax = 0)"
            )
            flags = [inserted for (inserted,) in cursor.fetchall()]
            report.created, report.updated = sum(flags), len(flags) - sum(flags)
            if report.created != len(fresh):
                # another session registered one of these account numbers since we looked: take its id
                cursor.execute(
                    "UPDATE imp_property t SET property_id = p.id, created = false FROM registry_property p "
                    "WHERE p.account_base = t.account_base AND p.id <> t.property_id"
                )
            cursor.execute(
                "INSERT INTO registry_propertystatuschange (property_id, status, since, reason, actor, at) "
                "SELECT property_id, 'active', %s, 'importação', %s, now() FROM imp_property WHERE created",
                [today, actor.get_username()],
            )
            if Locality.objects.exists():
                # the inscription's locality, sector and block rows, where the utility has registered them
                cursor.execute(
                    "UPDATE registry_property p SET locality_ref_id = l.id, sector_ref_id = s.id, block_ref_id = b.id "
                    "FROM imp_property t JOIN registry_locality l ON l.code = t.locality "
                    "LEFT JOIN registry_sector s ON s.locality_id = l.id AND s.code = t.sector "
                    "LEFT JOIN registry_block b ON b.sector_id = s.id AND b.code = t.block "
                    "WHERE p.id = t.property_id "
                    "AND (p.locality_ref_id, p.sector_ref_id, p.block_ref_id) IS DISTINCT FROM (l.id, s.id, b.id)"
                )
            # categories and economias: upsert what the file says, drop what it no longer says
            cursor.execute(
                "INSERT INTO registry_propertycategory (property_id, category_id, economies) "
                "SELECT property_id, category_id, economies FROM imp_category "
                "ON CONFLICT (property_id, category_id) DO UPDATE SET economies = EXCLUDED.economies "
                "WHERE registry_propertycategory.economies <> EXCLUDED.economies"
            )
            changed = cursor.rowcount
            cursor.execute(
                "DELETE FROM registry_propertycategory pc USING imp_property t WHERE pc.property_id = t.property_id "
                "AND NOT t.created AND NOT EXISTS (SELECT 1 FROM imp_category c WHERE c.property_id = pc.property_id "
                "AND c.category_id = pc.category_id)"
            )
            report.details["categories_changed"] = changed + cursor.rowcount
            cursor.execute(
                "UPDATE registry_property p SET economies_total = t.economies_total FROM imp_property t "
                "WHERE p.id = t.property_id AND NOT t.created AND p.economies_total <> t.economies_total"
            )
            # holder: owner and responsible for the bill; a different holder is a transfer on holder_since
            relations = 0
            for role, flag in (("owner", "new_owner"), ("bill_payer", "new_bill_payer")):
                cursor.execute(
                    'UPDATE registry_propertyrelation r SET "end" = GREATEST(t.holder_since, r.start) '  # noqa: S608
                    f"FROM imp_property t WHERE t.{flag} AND NOT t.created AND r.property_id = t.property_id "
                    'AND r.role = %s AND r."end" IS NULL',
                    [role],
                )
                relations += cursor.rowcount
                cursor.execute(
                    "INSERT INTO registry_propertyrelation (property_id, customer_id, role, start, reason) "  # noqa: S608
                    f"SELECT property_id, customer_id, %s, holder_since, 'importação' FROM imp_property WHERE {flag}",
                    [role],
                )
                relations += cursor.rowcount
            report.details["relations_changed"] = relations
            connections = 0
            for kind in ("water", "sewer"):
                cursor.execute(
                    "WITH up AS (INSERT INTO registry_serviceconnection (property_id, kind, situation, since, material, "  # noqa: S608
                    "street_pavement, sidewalk_pavement, metered) "
                    f"SELECT property_id, %s, {kind}_situation, {kind}_since, '', '', '', false FROM imp_property "
                    f"WHERE {kind}_situation IS NOT NULL "
                    "ON CONFLICT (property_id, kind) DO UPDATE SET situation = EXCLUDED.situation, since = EXCLUDED.since "
                    "WHERE (registry_serviceconnection.situation, registry_serviceconnection.since) "
                    "IS DISTINCT FROM (EXCLUDED.situation, EXCLUDED.since) RETURNING id, situation, since) "
                    'INSERT INTO registry_connectionevent (connection_id, situation_from, situation_to, "on", reason, '
                    "actor, at) SELECT id, '', situation, since, 'importação', %s, now() FROM up",
                    [kind, actor.get_username()],
                )
                connections += cursor.rowcount
            report.details["connections_changed"] = connections
            finish(report, actor, "registry.import_properties")

    return load(report, body)


def _names(
    cursor: Any, table: str, city_id: int, wanted: dict[Any, str], report: ImportReport, detail: str
) -> dict[Any, int]:
    """Ids of the streets ((type, name) keys) or neighbourhoods (name keys) of a city, creating those
    missing; `wanted` maps each key to its folded search text."""
    street = table == "registry_street"
    keys = list(wanted)
    firsts = [k[0] for k in keys] if street else keys
    seconds = [k[1] for k in keys] if street else []
    searches = [wanted[k] for k in keys]
    if street:
        cursor.execute(
            "INSERT INTO registry_street (city_id, street_type, name, name_search, title, active) "
            "SELECT %s, *, '', true FROM unnest(%s::text[], %s::text[], %s::text[]) "
            "ON CONFLICT (city_id, street_type, name) DO NOTHING",
            [city_id, firsts, seconds, searches],
        )
    else:
        cursor.execute(
            "INSERT INTO registry_neighbourhood (city_id, name, name_search, active) "
            "SELECT %s, *, true FROM unnest(%s::text[], %s::text[]) ON CONFLICT (city_id, name) DO NOTHING",
            [city_id, firsts, searches],
        )
    report.details[detail] = cursor.rowcount
    if street:
        cursor.execute(
            "SELECT street_type, name, id FROM registry_street WHERE city_id = %s AND name = ANY(%s)",
            [city_id, seconds],
        )
        return {(kind, name): pk for kind, name, pk in cursor.fetchall()}
    cursor.execute(
        "SELECT name, id FROM registry_neighbourhood WHERE city_id = %s AND name = ANY(%s)", [city_id, firsts]
    )
    return dict(cursor.fetchall())
