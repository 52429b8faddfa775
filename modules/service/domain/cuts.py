"""Cut levels and what closing a marked order does (corte, religação, hidrômetro, esgoto).

A water connection is cut at the meter stand (cavalete: the valve is sealed), at the branch (ramal:
the pipe is cut before the stand) or suppressed (supressão: the branch is removed from the network);
a sewer connection is cut on its own. A reconnection undoes the open cut of its own level only: a
branch cut is not undone by reopening a valve at the stand. A suppression comes back only through
a new connection job (registry's rule), never through a reconnection. A deeper cut of a connection
already cut replaces the level of its open cut (meter stand → branch → suppression).
"""

from __future__ import annotations

from enum import StrEnum

from modules.common.errors import Conflict

from ..errors import ErrorCode


class CutLevel(StrEnum):
    METER_STAND = "meter_stand"
    BRANCH = "branch"
    SUPPRESSION = "suppression"
    SEWER = "sewer"


LEVEL_LABELS: dict[CutLevel, str] = {
    CutLevel.METER_STAND: "Corte no cavalete",
    CutLevel.BRANCH: "Corte no ramal",
    CutLevel.SUPPRESSION: "Supressão",
    CutLevel.SEWER: "Corte de esgoto",
}

# how deep a water cut goes: a deeper cut may follow a shallower one, never the reverse
DEPTH: dict[CutLevel, int] = {CutLevel.METER_STAND: 1, CutLevel.BRANCH: 2, CutLevel.SUPPRESSION: 3}


class Effect(StrEnum):
    CUT_METER_STAND = "cut_meter_stand"
    CUT_BRANCH = "cut_branch"
    SUPPRESSION = "suppression"
    CUT_SEWER = "cut_sewer"
    RECONNECT_METER_STAND = "reconnect_meter_stand"
    RECONNECT_BRANCH = "reconnect_branch"
    RECONNECT_SEWER = "reconnect_sewer"
    METER_INSTALL = "meter_install"
    METER_SWAP = "meter_swap"
    METER_REMOVE = "meter_remove"
    SEWER_AVAILABILITY = "sewer_availability"


EFFECT_LABELS: dict[Effect, str] = {
    Effect.CUT_METER_STAND: "Corte no cavalete",
    Effect.CUT_BRANCH: "Corte no ramal",
    Effect.SUPPRESSION: "Supressão da ligação",
    Effect.CUT_SEWER: "Corte de esgoto",
    Effect.RECONNECT_METER_STAND: "Religação no cavalete",
    Effect.RECONNECT_BRANCH: "Religação no ramal",
    Effect.RECONNECT_SEWER: "Religação de esgoto",
    Effect.METER_INSTALL: "Instalação de hidrômetro",
    Effect.METER_SWAP: "Troca de hidrômetro",
    Effect.METER_REMOVE: "Retirada de hidrômetro",
    Effect.SEWER_AVAILABILITY: "Disponibilidade de esgoto (carta de liberação)",
}

CUTS: dict[Effect, CutLevel] = {
    Effect.CUT_METER_STAND: CutLevel.METER_STAND,
    Effect.CUT_BRANCH: CutLevel.BRANCH,
    Effect.SUPPRESSION: CutLevel.SUPPRESSION,
    Effect.CUT_SEWER: CutLevel.SEWER,
}
RECONNECTIONS: dict[Effect, CutLevel] = {
    Effect.RECONNECT_METER_STAND: CutLevel.METER_STAND,
    Effect.RECONNECT_BRANCH: CutLevel.BRANCH,
    Effect.RECONNECT_SEWER: CutLevel.SEWER,
}
METER_ACTIONS = frozenset({Effect.METER_INSTALL, Effect.METER_SWAP, Effect.METER_REMOVE})


def connection_kind(level: CutLevel) -> str:
    return "sewer" if level == CutLevel.SEWER else "water"


def situation_after_cut(level: CutLevel) -> str:
    """The connection's situation (registry) once cut at `level`."""
    return "suppressed" if level == CutLevel.SUPPRESSION else "cut"


def reconnection_level_check(open_level: CutLevel | None, level: CutLevel) -> None:
    """Raises Conflict unless a reconnection at `level` undoes the open cut (of `open_level`)."""
    if open_level is None:
        raise Conflict(
            "Não há corte em aberto nesta ligação para religar.",
            field="cut",
            code=ErrorCode.NO_OPEN_CUT,
        )
    if open_level == CutLevel.SUPPRESSION:
        raise Conflict(
            "A ligação foi suprimida: só uma nova ligação a restabelece, não uma religação.",
            field="cut",
            code=ErrorCode.CUT_LEVEL_MISMATCH,
        )
    if open_level != level:
        raise Conflict(
            f"A ligação está com {LEVEL_LABELS[open_level].lower()}; uma religação do nível "
            f"“{LEVEL_LABELS[level].lower()}” não desfaz esse corte.",
            field="cut",
            code=ErrorCode.CUT_LEVEL_MISMATCH,
        )


def deeper_cut_check(open_level: CutLevel, level: CutLevel) -> None:
    """Raises Conflict unless cutting at `level` goes deeper than the open cut."""
    if open_level == CutLevel.SEWER or level == CutLevel.SEWER or DEPTH[level] <= DEPTH[open_level]:
        raise Conflict(
            f"A ligação já está com {LEVEL_LABELS[open_level].lower()}.",
            field="cut",
            code=ErrorCode.ALREADY_CUT,
        )
