"""The catalogue of functions (menu options / API resources) that profiles grant.

Each module adds its functions here (one line each); the seed keeps the table in step. Access
types per function follow the tender: consulta (view), inclusão (add), alteração (change),
exclusão (delete).
"""

from __future__ import annotations

from dataclasses import dataclass

ACTIONS = ("view", "add", "change", "delete")
ACTION_LABELS = {"view": "consulta", "add": "inclusão", "change": "alteração", "delete": "exclusão"}


@dataclass(frozen=True)
class Function:
    code: str
    name: str
    module: str


CATALOGUE: tuple[Function, ...] = (
    Function("access.users", "Usuários", "Controle de acesso"),
    Function("access.profiles", "Perfis de acesso", "Controle de acesso"),
    Function("access.policy", "Política de senhas e sessão", "Controle de acesso"),
    Function("common.audit", "Auditoria", "Controle de acesso"),
    Function("ops.incidents", "Chamados ao fornecedor", "Suporte"),
)

BY_CODE = {f.code: f for f in CATALOGUE}


def register(*functions: Function) -> None:
    """Later modules extend the catalogue at import time of their `functions` module."""
    global CATALOGUE, BY_CODE
    new = tuple(f for f in functions if f.code not in BY_CODE)
    CATALOGUE = CATALOGUE + new
    BY_CODE = {f.code: f for f in CATALOGUE}
