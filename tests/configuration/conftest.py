from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Max, QuerySet

from modules.common.models import AuditEntry


@pytest.fixture
def audits(tenant_alpha: Any) -> Callable[..., QuerySet[AuditEntry]]:
    """The audit rows this test wrote in alpha with these actions. The audit trail is append-only, so
    rows a browser test committed stay; a test looks only at the rows after its start."""
    mark = AuditEntry.objects.aggregate(last=Max("id"))["last"] or 0

    def written(*actions: str) -> QuerySet[AuditEntry]:
        return AuditEntry.objects.filter(id__gt=mark, action__in=actions)

    return written
