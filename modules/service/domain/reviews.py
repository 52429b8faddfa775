"""Pure rules of the consumption review (revisão de consumo, seed 001 3.2.6): the control number
Year/Number, the utility's phases with their deadlines, which moves a case may make, the outcome of
the analysis and the warning for a technician booked twice in the same visit slot.

A case walks the utility's phases in order (3.2.6.3, 3.2.6.7); a phase may be skipped forward but
never gone back to, and the last move is the closing, which needs the outcome ("procedente": the
customer is right and the bill is changed inside the case; "improcedente": the bill stands).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

UPHELD, REJECTED = "upheld", "rejected"
OUTCOME_LABELS = {UPHELD: "Procedente", REJECTED: "Improcedente"}
CLOSED = "closed"

ORIGIN_LABELS = {
    "customer": "Pedido do cliente",
    "internal": "Iniciativa interna",
    "reading": "Leitura em análise (consumo alto ou baixo)",
}
OTHER_SOURCES = {
    "": "Não possui",
    "well": "Poço",
    "rain": "Captação de chuva",
    "truck": "Caminhão-pipa",
    "spring": "Nascente / mina",
    "other": "Outra",
}


@dataclass(frozen=True)
class Phase:
    code: str
    label: str
    days: int  # the phase's deadline, in calendar days from when the case enters it


# A fresh utility's review process (3.2.6.7: the utility edits these on its settings page)
DEFAULT_PHASES: tuple[Phase, ...] = (
    Phase("triage", "Triagem do pedido", 2),
    Phase("visit", "Vistoria técnica", 5),
    Phase("analysis", "Análise técnica", 3),
    Phase("decision", "Parecer e conclusão", 2),
)


def format_control(year: int, number: int) -> str:
    """3.2.6.2.1: 2024 and 1 → "2024/0001" (wider numbers keep all their digits)."""
    return f"{year}/{number:04d}"


def phases_from(rows: list[dict[str, object]]) -> tuple[Phase, ...]:
    return tuple(Phase(str(r["code"]), str(r["label"]), int(str(r["days"]))) for r in rows)


def phases_problem(phases: tuple[Phase, ...]) -> str | None:
    """Why a list of phases cannot be the utility's process, or None."""
    if not phases:
        return "Informe ao menos uma fase."
    codes = [p.code for p in phases]
    if len(set(codes)) != len(codes):
        return "Há fases com o mesmo código."
    if CLOSED in codes:
        return f'O código "{CLOSED}" é reservado ao encerramento.'
    for index, p in enumerate(phases, start=1):
        if not p.code or not p.label.strip():
            return f"Fase {index}: informe o código e o nome."
        if not 0 <= p.days <= 365:
            return f"Fase {index} ({p.label}): o prazo deve ficar entre 0 e 365 dias."
    return None


def phase_due(entered_on: dt.date, phase: Phase) -> dt.date:
    return entered_on + dt.timedelta(days=phase.days)


def advance_problem(phases: tuple[Phase, ...], current: str, target: str) -> str | None:
    """A case moves forward only: to a later phase of the utility's list (skipping is allowed)."""
    codes = [p.code for p in phases]
    if current == CLOSED:
        return "A revisão já está encerrada."
    if target not in codes:
        return "Escolha uma fase da lista."
    if current in codes and codes.index(target) <= codes.index(current):
        return "A revisão só avança: escolha uma fase posterior à atual."
    return None


def close_problem(current: str, outcome: str, conclusion: str) -> str | None:
    if current == CLOSED:
        return "A revisão já está encerrada."
    if outcome not in OUTCOME_LABELS:
        return "Informe o resultado: procedente ou improcedente."
    if len(conclusion.strip()) < 10:
        return "Escreva o parecer (laudo) com ao menos 10 letras."
    return None


@dataclass(frozen=True)
class Booking:
    """A visit already on the agenda: which case, which technician, from when to when."""

    control: str
    technician_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime


def double_booking(bookings: list[Booking], technician_id: int, starts_at: dt.datetime, minutes: int) -> str:
    """3.2.6.6: the warning for a technician who already has a visit overlapping the new one ("" when
    the slot is free). A warning, not a refusal: the scheduler may know the visits are next door."""
    ends_at = starts_at + dt.timedelta(minutes=minutes)
    clashes = [
        b.control
        for b in bookings
        if b.technician_id == technician_id and b.starts_at < ends_at and starts_at < b.ends_at
    ]
    if not clashes:
        return ""
    return "Atenção: o técnico já tem vistoria nesse horário (revisão " + ", ".join(clashes) + ")."
