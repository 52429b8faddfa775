"""Set-based matching of a return file's G records (ADR 0034).

The records are COPYed into a temporary table, matched to bills by barcode in one join, judged by the
same rules as `services._apply` (cancelled, not issued, already settled, held by an agreement, paid
twice in the file, wrong amount) in SQL, and written with INSERT … SELECT: payments, settlements and
the bills' status. The caller's transaction makes it all-or-nothing; the partial unique indexes
remain the last word against a race.

Records whose barcode is not a bill's go through `services._apply` afterwards (documents — guias —
are few, and their settlement runs the debt hooks). A bill paid in the same file both directly and
through a document is settled by the direct payment; the document goes to review as paid by another
means, whatever the order of the lines.
"""

# Table names in these statements are module constants and model tables; every value is bound.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.utils import timezone

from modules.billing.models import Bill, BillStatus
from modules.common.audit import Actor

from .documents import held_bills
from .models import CollectingAgent, Payment, ReturnFile, Settlement

R = Payment.Review

_G_TABLE = "collection_incoming_g"
_M_TABLE = "collection_matched_g"


def _brl(column: str) -> str:
    """SQL for format_brl: 1234.5 → 1.234,50 (literal separators swapped; no locale involved)."""
    return f"translate(to_char({column}, 'FM999,999,999,990.00'), ',.', '.,')"


