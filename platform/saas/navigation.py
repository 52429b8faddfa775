"""The staff app's menu: one entry per function, shown only to users whose profiles grant it.

Modules add their entries here as they arrive (registry, billing, collection …).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    section: str
    label: str
    url_name: str
    function: str
    action: str = "view"


STAFF_NAV: tuple[NavItem, ...] = (
    NavItem("Cadastro", "Buscar imóvel", "registry:search", "registry.properties"),
    NavItem("Cadastro", "Novo imóvel", "registry:property_create", "registry.properties", "add"),
    NavItem("Cadastro", "Clientes", "registry:customers", "registry.customers"),
    NavItem("Cadastro", "Importar cadastro legado", "legacy:import", "registry.import", "add"),
    NavItem("Hidrometria", "Hidrômetros", "metering:meters", "metering.meters"),
    NavItem("Hidrometria", "Aferição vencendo", "metering:expiring", "metering.meters"),
    NavItem("Leitura", "Leituras em análise", "reading:review", "reading.readings"),
    NavItem("Leitura", "Importar leituras", "reading:import", "reading.readings", "add"),
    NavItem("Leitura", "Cronograma e feriados", "reading:schedule", "reading.schedule"),
    NavItem("Faturamento", "Faturamento por grupo", "billing:runs", "billing.runs"),
    NavItem("Faturamento", "Tarifas", "billing:tariffs", "billing.tariffs"),
    NavItem("Faturamento", "Simulador de conta", "billing:simulator", "billing.simulate"),
    NavItem("Faturamento", "Comparar tarifas", "billing:compare", "billing.simulate"),
    NavItem("Faturamento", "Configuração do faturamento", "billing:settings", "billing.settings"),
    NavItem("Arrecadação", "Pagamentos", "collection:payments", "collection.payments"),
    NavItem("Arrecadação", "Fila de análise", "collection:review", "collection.payments", "change"),
    NavItem("Arrecadação", "Arquivos retorno", "collection:return_files", "collection.return_files"),
    NavItem("Cobrança", "Posição de débitos", "debt:lookup", "debt.position"),
    NavItem("Cobrança", "Parcelamentos", "debt:agreements", "debt.agreements"),
    NavItem("Cobrança", "Certidões", "debt:certificate_lookup", "debt.certificates"),
    NavItem("Cobrança", "Parâmetros de cobrança", "debt:settings", "debt.settings"),
    NavItem("Atendimento", "Protocolos", "desk:requests", "portal.requests"),
    NavItem("Atendimento", "Registrar no balcão", "desk:request_new", "portal.requests", "add"),
    NavItem("Atendimento", "Agência virtual", "desk:settings", "portal.settings"),
    NavItem("Controle de acesso", "Usuários", "access:users", "access.users"),
    NavItem("Controle de acesso", "Perfis", "access:profiles", "access.profiles"),
    NavItem("Controle de acesso", "Política de senhas", "access:policy", "access.policy", "change"),
    NavItem("Controle de acesso", "Auditoria", "access:audit", "common.audit"),
    NavItem("Suporte", "Chamados ao fornecedor", "sla:incidents", "ops.incidents"),
    NavItem("Atendimento", "Ordens de serviço", "service:orders", "service.orders"),
    NavItem("Atendimento", "Abrir ordem de serviço", "service:order_new", "service.orders", "add"),
    NavItem("Configurações", "Códigos de serviço", "service:codes", "service.codes"),
    NavItem("Configurações", "Equipes e setores", "service:teams", "service.teams"),
    NavItem("Configurações", "Materiais e kits", "service:materials", "service.materials"),
)


def menu_for(user: object) -> list[tuple[str, list[NavItem]]]:
    sections: dict[str, list[NavItem]] = {}
    can = getattr(user, "can", None)
    for item in STAFF_NAV:
        if can is not None and can(item.function, item.action):
            sections.setdefault(item.section, []).append(item)
    return list(sections.items())
