"""The collection ladder (régua de cobrança, issue #16): steps by code, each a selection with a preview
(counts and amounts, nothing written) and a run that commits the same selection idempotently (run
twice on a day, nothing more is written).

A step is registered with one call, `register_step(code, label=..., preview=..., run=...)`: debt
registers `notice` and `cut_order` here; other modules (the bureau listing, dívida ativa, the
reminders) register theirs the same way from their AppConfig.ready. Asking a step nobody registered
is a 400 naming it (`step`).
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from modules.common.audit import Actor
from modules.common.errors import ValidationFailed

from .errors import ErrorCode

STEP_CODES = ("reminder", "notice", "cut_notice", "cut_order", "bureau", "protest", "active_debt")
STEP_LABELS = {
    "reminder": "Lembrete (e-mail, SMS, WhatsApp)",
    "notice": "Aviso de débito",
    "cut_notice": "Aviso de corte",
    "cut_order": "Ordem de corte",
    "bureau": "Negativação (SPC/Serasa)",
    "protest": "Protesto",
    "active_debt": "Dívida ativa",
}


@dataclass(frozen=True)
class StepResult:
    """What a preview would do or a run did: units, bills and their amount; `written` is what a run
    wrote (0 in a preview, and 0 on a second run the same day)."""

    step: str
    as_of: dt.date
    properties: int
    bills: int
    amount: Decimal
    written: int = 0
    committed: bool = False
    rows: tuple[dict[str, Any], ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "as_of": self.as_of.isoformat(),
            "properties": self.properties,
            "bills": self.bills,
            "amount": str(self.amount),
            "written": self.written,
            "committed": self.committed,
            "rows": list(self.rows),
        }


# a step answers a StepResult, or a mapping with at least "count" and "amount" (the bureau and the
# dívida ativa steps answer those); a run takes (as_of, actor) or only (as_of) with its own actor
Preview = Callable[[dt.date], Any]
Run = Callable[..., Any]


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    preview: Preview
    run: Run


_STEPS: dict[str, Step] = {}


def register_step(code: str, *, preview: Preview, run: Run, label: str = "") -> None:
    """Adds (or replaces, on a reload) the step `code`: `preview(as_of)` reads, `run(as_of, actor)`
    commits the same selection, idempotently."""
    if code not in STEP_CODES:
        raise ValueError(f"unknown ladder step code {code!r}; known: {', '.join(STEP_CODES)}")
    _STEPS[code] = Step(code, label or STEP_LABELS[code], preview, run)


def registered() -> list[Step]:
    return [_STEPS[c] for c in STEP_CODES if c in _STEPS]


def _step(code: str) -> Step:
    step = _STEPS.get(code)
    if step is None:
        known = ", ".join(s.code for s in registered()) or "nenhuma"
        raise ValidationFailed(
            f"Etapa da régua não disponível: “{code}”. Etapas disponíveis: {known}.",
            field="step",
            code=ErrorCode.UNKNOWN_LADDER_STEP,
        )
    return step


def _result(code: str, as_of: dt.date, answer: Any, *, committed: bool) -> StepResult:
    if isinstance(answer, StepResult):
        return answer
    count = int(answer.get("count", answer.get("properties", 0)))
    return StepResult(
        code,
        as_of,
        count,
        int(answer.get("bills", 0)),
        Decimal(str(answer.get("amount", "0.00"))),
        written=int(answer.get("written", count if committed else 0)),
        committed=committed,
    )


def preview(code: str, *, as_of: dt.date) -> StepResult:
    return _result(code, as_of, _step(code).preview(as_of), committed=False)


def run(code: str, *, as_of: dt.date, actor: Actor) -> StepResult:
    step = _step(code)
    takes_actor = len(inspect.signature(step.run).parameters) >= 2
    answer = step.run(as_of, actor) if takes_actor else step.run(as_of)
    return _result(code, as_of, answer, committed=True)


# --- debt's own steps ------------------------------------------------------------------------------

ROWS_SHOWN = 200


def _notice_preview(as_of: dt.date) -> StepResult:
    from .notices import notice_selection

    rows = notice_selection(as_of)
    return StepResult(
        "cut_notice",
        as_of,
        len(rows),
        sum(r.bills for r in rows),
        sum((r.total for r in rows), Decimal("0.00")),
        rows=tuple(
            {
                "property": r.property_id,
                "account_number": r.account_number,
                "reference": "",
                "bills": r.bills,
                "amount": str(r.total),
                "date": r.oldest_due.isoformat(),
            }
            for r in rows[:ROWS_SHOWN]
        ),
    )


def _notice_run(as_of: dt.date, actor: Actor) -> StepResult:
    from .notices import notices_issue

    issued = notices_issue(actor=actor, as_of=as_of)
    return StepResult(
        "cut_notice",
        as_of,
        len(issued),
        sum(n.bills for n in issued),
        sum((n.amount for n in issued), Decimal("0.00")),
        written=len(issued),
        committed=True,
    )


def _order_preview(as_of: dt.date) -> StepResult:
    from .notices import escalation_selection, order_selection

    rows = order_selection(as_of)
    escalations = escalation_selection(as_of)
    return StepResult(
        "cut_order",
        as_of,
        len(rows) + len(escalations),
        sum(n.bills for n in rows),
        sum((n.amount for n in rows), Decimal("0.00")),
        rows=tuple(
            {
                "property": n.property_id,
                "account_number": n.property.account_number,
                "reference": f"Aviso nº {n.number}",
                "bills": n.bills,
                "amount": str(n.amount),
                "date": n.cut_from.isoformat(),
            }
            for n in rows[:ROWS_SHOWN]
        ),
    )


def _order_run(as_of: dt.date, actor: Actor) -> StepResult:
    """The first level (meter stand) from the expired notices, then the second (branch) for the
    units still cut and owing after the policy's days."""
    from .notices import cut_escalations_generate, cut_orders_generate

    done = cut_orders_generate(actor=actor, as_of=as_of)
    escalated = cut_escalations_generate(actor=actor, as_of=as_of)
    return StepResult(
        "cut_order",
        as_of,
        len(done) + len(escalated),
        sum(n.bills for n in done),
        sum((n.amount for n in done), Decimal("0.00")),
        written=len(done) + len(escalated),
        committed=True,
    )


