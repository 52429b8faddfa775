"""The life of a bill and of a billing run, as enums the domain and the services share (the models
store their values and show their labels)."""

from __future__ import annotations

from enum import StrEnum


class BillStatus(StrEnum):
    DRAFT = "draft"
    RELEASED = "released"
    PAID = "paid"
    CANCELLED = "cancelled"


BILL_STATUS_LABELS = {
    BillStatus.DRAFT: "Em crítica",
    BillStatus.RELEASED: "Emitida",
    BillStatus.PAID: "Paga",
    BillStatus.CANCELLED: "Cancelada",
}


class RunStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    RELEASED = "released"
    # A chunk ran out of automatic attempts (ADR 0115): the run waits for a person; not final, since
    # "Retomar" hands its chunks out again and a late chunk that finishes still completes the run.
    FAILED = "failed"


RUN_STATUS_LABELS = {
    RunStatus.PENDING: "Na fila",
    RunStatus.RUNNING: "Em processamento",
    RunStatus.DONE: "Calculado (em crítica)",
    RunStatus.RELEASED: "Liberado",
    RunStatus.FAILED: "Interrompido (requer atenção)",
}
