# ruff: noqa: E501 - SQL statements read better unwrapped
"""Legacy import of the registry (layout in docs/registry-import.md).

One file per entity, imported in order customers → properties → meters. Each file is all or
nothing: every line is validated first (in Python, then against the database in SQL), and any
rejected line rejects the file, reported with its line number, field and reason. Accepted rows go
in with COPY into a temporary table and one set-based upsert per table that only touches rows whose
values differ, so re-importing the same files changes nothing.

The meters file lives here too (the registry does not import metering code): it writes metering's
tables by name, in SQL, the same way.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction

from modules.common.audit import Actor, audit_record
from modules.common.domain.documents import document_kind, strip_document

from .domain.account_number import InvalidAccountNumber, parse_account_number
from .domain.economies import InvalidEconomies, parse_shares, total_economies, validate_shares
from .domain.inscription import InvalidInscription, parse_inscription
from .domain.text import fold, normalize_cep
from .models import BillingGroup, Category, City, Route

FILES = ("customers", "properties", "meters")
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


@dataclass(frozen=True)
class LineError:
    line: int
    field: str
    reason: str


@dataclass
class ImportReport:
    entity: str
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[LineError] = field(default_factory=list)
    details: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "details": self.details,
            "errors": [e.__dict__ for e in self.errors],
        }


class _Rejected(Exception):
    """Rolls back the file's transaction; the report already holds the errors."""


class _LineFail(Exception):
    def __init__(self, field_name: str, reason: str) -> None:
        self.field = field_name
        self.reason = reason


@functools.lru_cache(maxsize=16384)
def _day(text: str) -> dt.date:
    """A file repeats its dates (connection dates, holder since …): each distinct text is parsed once."""
    if "/" in text:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()  # noqa: DTZ007 - a calendar date, no time
    return dt.date.fromisoformat(text)


def _date(value: str, field_name: str, today: dt.date, *, required: bool = False) -> dt.date | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise _LineFail(field_name, "data obrigatória")
        return None
    try:
        day = _day(text)
    except ValueError as exc:
        raise _LineFail(field_name, f"data inválida '{text}' (use AAAA-MM-DD ou DD/MM/AAAA)") from exc
    if day > today:
        raise _LineFail(field_name, f"data no futuro ({day:%d/%m/%Y})")
    return day


def _int(value: str, field_name: str, *, required: bool = False, minimum: int = 0) -> int | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise _LineFail(field_name, "valor obrigatório")
        return None
    try:
        number = int(text)
    except ValueError as exc:
        raise _LineFail(field_name, f"número inteiro inválido '{text}'") from exc
    if number < minimum:
        raise _LineFail(field_name, f"não pode ser menor que {minimum}")
    return number


