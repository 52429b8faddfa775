"""Pure rules of the staff protocol desk: which moves a protocol may make from where it is.

Statuses (codes of `ServiceRequest.Status`): a protocol waits in its sector as "received" (pendente
de recebimento) until someone there confirms receiving it (VA-33), becomes "pending", may go
"in_progress", and ends "closed" with a reason. Routing to another sector puts it back to
"received" in that sector, as in GSAN's tramitação: the new sector must confirm it got it.
Each function answers a pt-BR reason why the move is refused, or None.
"""

from __future__ import annotations

RECEIVED, PENDING, IN_PROGRESS, CLOSED = "received", "pending", "in_progress", "closed"
STATUS_LABELS = {
    RECEIVED: "pendente de recebimento",
    PENDING: "pendente",
    IN_PROGRESS: "em andamento",
    CLOSED: "encerrado",
}
# what a staff user may set by hand (acknowledging and routing have their own buttons)
SETTABLE = (PENDING, IN_PROGRESS, CLOSED)
DOCUMENT_UPDATE = "document_update"


def acknowledge_problem(*, protocol: str, status: str, unit: str) -> str | None:
    if status == CLOSED:
        return f"O protocolo {protocol} está encerrado: não há recebimento a confirmar."
    if status != RECEIVED:
        return f"O protocolo {protocol} já foi recebido pelo setor {unit}."
    return None


def route_problem(
    *, protocol: str, status: str, unit: str, to_unit: str, units: list[str], note: str
) -> str | None:
    if status == CLOSED:
        return f"O protocolo {protocol} está encerrado e não pode ser encaminhado."
    if to_unit not in units:
        return "Escolha um dos setores da lista."
    if to_unit == unit:
        return f"O protocolo {protocol} já está no setor {unit}."
    if len(note.strip()) < 3:
        return "Diga na observação por que o protocolo vai para o outro setor."
    return None


def status_change_problem(
    *, protocol: str, status: str, target: str, reason: str, type_code: str = ""
) -> str | None:
    if target not in SETTABLE:
        return "Escolha a nova situação: pendente, em andamento ou encerrado."
    if status == CLOSED:
        return f"O protocolo {protocol} já está encerrado; a situação não muda mais."
    if status == RECEIVED:
        return f"Confirme o recebimento do protocolo {protocol} antes de mudar a situação."
    if target == status:
        return f"O protocolo {protocol} já está {STATUS_LABELS[status]}."
    if target == CLOSED and type_code == DOCUMENT_UPDATE:
        return (
            f"O protocolo {protocol} pede a troca do CPF/CNPJ: aprove ou recuse o pedido, "
            "e ele se encerra com a decisão."
        )
    if target == CLOSED and len(reason.strip()) < 3:
        return "Informe o motivo do encerramento."
    return None


def document_decision_problem(
    *, protocol: str, status: str, type_code: str, approve: bool, reason: str
) -> str | None:
    if type_code != DOCUMENT_UPDATE:
        return f"O protocolo {protocol} não é um pedido de atualização de CPF/CNPJ."
    if status == CLOSED:
        return f"O pedido {protocol} já foi decidido e está encerrado."
    if status == RECEIVED:
        return f"Confirme o recebimento do protocolo {protocol} antes de decidir o pedido."
    if not approve and len(reason.strip()) < 3:
        return "Informe o motivo da recusa: o cidadão vê este texto na agência."
    return None
