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
    NavItem("Controle de acesso", "Usuários", "access:users", "access.users"),
    NavItem("Controle de acesso", "Perfis", "access:profiles", "access.profiles"),
    NavItem("Controle de acesso", "Política de senhas", "access:policy", "access.policy", "change"),
    NavItem("Controle de acesso", "Auditoria", "access:audit", "common.audit"),
    NavItem("Suporte", "Chamados ao fornecedor", "sla:incidents", "ops.incidents"),
)


def menu_for(user: object) -> list[tuple[str, list[NavItem]]]:
    sections: dict[str, list[NavItem]] = {}
    can = getattr(user, "can", None)
    for item in STAFF_NAV:
        if can is not None and can(item.function, item.action):
            sections.setdefault(item.section, []).append(item)
    return list(sections.items())
