"""Situations of a water or sewer connection and the moves allowed between them."""

from __future__ import annotations

POTENTIAL = "potential"
FEASIBLE = "feasible"
PROVISIONAL = "provisional"
CONNECTED = "connected"
CUT = "cut"
SUPPRESSED = "suppressed"
DISCONNECTED_ON_REQUEST = "disconnected_on_request"
# seed 001 3.2.13.10.5: the branch is laid from the network to the lot, but not connected to the
# unit yet (a lot being built): nothing is billed until it is connected
STANDBY = "standby"

SITUATIONS: dict[str, str] = {
    POTENTIAL: "Potencial",
    FEASIBLE: "Factível",
    PROVISIONAL: "Provisória",
    CONNECTED: "Ligada",
    CUT: "Cortada",
    SUPPRESSED: "Suprimida",
    DISCONNECTED_ON_REQUEST: "Desligada a pedido",
    STANDBY: "Ramal de espera",
}

# Where a connection may go from each situation. A suppressed connection (branch removed from the
# network) only comes back through a new connection job, which makes it provisional again.
TRANSITIONS: dict[str, frozenset[str]] = {
    POTENTIAL: frozenset({FEASIBLE, PROVISIONAL, CONNECTED, STANDBY}),
    FEASIBLE: frozenset({POTENTIAL, PROVISIONAL, CONNECTED, STANDBY}),
    STANDBY: frozenset({PROVISIONAL, CONNECTED, SUPPRESSED}),
    PROVISIONAL: frozenset({CONNECTED, CUT, SUPPRESSED, DISCONNECTED_ON_REQUEST}),
    CONNECTED: frozenset({CUT, SUPPRESSED, DISCONNECTED_ON_REQUEST}),
    CUT: frozenset({CONNECTED, SUPPRESSED, DISCONNECTED_ON_REQUEST}),
    DISCONNECTED_ON_REQUEST: frozenset({CONNECTED, SUPPRESSED, CUT}),
    SUPPRESSED: frozenset({PROVISIONAL, POTENTIAL, FEASIBLE}),
}

ACTIVE = frozenset({PROVISIONAL, CONNECTED})


class InvalidTransition(ValueError):
    pass


def check_transition(current: str, new: str) -> None:
    if new not in SITUATIONS:
        raise InvalidTransition(f"Situação desconhecida: '{new}'.")
    if current == new:
        raise InvalidTransition(f"A ligação já está na situação '{SITUATIONS[new]}'.")
    if new not in TRANSITIONS.get(current, frozenset()):
        raise InvalidTransition(
            f"Não é permitido passar de '{SITUATIONS.get(current, current)}' para '{SITUATIONS[new]}'."
        )
