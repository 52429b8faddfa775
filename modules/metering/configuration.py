"""Metering's section of the configuration document (modules/common/configuration.py):

    "metering": {"policy": {"validity_years": 5, "alert_days": 90, "photo_max_px": 1600, "photo_quality": 80}}

The policy is one row, edited in place (audited): nothing is computed from it that a later change
could falsify (the validity shown and the expiring list follow the policy of the day).
"""

from __future__ import annotations

from typing import Any

from modules.common.audit import Actor
from modules.common.configuration import Change
from modules.common.errors import ErrorCode as CommonCode
from modules.common.errors import ValidationFailed

from .services import policy as policy_services

KEY = "metering"


def _parse(data: Any) -> dict[str, int]:
    """The section's policy, checked; raises ValidationFailed whose field is the document path."""
    if not isinstance(data, dict):
        raise ValidationFailed(
            "A seção de hidrometria deve ser um objeto.", field=KEY, code=CommonCode.INVALID
        )
    unknown = sorted(set(data) - {"policy"})
    if unknown:
        raise ValidationFailed(
            f"Chave desconhecida: {unknown[0]}.", field=f"{KEY}.{unknown[0]}", code=CommonCode.INVALID
        )
    policy = data.get("policy")
    if not isinstance(policy, dict):
        raise ValidationFailed(
            "Informe a política de hidrometria.", field=f"{KEY}.policy", code=CommonCode.INVALID
        )
    missing = [n for n in policy_services.POLICY_FIELDS if n not in policy]
    if missing:
        raise ValidationFailed(
            "Campo obrigatório.", field=f"{KEY}.policy.{missing[0]}", code=CommonCode.INVALID
        )
    policy_services.check_policy(policy, path=f"{KEY}.policy.")
    return {n: policy[n] for n in policy_services.POLICY_FIELDS}


class MeteringSection:
    key = KEY
    title = "Hidrometria: validade da aferição, alerta de vencimento e fotos"

    def export(self) -> dict[str, Any]:
        row = policy_services.metering_policy()
        return {"policy": {n: getattr(row, n) for n in policy_services.POLICY_FIELDS}}

    def plan(self, data: dict[str, Any]) -> list[Change]:
        wanted = _parse(data)
        have = self.export()["policy"]
        return [
            Change(f"{KEY}.policy.{name}", have[name], wanted[name])
            for name in policy_services.POLICY_FIELDS
            if have[name] != wanted[name]
        ]

    def apply(self, data: dict[str, Any], *, actor: Actor) -> None:
        """Inside the caller's transaction (not durable)."""
        changes = self.plan(data)
        if changes:
            policy_services.policy_write(actor=actor, **_parse(data))


SECTION = MeteringSection()
