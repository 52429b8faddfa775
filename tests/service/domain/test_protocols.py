"""The desk's move rules, without a database: what each status allows and the pt-BR reason when not."""

from __future__ import annotations

import pytest

from modules.service.domain import protocols as domain_desk
from portal import domain

P = "2025000007"
ACK_FIRST = "Confirme o recebimento do protocolo 2025000007 antes de mudar a situação."
CLOSED = "O protocolo 2025000007 já está encerrado; a situação não muda mais."
DECIDE = (
    "O protocolo 2025000007 pede a troca do CPF/CNPJ: aprove ou recuse o pedido, "
    "e ele se encerra com a decisão."
)


def test_only_a_protocol_waiting_in_its_sector_can_be_acknowledged() -> None:
    assert domain_desk.acknowledge_problem(protocol=P, status="received", unit="Ouvidoria") is None
    assert (
        domain_desk.acknowledge_problem(protocol=P, status="pending", unit="Ouvidoria")
        == "O protocolo 2025000007 já foi recebido pelo setor Ouvidoria."
    )
    assert "encerrado" in domain_desk.acknowledge_problem(protocol=P, status="closed", unit="X")  # type: ignore[operator]


@pytest.mark.parametrize(
    ("status", "to_unit", "note", "expected"),
    [
        ("pending", "Comercial", "conta errada", None),
        ("received", "Comercial", "conta errada", None),
        (
            "closed",
            "Comercial",
            "conta errada",
            "O protocolo 2025000007 está encerrado e não pode ser encaminhado.",
        ),
        ("pending", "Atendimento", "conta errada", "O protocolo 2025000007 já está no setor Atendimento."),
        ("pending", "Tesouraria", "conta errada", "Escolha um dos setores da lista."),
        ("pending", "Comercial", " ", "Diga na observação por que o protocolo vai para o outro setor."),
    ],
)
def test_routing(status: str, to_unit: str, note: str, expected: str | None) -> None:
    units = list(domain.DEFAULT_UNITS)
    assert (
        domain_desk.route_problem(
            protocol=P, status=status, unit="Atendimento", to_unit=to_unit, units=units, note=note
        )
        == expected
    )


@pytest.mark.parametrize(
    ("status", "target", "reason", "type_code", "expected"),
    [
        ("pending", "in_progress", "", "leak", None),
        ("in_progress", "pending", "", "leak", None),
        ("in_progress", "closed", "Conserto feito", "leak", None),
        ("pending", "closed", "", "leak", "Informe o motivo do encerramento."),
        ("received", "in_progress", "", "leak", ACK_FIRST),
        ("closed", "pending", "", "leak", CLOSED),
        ("pending", "pending", "", "leak", "O protocolo 2025000007 já está pendente."),
        ("pending", "received", "", "leak", "Escolha a nova situação: pendente, em andamento ou encerrado."),
        ("pending", "closed", "feito", "document_update", DECIDE),
    ],
)  # fmt: skip
def test_status_changes(status: str, target: str, reason: str, type_code: str, expected: str | None) -> None:
    assert (
        domain_desk.status_change_problem(
            protocol=P, status=status, target=target, reason=reason, type_code=type_code
        )
        == expected
    )


def test_a_cpf_cnpj_decision_needs_a_received_open_request_and_a_reason_to_refuse() -> None:
    def problem(
        status: str, approve: bool, reason: str = "", type_code: str = "document_update"
    ) -> str | None:
        return domain_desk.document_decision_problem(
            protocol=P, status=status, type_code=type_code, approve=approve, reason=reason
        )

    assert problem("pending", True) is None
    assert problem("in_progress", False, "documento ilegível") is None
    assert problem("pending", False) == "Informe o motivo da recusa: o cidadão vê este texto na agência."
    assert (
        problem("received", True)
        == "Confirme o recebimento do protocolo 2025000007 antes de decidir o pedido."
    )
    assert problem("closed", True) == "O pedido 2025000007 já foi decidido e está encerrado."
    assert problem("pending", True, type_code="leak") == (
        "O protocolo 2025000007 não é um pedido de atualização de CPF/CNPJ."
    )


def test_units_list_rules() -> None:
    assert domain.units_problem(["Atendimento", "Ouvidoria"]) is None
    assert domain.units_problem([]) == "Informe ao menos um setor."
    assert domain.units_problem(["Atendimento", "atendimento"]) == "Há setores repetidos na lista."
    assert domain.units_problem(["", "Ouvidoria"]) == "Cada setor precisa de um nome de até 120 letras."