def _decimal(value: str, field_name: str) -> Decimal | None:
    text = (value or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise _LineFail(field_name, f"número inválido '{value}'") from exc


def _document(value: str, field_name: str) -> str:
    chars = strip_document(value)
    if document_kind(chars) is None:
        raise _LineFail(field_name, "CPF/CNPJ inválido: dígito verificador não confere")
    return chars


def _read(
    data: bytes | str, required: Iterable[str], report: ImportReport
) -> list[tuple[int, dict[str, str]]]:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        report.errors.append(
            LineError(1, missing[0], f"coluna obrigatória ausente no cabeçalho: {', '.join(missing)}")
        )
        return []
    return [(reader.line_num, row) for row in reader]


def _validate(
    rows: list[tuple[int, dict[str, str]]],
    report: ImportReport,
    parse: Callable[[dict[str, str]], tuple[Any, ...]],
) -> list[tuple[Any, ...]]:
    out = []
    for line, row in rows:
        try:
            out.append((line, *parse(row)))
        except _LineFail as fail:
            report.errors.append(LineError(line, fail.field, fail.reason))
    return out


def _duplicates(parsed: list[tuple[Any, ...]], key_index: int, field_name: str, report: ImportReport) -> None:
    seen: dict[Any, int] = {}
    for row in parsed:
        key = row[key_index]
        if key in seen:
            report.errors.append(LineError(row[0], field_name, f"repetido no arquivo (linha {seen[key]})"))
        else:
            seen[key] = row[0]


def _copy(cursor: Any, table: str, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    raw = cursor.cursor  # the driver's cursor: COPY is not in Django's API
    with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _sql_errors(cursor: Any, sql: str, field_name: str, reason: str, report: ImportReport) -> None:
    cursor.execute(sql)
    for (line,) in cursor.fetchall():
        report.errors.append(LineError(line, field_name, reason))


def _finish(report: ImportReport, actor: Actor, action: str) -> None:
    report.errors.sort(key=lambda e: (e.line, e.field))
    if report.errors:
        report.rejected = len({e.line for e in report.errors})
        raise _Rejected
    report.unchanged = report.read - report.created - report.updated
    audit_record(
        actor=actor,
        action=action,
        object_type="registry.import",
        object_id=report.entity,
        after={k: v for k, v in report.as_dict().items() if k != "errors"},
    )


def _run(report: ImportReport, body: Callable[[Any], None]) -> ImportReport:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            body(cursor)
    except _Rejected:
        report.created = report.updated = report.unchanged = 0
        report.details = {}
    return report


# --- customers ------------------------------------------------------------------------------------

CUSTOMER_COLUMNS = [
    "cpf_cnpj",
    "legacy_code",
    "kind",
    "name",
    "email",
    "phone",
    "phone_home",
    "phone_work",
    "rg",
    "birth_date",
    "mother_name",
    "mail_street",
    "mail_number",
    "mail_complement",
    "mail_neighbourhood",
    "mail_city",
    "mail_state",
    "mail_cep",
]
KINDS = {"": "person", "pf": "person", "person": "person", "pj": "company", "company": "company"}


def _unique_in_file(
    parsed: list[tuple[Any, ...]], key_index: int, field_name: str, report: ImportReport
) -> None:
    """Like _duplicates, for an optional key: rows without it never collide."""
    _duplicates([r for r in parsed if r[key_index]], key_index, field_name, report)


def import_customers(*, actor: Actor, data: bytes | str, today: dt.date) -> ImportReport:
    """Customers keyed by CPF/CNPJ or, for those the legacy system holds without one (ADR 0103), by
    the legacy customer code; a row with both may bring the document of a customer known by code."""
    report = ImportReport("customers")
    rows = _read(data, ("name",), report)
    if rows and not report.errors:
        header = set(rows[0][1])
        if not header & {"cpf_cnpj", "legacy_code"}:
            report.errors.append(
                LineError(1, "cpf_cnpj", "coluna obrigatória ausente no cabeçalho: cpf_cnpj (ou legacy_code)")
            )
            rows = []
    report.read = len(rows)

    def parse(row: dict[str, str]) -> tuple[Any, ...]:
        raw_doc = (row.get("cpf_cnpj") or "").strip()
        doc = _document(raw_doc, "cpf_cnpj") if strip_document(raw_doc) else None
        code = (row.get("legacy_code") or "").strip()[:20] or None
        if doc is None and code is None:
            raise _LineFail(
                "cpf_cnpj",
                "cliente sem CPF/CNPJ: informe o código do sistema legado (legacy_code) para identificá-lo",
            )
        name = (row.get("name") or "").strip()
        if len(name) < 3:
            raise _LineFail("name", "nome obrigatório (ao menos 3 letras)")
        email = (row.get("email") or "").strip()
        if email and ("@" not in email or "." not in email.split("@")[-1]):
            raise _LineFail("email", f"e-mail inválido '{email}'")
        try:
            cep = normalize_cep(row.get("mail_cep", ""))
        except ValueError as exc:
            raise _LineFail("mail_cep", "CEP inválido: deve ter 8 dígitos") from exc
        birth = _date(row.get("birth_date", ""), "birth_date", today)
        text = {c: (row.get(c) or "").strip() for c in CUSTOMER_COLUMNS}
        if doc is not None:
            kind = "person" if len(doc) == 11 else "company"
        elif text["kind"].lower() in KINDS:
            kind = KINDS[text["kind"].lower()]
        else:
            raise _LineFail("kind", f"tipo desconhecido '{text['kind']}' (use PF ou PJ)")
        return (
            doc, code, kind, name, fold(name), email, text["phone"][:20], text["phone_home"][:20], text["phone_work"][:20],
            text["rg"][:20], birth, text["mother_name"][:200], text["mail_street"][:200], text["mail_number"][:20],
            text["mail_complement"][:60], text["mail_neighbourhood"][:120], text["mail_city"][:120],
            text["mail_state"][:2].upper(), cep,
        )  # fmt: skip

    parsed = _validate(rows, report, parse)
    _unique_in_file(parsed, 1, "cpf_cnpj", report)
    _unique_in_file(parsed, 2, "legacy_code", report)
    cols = [
        "line", "customer_id", "cpf_cnpj", "legacy_code", "kind", "name", "name_search", "email", "phone", "phone_home",
        "phone_work", "rg", "birth_date", "mother_name", "mail_street", "mail_number", "mail_complement",
        "mail_neighbourhood", "mail_city", "mail_state", "mail_cep",
    ]  # fmt: skip
    data_cols = cols[2:]
    # what a row writes over a known customer: an empty document or code never erases one on file
    kept = {
        "cpf_cnpj": "COALESCE(t.cpf_cnpj, c.cpf_cnpj)",
        "legacy_code": "COALESCE(t.legacy_code, c.legacy_code)",
        "kind": "CASE WHEN t.cpf_cnpj IS NULL AND c.cpf_cnpj IS NOT NULL THEN c.kind ELSE t.kind END",
    }
    new_values = [kept.get(c, f"t.{c}") for c in data_cols]

    def resolve(cursor: Any) -> list[tuple[Any, ...]]:
        """Each row's customer, by legacy code first, then by document; conflicting keys are errors."""
        cursor.execute(
            "SELECT c.cpf_cnpj, c.id, c.legacy_code FROM unnest(%s::text[]) AS k(doc) "
            "JOIN registry_customer c ON c.cpf_cnpj = k.doc",
            [[r[1] for r in parsed if r[1]]],
        )
        by_doc = {doc: (pk, code) for doc, pk, code in cursor.fetchall()}
        cursor.execute(
            "SELECT c.legacy_code, c.id, c.cpf_cnpj FROM unnest(%s::text[]) AS k(code) "
            "JOIN registry_customer c ON c.legacy_code = k.code",
            [[r[2] for r in parsed if r[2]]],
        )
        by_code = {code: (pk, doc) for code, pk, doc in cursor.fetchall()}
        out = []
        for r in parsed:
            line, doc, code = r[0], r[1], r[2]
            known_by_doc = by_doc.get(doc) if doc else None
            known_by_code = by_code.get(code) if code else None
            if known_by_code and doc and known_by_code[1] and known_by_code[1] != doc:
                report.errors.append(
                    LineError(
                        line, "cpf_cnpj", f"o cliente de código {code} já tem outro CPF/CNPJ cadastrado"
                    )
                )
            elif known_by_code and known_by_doc and known_by_code[0] != known_by_doc[0]:
                report.errors.append(LineError(line, "cpf_cnpj", "CPF/CNPJ já pertence a outro cliente"))
            elif code and known_by_doc and known_by_doc[1] and known_by_doc[1] != code:
                report.errors.append(
                    LineError(line, "legacy_code", f"o cliente deste CPF/CNPJ tem o código {known_by_doc[1]}")
                )
            pk = (known_by_code or known_by_doc or (None,))[0]
            out.append((line, pk, *r[1:]))
        return out

    def body(cursor: Any) -> None:
        if report.errors:
            _finish(report, actor, "registry.import_customers")
        resolved = resolve(cursor)
        if report.errors:
            _finish(report, actor, "registry.import_customers")
        cursor.execute("DROP TABLE IF EXISTS imp_customer")
        cursor.execute(
            "CREATE TEMP TABLE imp_customer (line int, customer_id bigint, cpf_cnpj text, legacy_code text, "
            "kind text, name text, name_search text, email text, phone text, phone_home text, phone_work text, "
            "rg text, birth_date date, mother_name text, mail_street text, mail_number text, mail_complement text, "
            "mail_neighbourhood text, mail_city text, mail_state text, mail_cep text) ON COMMIT DROP"
        )
        _copy(cursor, "imp_customer", cols, resolved)
        cursor.execute(
            f"INSERT INTO registry_customer ({', '.join(data_cols)}, father_name, created_at, updated_at) "  # noqa: S608
            f"SELECT {', '.join(data_cols)}, '', now(), now() FROM imp_customer WHERE customer_id IS NULL"
        )
        report.created = cursor.rowcount
        cursor.execute(
            f"UPDATE registry_customer c SET ({', '.join(data_cols)}, updated_at) = "  # noqa: S608
            f"({', '.join(new_values)}, now()) FROM imp_customer t WHERE c.id = t.customer_id "
            f"AND ({', '.join('c.' + col for col in data_cols)}) IS DISTINCT FROM ({', '.join(new_values)})"
        )
        report.updated = cursor.rowcount
        _finish(report, actor, "registry.import_customers")

    return _run(report, body)


# --- properties -----------------------------------------------------------------------------------


def import_properties(*, actor: Actor, data: bytes | str, today: dt.date) -> ImportReport:
    report = ImportReport("properties")
    rows = _read(
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

    def parse(row: dict[str, str]) -> tuple[Any, ...]:
        try:
            base = parse_account_number(row.get("account_number", ""))
        except InvalidAccountNumber as exc:
            raise _LineFail("account_number", str(exc)) from exc
        try:
            insc = parse_inscription(row.get("inscription", ""))
        except InvalidInscription as exc:
            raise _LineFail("inscription", str(exc)) from exc
        try:
            shares = shares_of(row.get("categories", ""))
        except InvalidEconomies as exc:
            raise _LineFail(exc.field, str(exc)) from exc
        street = (row.get("street") or "").strip()
        street_type = (row.get("street_type") or "Rua").strip() or "Rua"
        hood = (row.get("neighbourhood") or "").strip()
        if not street:
            raise _LineFail("street", "logradouro obrigatório")
        if not hood:
            raise _LineFail("neighbourhood", "bairro obrigatório")
        number = (row.get("number") or "").strip()[:10] or "S/N"
        complement = (row.get("complement") or "").strip()[:60]
        try:
            cep = normalize_cep(row.get("cep", ""))
        except ValueError as exc:
            raise _LineFail("cep", "CEP inválido: deve ter 8 dígitos") from exc
        lat, lon = (
            _decimal(row.get("latitude", ""), "latitude"),
            _decimal(row.get("longitude", ""), "longitude"),
        )
        if lat is not None and not -90 <= lat <= 90:
            raise _LineFail("latitude", "latitude fora do intervalo −90 a 90")
        if lon is not None and not -180 <= lon <= 180:
            raise _LineFail("longitude", "longitude fora do intervalo −180 a 180")
        if (lat is None) != (lon is None):
            raise _LineFail("latitude", "informe latitude e longitude juntas")
        group = _int(row.get("billing_group", ""), "billing_group")
        route = _int(row.get("route", ""), "route")
        sequence = _int(row.get("route_sequence", ""), "route_sequence", minimum=1)
        if route is not None and group is None:
            raise _LineFail("billing_group", "rota informada sem grupo de faturamento")
        holder = (row.get("holder_cpf_cnpj") or "").strip()
        holder_code = (row.get("holder_legacy_code") or "").strip()
        # the holder's key: the document, else the legacy code of a customer without one
        holder_doc = _document(holder, "holder_cpf_cnpj") if holder else None
        if holder_doc is None and holder_code:
            holder_doc = LEGACY_KEY + holder_code
        holder_since = _date(row.get("holder_since", ""), "holder_since", today)
        conns = []
        for kind in ("water", "sewer"):
            situation = (row.get(f"{kind}_situation") or "").strip().lower()
            if situation and situation not in SITUATIONS:
                raise _LineFail(f"{kind}_situation", f"situação desconhecida '{situation}'")
            since = _date(row.get(f"{kind}_since", ""), f"{kind}_since", today)
            conns += [situation or None, since or (today if situation else None)]
        for share in shares:
            categories_rows.append((base, category_ids[share.category], share.economies))
        address = fold(f"{street_type} {street} {number} {complement} {hood}")
        return (
            base, f"{base}-{row['account_number'].strip()[-1]}", *insc.parts(), insc.formatted(), street_type,
            street, fold_name(f"{street_type} {street}"), hood, fold_name(hood), number, complement, cep, address, lat, lon,
            group, route, sequence, total_economies(shares), holder_doc, holder_since or today, *conns,
        )  # fmt: skip

    parsed = _validate(rows, report, parse)
    _duplicates(parsed, 1, "account_number", report)
    _duplicates(parsed, 8, "inscription", report)
    cols = [
        "line", "property_id", "created", "account_base", "account_number", "locality", "sector", "block", "lot",
        "sublot", "inscription", "street_id", "number", "complement", "neighbourhood_id", "cep", "address_search",
        "latitude", "longitude", "group_id", "route_id", "route_sequence", "economies_total", "customer_id",
        "holder_since", "water_situation", "water_since", "sewer_situation", "sewer_since", "new_owner",
        "new_bill_payer",
    ]  # fmt: skip

    def body(cursor: Any) -> None:
        if report.errors or city is None:
            _finish(report, actor, "registry.import_properties")
        # Every reference is resolved here, before the COPY, from small tables (groups, routes, streets,
        # neighbourhoods) or by the file's own keys (customers, properties): the temporary table is
        # written once. Resolving them with UPDATE … FROM rewrote all its rows once per column (eleven
        # times), which was most of the import's time.
        groups = dict(BillingGroup.objects.values_list("code", "id"))
        routes = {(g, code): pk for g, code, pk in Route.objects.values_list("group_id", "code", "id")}
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
            group_id = groups.get(group) if group is not None else None
            route_id = routes.get((group_id, route)) if route is not None else None
            customer_id = customers.get(holder) if holder else None
            if group is not None and group_id is None:
                report.errors.append(LineError(line, "billing_group", "grupo de faturamento não cadastrado"))
            if route is not None and route_id is None:
                report.errors.append(LineError(line, "route", "rota não cadastrada neste grupo"))
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
        _copy(cursor, "imp_property", cols, rows_out())
        _copy(
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
        _sql_errors(
            cursor,
            "SELECT t.line FROM imp_property t JOIN registry_property p ON p.inscription = t.inscription "
            "AND p.account_base <> t.account_base",
            "inscription", "inscrição já pertence a outra matrícula", report,
        )  # fmt: skip
        _sql_errors(
            cursor,
            "SELECT t.line FROM imp_property t JOIN registry_property p ON p.route_id = t.route_id "
            "AND p.route_sequence = t.route_sequence AND p.account_base <> t.account_base",
            "route_sequence", "sequência já ocupada nesta rota por outra matrícula", report,
        )  # fmt: skip
        if report.errors:
            _finish(report, actor, "registry.import_properties")
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
        _finish(report, actor, "registry.import_properties")

    return _run(report, body)


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
            "INSERT INTO registry_street (city_id, street_type, name, name_search) "
            "SELECT %s, * FROM unnest(%s::text[], %s::text[], %s::text[]) "
            "ON CONFLICT (city_id, street_type, name) DO NOTHING",
            [city_id, firsts, seconds, searches],
        )
    else:
        cursor.execute(
            "INSERT INTO registry_neighbourhood (city_id, name, name_search) "
            "SELECT %s, * FROM unnest(%s::text[], %s::text[]) ON CONFLICT (city_id, name) DO NOTHING",
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


# --- meters ---------------------------------------------------------------------------------------


def import_meters(*, actor: Actor, data: bytes | str, today: dt.date) -> ImportReport:
    import re

    report = ImportReport("meters")
    rows = _read(
        data,
        ("number", "manufacturer", "capacity", "diameter_mm", "metrological_class", "manufacture_year"),
        report,
    )
    report.read = len(rows)

    def parse(row: dict[str, str]) -> tuple[Any, ...]:
        number = re.sub(r"[\s\-./]", "", row.get("number") or "").upper()
        if not number or len(number) > 20:
            raise _LineFail("number", "número do hidrômetro obrigatório (até 20 caracteres)")
        manufacturer = (row.get("manufacturer") or "").strip()
        if not manufacturer:
            raise _LineFail("manufacturer", "fabricante obrigatório")
        capacity = _decimal(row.get("capacity", ""), "capacity")
        if capacity is None or capacity <= 0:
            raise _LineFail("capacity", "capacidade deve ser maior que zero")
        diameter = _int(row.get("diameter_mm", ""), "diameter_mm", required=True, minimum=1)
        klass = (row.get("metrological_class") or "").strip().upper()
        if klass not in ("A", "B", "C", "D"):
            raise _LineFail("metrological_class", "classe metrológica deve ser A, B, C ou D")
        year = _int(row.get("manufacture_year", ""), "manufacture_year", required=True)
        if year is None or not 1950 <= year <= today.year:
            raise _LineFail("manufacture_year", f"ano de fabricação inválido (1950 a {today.year})")
        calibrated = _date(row.get("calibrated_on", ""), "calibrated_on", today)
        account = (row.get("account_number") or "").strip()
        base = None
        if account:
            try:
                base = parse_account_number(account)
            except InvalidAccountNumber as exc:
                raise _LineFail("account_number", str(exc)) from exc
        installed = _date(row.get("installed_on", ""), "installed_on", today, required=base is not None)
        initial = _int(row.get("initial_reading", ""), "initial_reading", required=base is not None)
        return (
            number, manufacturer[:60], (row.get("model") or "").strip()[:60], capacity, diameter, klass, year,
            calibrated, base, installed, initial,
        )  # fmt: skip

    parsed = _validate(rows, report, parse)
    _duplicates(parsed, 1, "number", report)
    cols = [
        "line", "number", "manufacturer", "model", "capacity", "diameter_mm", "metrological_class",
        "manufacture_year", "calibrated_on", "account_base", "installed_on", "initial_reading",
    ]  # fmt: skip

    def body(cursor: Any) -> None:
        if report.errors:
            _finish(report, actor, "registry.import_meters")
        cursor.execute("DROP TABLE IF EXISTS imp_meter")
        cursor.execute(
            "CREATE TEMP TABLE imp_meter (line int, number text, manufacturer text, model text, capacity numeric, "
            "diameter_mm int, metrological_class text, manufacture_year int, calibrated_on date, account_base int, "
            "installed_on date, initial_reading int, connection_id bigint, meter_id bigint, installed boolean) "
            "ON COMMIT DROP"
        )
        _copy(cursor, "imp_meter", cols, parsed)
        cursor.execute("CREATE INDEX ON imp_meter (account_base)")
        cursor.execute("CREATE INDEX ON imp_meter (number)")
        cursor.execute("ANALYZE imp_meter")
        cursor.execute(
            "UPDATE imp_meter t SET connection_id = sc.id FROM registry_property p "
            "JOIN registry_serviceconnection sc ON sc.property_id = p.id AND sc.kind = 'water' "
            "WHERE p.account_base = t.account_base"
        )
        _sql_errors(cursor, "SELECT line FROM imp_meter WHERE account_base IS NOT NULL AND connection_id IS NULL",
                    "account_number", "matrícula inexistente ou sem ligação de água", report)  # fmt: skip
        _sql_errors(
            cursor,
            "SELECT t.line FROM imp_meter t JOIN metering_meter m ON m.number = t.number "
            "JOIN metering_installation i ON i.meter_id = m.id AND i.removed_on IS NULL "
            "WHERE t.connection_id IS DISTINCT FROM i.connection_id",
            "number", "hidrômetro já instalado em outra ligação", report,
        )  # fmt: skip
        _sql_errors(
            cursor,
            "SELECT t.line FROM imp_meter t JOIN metering_installation i ON i.connection_id = t.connection_id "
            "AND i.removed_on IS NULL JOIN metering_meter m ON m.id = i.meter_id WHERE m.number <> t.number",
            "account_number", "a ligação já tem outro hidrômetro instalado", report,
        )  # fmt: skip
        _sql_errors(
            cursor,
            "SELECT line FROM (SELECT line, row_number() OVER (PARTITION BY connection_id ORDER BY line) AS n "
            "FROM imp_meter WHERE connection_id IS NOT NULL) x WHERE n > 1",
            "account_number", "dois hidrômetros para a mesma ligação no arquivo", report,
        )  # fmt: skip
        if report.errors:
            _finish(report, actor, "registry.import_meters")
        data_cols = [
            "manufacturer",
            "model",
            "capacity",
            "diameter_mm",
            "metrological_class",
            "manufacture_year",
            "calibrated_on",
        ]
        cursor.execute(
            f"INSERT INTO metering_meter (number, {', '.join(data_cols)}, dials, jet, mechanism, invoice_number, "  # noqa: S608
            f"status, created_at) SELECT number, {', '.join(data_cols)}, 5, '', '', '', 'stock', now() FROM imp_meter "
            f"ON CONFLICT (number) DO UPDATE SET {', '.join(f'{c} = EXCLUDED.{c}' for c in data_cols)} "
            f"WHERE ({', '.join('metering_meter.' + c for c in data_cols)}) "
            f"IS DISTINCT FROM ({', '.join('EXCLUDED.' + c for c in data_cols)}) RETURNING id, (xmax = 0)"
        )
        returned = cursor.fetchall()
        created_ids = [pk for pk, inserted in returned if inserted]
        report.created, report.updated = len(created_ids), len(returned) - len(created_ids)
        cursor.execute(
            "UPDATE imp_meter t SET meter_id = m.id FROM metering_meter m WHERE m.number = t.number"
        )
        if created_ids:
            cursor.execute(
                'INSERT INTO metering_movement (meter_id, status_from, status_to, "on", reason, actor, at) '
                "SELECT id, '', 'stock', %s, 'importação', %s, now() FROM metering_meter WHERE id = ANY(%s)",
                [today, actor.get_username(), created_ids],
            )
        cursor.execute("UPDATE imp_meter SET installed = false")
        cursor.execute(
            "UPDATE imp_meter t SET installed = true FROM metering_installation i "
            "WHERE i.meter_id = t.meter_id AND i.removed_on IS NULL"
        )
        # three plain statements, not one CTE: the planner has no row estimate for a CTE and joins
        # the whole meter table against it in a nested loop (minutes at 200,000 meters)
        cursor.execute(
            "INSERT INTO metering_installation (meter_id, connection_id, installed_on, initial_reading, "
            "seal, removal_reason, removal_destination, installed_by, removed_by) "
            "SELECT t.meter_id, t.connection_id, t.installed_on, t.initial_reading, '', '', '', %s, '' "
            "FROM imp_meter t WHERE t.connection_id IS NOT NULL AND NOT t.installed RETURNING id",
            [actor.get_username()],
        )
        installed = [row[0] for row in cursor.fetchall()]
        if installed:
            cursor.execute(
                'INSERT INTO metering_movement (meter_id, status_from, status_to, "on", reason, installation_id, '
                "actor, at) SELECT meter_id, 'stock', 'installed', installed_on, 'importação', id, %s, now() "
                "FROM metering_installation WHERE id = ANY(%s)",
                [actor.get_username(), installed],
            )
            cursor.execute(
                "UPDATE metering_meter m SET status = 'installed' FROM metering_installation i "
                "WHERE i.id = ANY(%s) AND m.id = i.meter_id",
                [installed],
            )
        report.details["installations_created"] = len(installed)
        cursor.execute(
            "UPDATE registry_serviceconnection sc SET metered = true FROM imp_meter t "
            "WHERE sc.id = t.connection_id AND NOT sc.metered"
        )
        _finish(report, actor, "registry.import_meters")

    return _run(report, body)


IMPORTERS: dict[str, Callable[..., ImportReport]] = {
    "customers": import_customers,
    "properties": import_properties,
    "meters": import_meters,
}


def import_directory_files(*, actor: Actor, files: dict[str, bytes], today: dt.date) -> list[ImportReport]:
    """Import the files present, in dependency order; each is its own all-or-nothing transaction."""
    return [IMPORTERS[name](actor=actor, data=files[name], today=today) for name in FILES if name in files]
