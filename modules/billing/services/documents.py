"""Bill documents made ahead of demand: the PDFs of a released run, rendered in the background so a
citizen's first download is a stored file (tasks.billing_render_pdfs)."""

from __future__ import annotations

from ..models import Bill, BillStatus
from ..pdf import bill_pdfs_ensure

LAYOUT_BATCH = 10  # bills laid out together (render_bill_pdfs): the fastest size measured (5/10/20)


def run_pdfs_render_batch(*, run_id: int, after_id: int, limit: int) -> tuple[int, int | None]:
    """Render the stored PDF of up to `limit` issued bills of the run with id > after_id (id order).
    Returns how many were rendered now and the last id seen, or None when the run is exhausted."""
    bills = list(
        Bill.objects.filter(run_id=run_id, pk__gt=after_id)
        .exclude(status__in=[BillStatus.DRAFT, BillStatus.CANCELLED])
        .select_related("property")
        .order_by("pk")[:limit]
    )
    rendered = sum(bill_pdfs_ensure(bills[i : i + LAYOUT_BATCH]) for i in range(0, len(bills), LAYOUT_BATCH))
    last_id = bills[-1].pk if len(bills) == limit else None
    return rendered, last_id