def _reminder_preview(as_of: dt.date) -> StepResult:
    from .reminders import reminder_selection, totals

    rows = reminder_selection(as_of)
    bills, amount = totals(rows)
    return StepResult(
        "reminder",
        as_of,
        len(rows),
        bills,
        amount,
        rows=tuple(
            {
                "property": r.property_id,
                "account_number": r.account_number,
                "reference": "",
                "bills": r.bills,
                "amount": str(r.total),
                "date": r.oldest_due.isoformat(),
            }
            for r in rows[:ROWS_SHOWN]
        ),
    )


def _reminder_run(as_of: dt.date, actor: Actor) -> StepResult:
    from .reminders import reminders_send, totals

    done = reminders_send(actor=actor, as_of=as_of)
    bills, amount = totals(done.sent)
    return StepResult(
        "reminder", as_of, len(done.sent), bills, amount, written=len(done.sent), committed=True
    )


def register_debt_steps() -> None:
    register_step("reminder", preview=_reminder_preview, run=_reminder_run)
    register_step("cut_notice", preview=_notice_preview, run=_notice_run)
    register_step("cut_order", preview=_order_preview, run=_order_run)
    from . import active_debt_ladder, bureau_ladder  # the credit bureau and dívida ativa steps

    register_step("bureau", preview=bureau_ladder.preview, run=bureau_ladder.run)
    register_step("active_debt", preview=active_debt_ladder.preview, run=active_debt_ladder.run)
