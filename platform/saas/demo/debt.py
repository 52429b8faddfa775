"""Demo data of debt (demo utilities only, never production): the reactivation fee of the
installment simulator (seed 003's "Com reativação de ligação de água?"). Idempotent."""

from __future__ import annotations

from decimal import Decimal

from modules.debt.models import InstallmentPolicyVersion

DEMO_REACTIVATION_FEE = Decimal("92.35")


def seed_demo_debt() -> int:
    """Give the policies without a reactivation fee the demo's one; a fee already set stays."""
    updated: int = InstallmentPolicyVersion.objects.filter(reactivation_fee=0).update(
        reactivation_fee=DEMO_REACTIVATION_FEE
    )
    return updated
