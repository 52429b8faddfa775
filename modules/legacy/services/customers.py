# ruff: noqa: E501 - SQL statements read better unwrapped
"""customers.csv: customers keyed by legacy code or CPF/CNPJ (layout in docs/registry-import.md).

Accepted rows go in with COPY into a temporary table and one set-based upsert that only touches
customers whose values differ, so re-importing the same file changes nothing. The registry's table is
written in SQL for speed; this app sits above the registry and says so by importing it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction

from modules.common.audit import Actor
from modules.common.domain.documents import strip_document
from modules.registry.domain.text import fold, normalize_cep

from ..files import (
    ImportReport,
    LineError,
    LineFail,
    copy_rows,
    duplicates,
    finish,
    load,
    parse_date,
    parse_document,
    read_rows,
    validate_rows,
)

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
    """Like duplicates, for an optional key: rows without it never collide."""
    duplicates([r for r in parsed if r[key_index]], key_index, field_name, report)


@transaction.atomic(durable=True)
def import_customers(*, actor: Actor, data: bytes | str, today: dt.date) -> ImportReport:
    """Customers keyed by CPF/CNPJ or, for those the legacy system holds without one (ADR 0103), by
    the legacy customer code; a row with both may bring the document of a customer known by code."""
    report = ImportReport("customers")
    rows = read_rows(data, ("name",), report)
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
        doc = parse_document(raw_doc, "cpf_cnpj") if strip_document(raw_doc) else None
        code = (row.get("legacy_code") or "").strip()[:20] or None
        if doc is None and code is None:
            raise LineFail(
                "cpf_cnpj",
                "cliente sem CPF/CNPJ: informe o código do sistema legado (legacy_code) para identificá-lo",
            )
        name = (row.get("name") or "").strip()
        if len(name) < 3:
            raise LineFail("name", "nome obrigatório (ao menos 3 letras)")
        email = (row.get("email") or "").strip()
        if email and ("@" not in email or "." not in email.split("@")[-1]):
            raise LineFail("email", f"e-mail inválido '{email}'")
        try:
            cep = normalize_cep(row.get("mail_cep", ""))
        except ValueError as exc:
            raise LineFail("mail_cep", "CEP inválido: deve ter 8 dígitos") from exc
        birth = parse_date(row.get("birth_date", ""), "birth_date", today)
        text = {c: (row.get(c) or "").strip() for c in CUSTOMER_COLUMNS}
        if doc is not None:
            kind = "person" if len(doc) == 11 else "company"
        elif text["kind"].lower() in KINDS:
            kind = KINDS[text["kind"].lower()]
        else:
            raise LineFail("kind", f"tipo desconhecido '{text['kind']}' (use PF ou PJ)")
        return (
            doc, code, kind, name, fold(name), email, text["phone"][:20], text["phone_home"][:20], text["phone_work"][:20],
            text["rg"][:20], birth, text["mother_name"][:200], text["mail_street"][:200], text["mail_number"][:20],
            text["mail_complement"][:60], text["mail_neighbourhood"][:120], text["mail_city"][:120],
            text["mail_state"][:2].upper(), cep,
        )  # fmt: skip

    parsed = validate_rows(rows, report, parse)
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

    def body() -> None:
        with connection.cursor() as cursor:
            if report.errors:
                finish(report, actor, "registry.import_customers")
            resolved = resolve(cursor)
            if report.errors:
                finish(report, actor, "registry.import_customers")
            cursor.execute("DROP TABLE IF EXISTS imp_customer")
            cursor.execute(
                "CREATE TEMP TABLE imp_customer (line int, customer_id bigint, cpf_cnpj text, legacy_code text, "
                "kind text, name text, name_search text, email text, phone text, phone_home text, phone_work text, "
                "rg text, birth_date date, mother_name text, mail_street text, mail_number text, mail_complement text, "
                "mail_neighbourhood text, mail_city text, mail_state text, mail_cep text) ON COMMIT DROP"
            )
            copy_rows(cursor, "imp_customer", cols, resolved)
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
            finish(report, actor, "registry.import_customers")

    return load(report, body)
