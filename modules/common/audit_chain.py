"""The audit hash chain (ADR 0240): verification, the retention purge, and the digest's one home.

The chain is written by the database (migration 0006: a deferred trigger seals each committed row
with seq, the previous row's hash and its own); this module only reads it back and finds the first
row where the chain does not hold: content changed (the row's hash is not the digest of what it
says), a broken link (its prev_hash is not the hash of the row before), a missing row (a gap in
seq), a row never sealed, or a cut end (the last row is not the tip the chain head remembers).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction

from .audit import SystemActor, audit_record
from .models import AuditChain, AuditPolicy, LegacyAuditEntry

BREAK_MESSAGES = {
    "content_changed": "O conteúdo do registro foi alterado depois de gravado.",
    "link_broken": "O registro não aponta para o registro anterior da cadeia.",
    "row_missing": "Falta um registro na cadeia (sequência interrompida).",
    "unsealed": "Registro fora da cadeia (gravado sem passar pelo selo).",
    "tip_missing": "Os últimos registros da cadeia foram removidos.",
}


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int | None
    seq: int | None
    reason: str

    @property
    def message(self) -> str:
        return BREAK_MESSAGES[self.reason]


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    tip_seq: int
    first_break: ChainBreak | None


_FIRST_BAD_ROW = """
WITH c AS (
    SELECT s.entry_id, s.seq, s.prev_hash, s.row_hash,
           CASE WHEN e.id IS NULL THEN NULL ELSE audit_entry_link(s.prev_hash, s.seq, e) END AS recomputed,
           lag(s.row_hash) OVER w AS before_hash,
           lag(s.seq) OVER w AS before_seq
      FROM common_auditseal s
      LEFT JOIN common_auditentry e ON e.id = s.entry_id
     WHERE s.seq > %(after)s
    WINDOW w AS (ORDER BY s.seq)
)
SELECT entry_id, seq,
       CASE WHEN seq <> coalesce(before_seq, %(after)s) + 1 THEN 'row_missing'
            WHEN prev_hash <> coalesce(before_hash, %(after_hash)s) THEN 'link_broken'
            WHEN recomputed IS NULL THEN 'row_missing'
            ELSE 'content_changed' END
  FROM c
 WHERE recomputed IS DISTINCT FROM row_hash
    OR prev_hash <> coalesce(before_hash, %(after_hash)s)
    OR seq <> coalesce(before_seq, %(after)s) + 1
 ORDER BY seq
 LIMIT 1
"""

_FIRST_UNSEALED = """
SELECT e.id FROM common_auditentry e
 WHERE NOT EXISTS (SELECT 1 FROM common_auditseal s WHERE s.entry_id = e.id)
 ORDER BY e.id LIMIT 1
"""


def audit_chain_verify() -> ChainReport:
    """Recompute the current schema's chain from the purge anchor to the tip. A read: it writes
    nothing but the seal of the caller's own pending rows (which its commit would seal anyway), and
    sees only committed rows: a row without a seal is one written past the triggers."""
    seal_pending()
    head = AuditChain.objects.get(pk=1)
    with connection.cursor() as cursor:
        cursor.execute(_FIRST_UNSEALED)
        unsealed = cursor.fetchone()
        cursor.execute(
            "SELECT count(*), coalesce(max(seq), %s) FROM common_auditseal WHERE seq > %s",
            [head.anchor_seq, head.anchor_seq],
        )
        checked, last_seq = cursor.fetchone()
        cursor.execute(_FIRST_BAD_ROW, {"after": head.anchor_seq, "after_hash": head.anchor_hash})
        bad = cursor.fetchone()
        last_hash = head.anchor_hash
        if last_seq > head.anchor_seq:
            cursor.execute("SELECT row_hash FROM common_auditseal WHERE seq = %s", [last_seq])
            last_hash = cursor.fetchone()[0]
    first: ChainBreak | None = None
    if bad is not None:
        first = ChainBreak(entry_id=bad[0], seq=bad[1], reason=bad[2])
    elif last_seq != head.tip_seq or last_hash != head.tip_hash:
        first = ChainBreak(entry_id=None, seq=last_seq + 1, reason="tip_missing")
    elif unsealed is not None:
        first = ChainBreak(entry_id=unsealed[0], seq=None, reason="unsealed")
    return ChainReport(ok=first is None, checked=checked, tip_seq=head.tip_seq, first_break=first)


@dataclass(frozen=True)
class PurgeResult:
    audit_rows: int
    legacy_rows: int


@transaction.atomic(durable=True)
def audit_retention_purge(*, now: dt.datetime) -> PurgeResult:
    """Remove what the utility's retention policy no longer keeps: live rows leave the chain as a
    prefix (its last hash stays as the anchor, so the rest still verifies), legacy rows by date. The
    purge itself is an audit row, the first of what remains after the next purge."""
    policy = AuditPolicy.current()
    audit_rows = legacy_rows = 0
    if policy.retention_days:
        with connection.cursor() as cursor:
            cursor.execute("SELECT audit_chain_purge(%s)", [now - dt.timedelta(days=policy.retention_days)])
            audit_rows = int(cursor.fetchone()[0])
    if policy.legacy_retention_days:
        legacy_rows, _ = LegacyAuditEntry.objects.filter(
            at__lt=now - dt.timedelta(days=policy.legacy_retention_days)
        ).delete()
    if audit_rows or legacy_rows:
        audit_record(
            actor=SystemActor("retencao-auditoria"),
            action="common.audit_purge",
            object_type="common.auditchain",
            object_id=1,
            after={"audit_rows": audit_rows, "legacy_rows": legacy_rows},
            reason=f"Política de retenção: {policy.retention_days} dia(s); legado: "
            f"{policy.legacy_retention_days} dia(s)",
        )
    return PurgeResult(audit_rows=audit_rows, legacy_rows=legacy_rows)


def seal_pending() -> None:
    """Seal the rows of the caller's own transaction now instead of at its commit (the verification
    page and tests, which run inside a transaction that has written audit rows). Runs inside the
    caller's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS audit_entry_seal IMMEDIATE")
        cursor.execute("SET CONSTRAINTS audit_entry_seal DEFERRED")