def import_bill_payments(
    *, actor: Actor, agent: CollectingAgent, return_file: ReturnFile, items: Sequence[Any]
) -> tuple[int, int, list[Any]]:
    """Record every item whose barcode is a bill's; return (applied, review, items left for the
    document path)."""
    payment, settlement, bill = Payment._meta.db_table, Settlement._meta.db_table, Bill._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {_G_TABLE}, {_M_TABLE}")
        cur.execute(
            f"CREATE TEMPORARY TABLE {_G_TABLE} (line integer PRIMARY KEY, barcode varchar(44) NOT NULL, "
            "amount numeric(12, 2) NOT NULL, fee numeric(8, 2) NOT NULL, paid_on date NOT NULL, "
            "credited_on date NOT NULL, authentication varchar(40) NOT NULL) ON COMMIT DROP"
        )
        with cur.copy(
            f"COPY {_G_TABLE} (line, barcode, amount, fee, paid_on, credited_on, authentication) FROM STDIN"
        ) as copy:
            for item in items:
                copy.write_row(
                    (
                        item.line,
                        item.barcode,
                        item.amount,
                        item.fee,
                        item.paid_on,
                        item.credited_on,
                        item.authentication,
                    )
                )
        cur.execute(f"ANALYZE {_G_TABLE}")
        # One bill per barcode: a cancelled bill and its re-issue may share it, the live one wins.
        cur.execute(
            f"CREATE TEMPORARY TABLE {_M_TABLE} ON COMMIT DROP AS "
            f"SELECT g.*, b.id AS bill_id, b.status AS bill_status, b.total AS bill_total, "
            "b.property_id, "
            f"EXISTS (SELECT 1 FROM {settlement} s WHERE s.bill_id = b.id AND NOT s.reversed) AS settled, "
            "false AS held, ''::varchar(300) AS held_detail "
            f"FROM {_G_TABLE} g JOIN (SELECT DISTINCT ON (barcode) id, barcode, status, total, property_id "
            f"FROM {bill} WHERE barcode IN (SELECT barcode FROM {_G_TABLE}) "
            "ORDER BY barcode, status = %s, id) b ON b.barcode = g.barcode",
            [BillStatus.CANCELLED],
        )
        cur.execute(f"SELECT DISTINCT bill_id FROM {_M_TABLE} WHERE bill_status = %s", [BillStatus.RELEASED])
        held = held_bills([row[0] for row in cur.fetchall()])
        if held:
            cur.execute(
                f"UPDATE {_M_TABLE} m SET held = true, held_detail = h.detail "
                "FROM unnest(%s::bigint[], %s::text[]) AS h(bill_id, detail) WHERE m.bill_id = h.bill_id",
                [list(held), [detail[:300] for detail in held.values()]],
            )
        # The judgement, in the order `_apply` checks: the first line paying a bill to the cent
        # settles it; any later line for that bill is a duplicate.
        cur.execute(f"ALTER TABLE {_M_TABLE} ADD COLUMN reason varchar(14), ADD COLUMN detail varchar(300)")
        duplicate = "m.settled OR m.bill_status = %(paid)s OR m.line > f.line"
        cur.execute(
            f"""
            WITH first_ok AS (
                SELECT bill_id, min(line) AS line FROM {_M_TABLE}
                WHERE bill_status = %(released)s AND NOT settled AND NOT held AND amount = bill_total
                GROUP BY bill_id
            ), judged AS (
                SELECT m.line,
                    CASE
                        WHEN m.bill_status = %(cancelled)s THEN %(r_cancelled)s
                        WHEN m.bill_status = %(draft)s THEN %(r_unknown)s
                        WHEN {duplicate} THEN %(r_duplicate)s
                        WHEN m.held THEN %(r_held)s
                        WHEN m.amount <> m.bill_total THEN %(r_wrong)s
                        ELSE '' END AS reason,
                    CASE
                        WHEN m.bill_status = %(cancelled)s THEN 'fatura cancelada'
                        WHEN m.bill_status = %(draft)s THEN 'fatura ainda não emitida (em crítica)'
                        WHEN {duplicate} THEN 'fatura já paga'
                        WHEN m.held THEN m.held_detail
                        WHEN m.amount <> m.bill_total THEN
                            'pago R$ ' || {_brl("m.amount")} || ', fatura de R$ ' || {_brl("m.bill_total")}
                        ELSE '' END AS detail
                FROM {_M_TABLE} m LEFT JOIN first_ok f ON f.bill_id = m.bill_id
            )
            UPDATE {_M_TABLE} m SET reason = j.reason, detail = j.detail FROM judged j WHERE j.line = m.line
            """,
            {
                "released": BillStatus.RELEASED,
                "cancelled": BillStatus.CANCELLED,
                "draft": BillStatus.DRAFT,
                "paid": BillStatus.PAID,
                "r_cancelled": R.CANCELLED,
                "r_unknown": R.UNKNOWN,
                "r_duplicate": R.DUPLICATE,
                "r_held": R.IN_AGREEMENT,
                "r_wrong": R.WRONG_AMOUNT,
            },
        )
        now = timezone.now()
        cur.execute(
            f"INSERT INTO {payment} (agent_id, channel, status, review_reason, review_detail, "
            "bill_id, document_id, property_id, barcode, amount, fee, paid_on, credited_on, "
            "return_file_id, line, authentication, gateway_charge_id, created_by, created_at, "
            "resolved_by, resolved_at, resolution) "
            "SELECT %s, %s, CASE WHEN reason = '' THEN %s ELSE %s END, reason, detail, "
            "bill_id, NULL, property_id, barcode, amount, fee, paid_on, credited_on, "
            "%s, line, authentication, NULL, %s, %s, "
            f"'', NULL, '' FROM {_M_TABLE} ORDER BY line",
            [
                agent.pk,
                Payment.Channel.RETURN_FILE,
                Payment.Status.APPLIED,
                Payment.Status.REVIEW,
                return_file.pk,
                actor.get_username(),
                now,
            ],
        )
        cur.execute(
            f"INSERT INTO {settlement} (payment_id, bill_id, amount, paid_on, reversed) "
            f"SELECT p.id, p.bill_id, p.amount, p.paid_on, false FROM {payment} p "
            "WHERE p.return_file_id = %s AND p.status = %s AND p.bill_id IS NOT NULL",
            [return_file.pk, Payment.Status.APPLIED],
        )
        cur.execute(
            f"UPDATE {bill} b SET status = %s FROM {_M_TABLE} m WHERE m.reason = '' AND b.id = m.bill_id",
            [BillStatus.PAID],
        )
        cur.execute(f"SELECT count(*) FILTER (WHERE reason = ''), count(*) FROM {_M_TABLE}")
        applied, matched = cur.fetchone()
        cur.execute(f"SELECT line FROM {_G_TABLE} EXCEPT SELECT line FROM {_M_TABLE}")
        rest_lines = {row[0] for row in cur.fetchall()}
    rest = [item for item in items if item.line in rest_lines]
    return applied, matched - applied, rest
