"""Bill documents made ahead of demand: the PDFs of a group's latest released run, rendered in the
background so a citizen's first download is a stored file (tasks.billing_render_pdfs). Older runs'
bills are what citizens rarely open: they render on demand (pdf.bill_pdf), ADR 0014."""

from __future__ import annotations

from ..models import Bill, BillingRun, BillStatus, RunStatus
from ..pdf import bill_pdfs_ensure

LAYOUT_BATCH = 10  # bills laid out together (render_bill_pdfs): the fastest size measured (5/10/20)


def run_is_latest_released(run_id: int) -> bool:
    """Whether the run is released and no later month of its billing group is: only that run's bills
    are worth rendering ahead, the ones citizens open first."""
    run = (
        BillingRun.objects.filter(pk=run_id, status=RunStatus.RELEASED).only("group_id", "reference").first()
    )
    if run is None:
        return False
    return not BillingRun.objects.filter(
        group_id=run.group_id, status=RunStatus.RELEASED, reference__gt=run.reference
    ).exists()


def run_pdfs_render_batch(*, run_id: int, after_id: int, limit: int) -> tuple[int, int | None]:
    """Render the stored PDF of up to `limit` issued bills of the run with id > after_id (id order).
    Returns how many were rendered now and the last id seen, or None when the run is exhausted — or
    no longer its group's latest released run (a later month was released meanwhile: its bills go
    first, these render on demand)."""
    if not run_is_latest_released(run_id):
        return 0, None
    bills = list(
        Bill.objects.filter(run_id=run_id, pk__gt=after_id)
        .exclude(status__in=[BillStatus.DRAFT, BillStatus.CANCELLED])
        .select_related("property")
        .order_by("pk")[:limit]
    )
    rendered = sum(bill_pdfs_ensure(bills[i : i + LAYOUT_BATCH]) for i in range(0, len(bills), LAYOUT_BATCH))
    last_id = bills[-1].pk if len(bills) == limit else None
    return rendered, last_id
