"""Set-based matching of a return file's G records (ADR 0034).

The records are COPYed into a temporary table, matched to bills by barcode in one join, judged in SQL
by the rules of `domain.matching.payment_judge` (cancelled, not issued, already settled, held by an
agreement, paid twice in the file, wrong amount: the same verdicts, in the same order, with the same
details and review reasons, bound from there), and written with INSERT … SELECT: payments,
settlements and the bills' status. tests/collection/test_payment_cases.py drives one table of cases
through this path, the general matcher and the pure function. The caller's transaction makes it
all-or-nothing; the partial unique indexes remain the last word against a race.

Records whose barcode is not a bill's go through `matcher.payments_match` afterwards (documents — guias —
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
from .domain import matching
from .domain.matching import Verdict
from .matcher import REVIEW_REASONS
from .models import CollectingAgent, Payment, ReturnFile, Settlement

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
        # The judgement of domain.matching.payment_judge for bills, in its order, and the batch rule:
        # the first line paying a bill to the cent settles it; any later line for that bill is
        # already paid. The verdicts, details and reasons are bound from the domain and the matcher.
        cur.execute(
            f"ALTER TABLE {_M_TABLE} ADD COLUMN verdict varchar(20), ADD COLUMN reason varchar(14), "
            "ADD COLUMN detail varchar(300)"
        )
        cur.execute(
            f"""
            WITH first_ok AS (
                SELECT bill_id, min(line) AS line FROM {_M_TABLE}
                WHERE bill_status = %(released)s AND NOT settled AND NOT held AND amount = bill_total
                GROUP BY bill_id
            )
            UPDATE {_M_TABLE} m SET verdict = CASE
                    WHEN m.bill_status = %(cancelled)s THEN %(v_cancelled)s
                    WHEN m.bill_status = %(draft)s THEN %(v_not_issued)s
                    WHEN m.settled OR m.bill_status = %(paid)s OR m.line > f.line THEN %(v_paid)s
                    WHEN m.held THEN %(v_held)s
                    WHEN m.amount <> m.bill_total THEN %(v_wrong)s
                    ELSE %(v_settle)s END
            FROM {_M_TABLE} mm LEFT JOIN first_ok f ON f.bill_id = mm.bill_id
            WHERE mm.line = m.line
            """,
            {
                "released": BillStatus.RELEASED,
                "cancelled": BillStatus.CANCELLED,
                "draft": BillStatus.DRAFT,
                "paid": BillStatus.PAID,
                "v_cancelled": Verdict.CANCELLED,
                "v_not_issued": Verdict.NOT_ISSUED,
                "v_paid": Verdict.ALREADY_PAID,
                "v_held": Verdict.HELD,
                "v_wrong": Verdict.WRONG_AMOUNT,
                "v_settle": Verdict.SETTLE,
            },
        )
        before, after = matching.WRONG_AMOUNT_BILL
        cur.execute(
            f"""
            UPDATE {_M_TABLE} m SET reason = r.reason, detail = CASE m.verdict
                    WHEN %(v_cancelled)s THEN %(d_cancelled)s
                    WHEN %(v_not_issued)s THEN %(d_not_issued)s
                    WHEN %(v_paid)s THEN %(d_paid)s
                    WHEN %(v_held)s THEN m.held_detail
                    WHEN %(v_wrong)s THEN
                        %(d_before)s || {_brl("m.amount")} || %(d_after)s || {_brl("m.bill_total")}
                    ELSE '' END
            FROM unnest(%(verdicts)s::text[], %(reasons)s::text[]) AS r(verdict, reason)
            WHERE r.verdict = m.verdict
            """,
            {
                "v_cancelled": Verdict.CANCELLED,
                "v_not_issued": Verdict.NOT_ISSUED,
                "v_paid": Verdict.ALREADY_PAID,
                "v_held": Verdict.HELD,
                "v_wrong": Verdict.WRONG_AMOUNT,
                "d_cancelled": matching.BILL_CANCELLED,
                "d_not_issued": matching.BILL_NOT_ISSUED,
                "d_paid": matching.BILL_ALREADY_PAID,
                "d_before": before,
                "d_after": after,
                "verdicts": [str(v) for v in REVIEW_REASONS],
                "reasons": [str(r) for r in REVIEW_REASONS.values()],
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
