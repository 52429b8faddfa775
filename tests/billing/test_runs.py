"""Billing runs in a tenant schema: from readings to released bills with barcode and typeable line;
a run killed half-way and resumed issues each bill exactly once; bad cases are reported, not written."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from modules.billing.domain.febraban import parse_typeable_line
from modules.billing.models import Bill, BillingRun, BillStatus, DueDayChoice, RunChunk
from modules.billing.pdf import bill_pdf
from modules.billing.services import bills as bill_services
from modules.billing.services import runs
from modules.common.clock import tenant_today
from modules.common.domain.dates import YearMonth
from modules.common.errors import Conflict, ValidationFailed
from modules.reading.services import ReadingInput, reading_register
from tests.billing import factories as f

pytestmark = pytest.mark.usefixtures("tenant_alpha")
MONTH = YearMonth(2025, 5)


@pytest.fixture
def ready() -> Any:
    f.set_company_code("0562")
    f.approved_tariff()
    g = f.group()
    f.schedule(g, MONTH)
    return g


def _read(p: Any, value: int | None, occurrence: str = "", month: YearMonth = MONTH) -> Any:
    return reading_register(
        actor=f.ACTOR, data=ReadingInput(p.account_number, month, month.day(10), value, occurrence)
    )


def _process_all(run: BillingRun) -> None:
    for chunk_id in RunChunk.objects.filter(run=run).order_by("number").values_list("id", flat=True):
        runs.chunk_process(chunk_id=chunk_id)


def test_run_bills_every_property_to_the_cent_with_a_valid_typeable_line(ready: Any) -> None:
    eight = f.billable(ready, (("RES", 8),))
    one = f.billable(ready)
    water_only = f.billable(ready, sewer=False)
    _read(eight, 94)
    _read(one, 16)
    _read(water_only, 16)
    DueDayChoice.objects.create(property=one, day=10)
    run = runs.run_create(
        actor=f.ACTOR, group=ready, reference=MONTH, chunk_size=2, enqueue=False, today=dt.date(2025, 5, 31)
    )
    assert run.total_chunks == 2
    _process_all(run)
    run.refresh_from_db()
    assert (run.status, run.bills_count, run.errors_count) == ("done", 3, 0)
    bills = {b.property_id: b for b in Bill.objects.filter(run=run)}
    assert bills[eight.pk].total == Decimal("208.16")  # Tabela 14.1
    # water 10×1.07 + 5×1.61 + 1×2.33 = 21.08; sewer per band 9.89 + 7.44 + 2.15 = 19.48
    assert bills[one.pk].total == Decimal("40.56")
    assert bills[water_only.pk].total == Decimal("21.08")
    assert [i.kind for i in bills[water_only.pk].items.all()] == ["water", "water", "water"]
    for bill in bills.values():
        assert bill.status == BillStatus.DRAFT
        # the schedule's due date (S14.1-08), or the customer's chosen day (Lei 9.791/1999)
        assert bill.due_date == (dt.date(2025, 6, 10) if bill.property_id == one.pk else dt.date(2025, 6, 15))
        assert len(bill.barcode) == 44 and len(bill.typeable_line) == 48
        decoded = parse_typeable_line(bill.typeable_line)
        assert decoded.digits == bill.barcode and decoded.amount == bill.total
        assert decoded.company_code == "0562" and int(decoded.free_field[:12]) == bill.pk
    assert runs.run_release(actor=f.ACTOR, run=run) == 3
    assert set(Bill.objects.filter(run=run).values_list("status", flat=True)) == {"released"}


def test_killed_run_resumed_issues_each_bill_once(ready: Any) -> None:
    props = [f.billable(ready) for _ in range(7)]
    for i, p in enumerate(props):
        _read(p, 5 + i)
    run = runs.run_create(actor=f.ACTOR, group=ready, reference=MONTH, chunk_size=2, enqueue=False)
    chunks = list(RunChunk.objects.filter(run=run).order_by("number"))

    def die_on_third(chunk: RunChunk) -> None:
        if chunk.number == 3:
            raise RuntimeError("worker killed")

    runs._chunk_hook = die_on_third
    try:
        for chunk in chunks:
            with contextlib.suppress(RuntimeError):
                runs.chunk_process(chunk_id=chunk.pk)
    finally:
        runs._chunk_hook = None
    assert Bill.objects.filter(run=run).count() == 5  # chunk 3 rolled back, chunk 4 done
    assert RunChunk.objects.get(pk=chunks[2].pk).status == "running"  # claimed by the dead worker
    assert runs.chunk_process(chunk_id=chunks[2].pk) == 0  # a fresh claim is not stolen
    assert runs.run_resume(actor=f.ACTOR, run=run, enqueue=False) == 1
    _process_all(run)  # every chunk again: done ones are skipped
    _process_all(run)
    run.refresh_from_db()
    assert run.status == "done" and run.bills_count == 7 and run.done_chunks == run.total_chunks
    per_property = Bill.objects.filter(run=run).values_list("property_id", flat=True)
    assert sorted(per_property) == sorted(p.pk for p in props)


def test_month_already_billed_is_refused(ready: Any) -> None:
    f.billable(ready)
    runs.run_create(actor=f.ACTOR, group=ready, reference=MONTH, enqueue=False)
    with pytest.raises(Conflict) as raised:
        runs.run_create(actor=f.ACTOR, group=ready, reference=MONTH, enqueue=False)
    assert raised.value.code == "run_exists"
    assert BillingRun.objects.filter(group=ready).count() == 1


def test_unbillable_properties_are_reported_and_the_others_billed(ready: Any) -> None:
    good = f.billable(ready)
    _read(good, 12)
    above = f.billable(ready, (("RES", 1),))
    _read(above, 40)  # the §14.7 tariff ends at 25 m³ per economia
    unknown = f.billable(ready, (("IND", 1),))  # IND is not in the act
    run = runs.run_create(actor=f.ACTOR, group=ready, reference=MONTH, enqueue=False)
    _process_all(run)
    run.refresh_from_db()
    assert run.bills_count == 1 and run.errors_count == 2
    errors = {e.property_id: e.code for e in run.errors.all()}
    assert errors == {above.pk: "consumption_above_last_band", unknown.pk: "unknown_category"}


def test_no_reading_bills_by_average_and_goes_to_critique(ready: Any) -> None:
    p = f.billable(ready)
    for i, value in enumerate((10, 22, 36), start=1):  # 10, 12, 14 m³ in Feb–Apr
        month = MONTH.plus(-4 + i)
        f.schedule(ready, month)
        _read(p, value, month=month)
    run = runs.run_create(actor=f.ACTOR, group=ready, reference=MONTH, enqueue=False)
    _process_all(run)
    bill = Bill.objects.get(run=run)
    assert (bill.consumption_kind, bill.consumption_m3) == ("average", 12)
    assert [a.code for a in bill.anomalies.all()] == ["no_reading"]


def test_rebill_cancels_with_history_and_issues_a_corrected_bill(ready: Any) -> None:
    p = f.billable(ready)
    _read(p, 16)
    run = runs.run_create(actor=f.ACTOR, group=ready, reference=MONTH, enqueue=False)
    _process_all(run)
    runs.run_release(actor=f.ACTOR, run=run)
    old = Bill.objects.get(run=run)
    with pytest.raises(ValidationFailed):
        bill_services.bill_cancel(actor=f.ACTOR, bill=old, reason=" ")
    new = bill_services.bill_rebill(actor=f.ACTOR, bill=old, reason="Leitura errada", consumption_m3=10)
    old.refresh_from_db()
    assert old.status == "cancelled" and old.cancel_reason == "Leitura errada"
    assert new.replaces_id == old.pk and new.status == "released" and new.total == Decimal("20.59")
    assert parse_typeable_line(new.typeable_line).amount == Decimal("20.59")
    assert (
        Bill.objects.filter(property=p, reference=MONTH.first_day()).exclude(status="cancelled").count() == 1
    )


def test_bill_pdf_renders_and_is_cached(ready: Any) -> None:
    p = f.billable(ready)
    _read(p, 16)
    run = runs.run_create(actor=f.ACTOR, group=ready, reference=MONTH, enqueue=False)
    _process_all(run)
    bill = Bill.objects.get(run=run)
    pdf = bill_pdf(bill)
    assert pdf.startswith(b"%PDF")
    assert bill_pdf(bill) == pdf
    from modules.billing.pdf import render_bill_html

    html = render_bill_html(bill)
    assert p.account_number in html and "40,56" in html and bill.typeable_line[:11] in html.replace(" ", "")


def test_a_group_is_not_billed_before_its_reading_window_closes(ready: Any) -> None:
    f.billable(ready)
    with pytest.raises(Conflict) as raised:
        runs.run_create(
            actor=f.ACTOR, group=ready, reference=MONTH, enqueue=False, today=dt.date(2025, 5, 20)
        )
    assert raised.value.code == "readings_not_closed"
    assert not BillingRun.objects.filter(group=ready).exists()


def test_release_renders_the_run_pdfs_ahead_in_batches_once(
    ready: Any, django_capture_on_commit_callbacks
) -> None:
    from django.core.files.storage import default_storage

    from modules.billing.pdf import bill_pdf_path
    from modules.billing.services.documents import run_pdfs_render_batch

    props = [f.billable(ready) for _ in range(3)]
    for p in props:
        _read(p, 16)
    run = runs.run_create(actor=f.ACTOR, group=ready, reference=MONTH, enqueue=False)
    _process_all(run)
    bills = list(Bill.objects.filter(run=run).order_by("pk"))
    # a draft run renders nothing: its bills are not valid for anything yet
    assert run_pdfs_render_batch(run_id=run.pk, after_id=0, limit=10) == (0, None)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        runs.run_release(actor=f.ACTOR, run=run)
    assert len(_rendering(callbacks)) == 1  # the background rendering is handed to a task once committed
    assert len(callbacks) == 2  # and the citizens' notices of the issued bills (billing/hooks.py)
    assert not any(default_storage.exists(bill_pdf_path(b)) for b in Bill.objects.filter(run=run))

    assert run_pdfs_render_batch(run_id=run.pk, after_id=0, limit=2) == (2, bills[1].pk)
    assert run_pdfs_render_batch(run_id=run.pk, after_id=bills[1].pk, limit=2) == (1, None)
    assert run_pdfs_render_batch(run_id=run.pk, after_id=0, limit=10) == (0, None)  # re-run: nothing twice
    released = list(Bill.objects.filter(run=run).order_by("pk"))
    stored = {}
    for bill in released:
        path = bill_pdf_path(bill)
        with default_storage.open(path, "rb") as fh:
            stored[bill.pk] = fh.read()
        assert stored[bill.pk].startswith(b"%PDF") and bill_pdf(bill) == stored[bill.pk]
    # paying a bill keeps its PDF; cancelling it makes another (marked cancelled)
    paid, cancelled = released[0], released[1]
    paid.status = BillStatus.PAID
    cancelled.status = BillStatus.CANCELLED
    assert bill_pdf_path(paid) == bill_pdf_path(released[0].__class__.objects.get(pk=paid.pk))
    assert bill_pdf_path(cancelled) != bill_pdf_path(Bill.objects.get(pk=cancelled.pk))


def test_bills_laid_out_together_read_exactly_as_each_alone(ready: Any) -> None:
    """The background job lays several bills out in one document and writes each bill's pages as its
    own PDF: same pages, same text, the bill's own title, as the on-demand render."""
    import io

    from pypdf import PdfReader

    from modules.billing.pdf import render_bill_pdf, render_bill_pdfs

    props = [f.billable(ready, (("RES", 1 + n),)) for n in range(3)]
    for n, p in enumerate(props):
        _read(p, 12 + 9 * n)
    run = runs.run_create(actor=f.ACTOR, group=ready, reference=MONTH, enqueue=False)
    _process_all(run)
    runs.run_release(actor=f.ACTOR, run=run, render_pdfs=False)
    bills = list(Bill.objects.filter(run=run).order_by("pk"))
    bills[2].status = BillStatus.CANCELLED  # stamped: laid out alone, the stamp on its page only
    together = render_bill_pdfs(bills)
    assert set(together) == {b.pk for b in bills}
    for bill in bills:
        batch, alone = PdfReader(io.BytesIO(together[bill.pk])), PdfReader(io.BytesIO(render_bill_pdf(bill)))
        assert len(batch.pages) == len(alone.pages) == 1
        text = batch.pages[0].extract_text()
        assert text == alone.pages[0].extract_text()
        assert bill.property.account_number in text and bill.typeable_line[:11] in text.replace(" ", "")
        assert batch.metadata.title == f"Fatura {bill.pk}"
        assert ("CANCELADA" in text.upper()) is (bill.status == BillStatus.CANCELLED)
    assert render_bill_pdfs([]) == {}


def test_a_release_without_background_rendering_registers_no_task(
    ready: Any, django_capture_on_commit_callbacks
) -> None:
    p = f.billable(ready)
    _read(p, 16)
    run = runs.run_create(actor=f.ACTOR, group=ready, reference=MONTH, enqueue=False)
    _process_all(run)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        runs.run_release(actor=f.ACTOR, run=run, render_pdfs=False)
    assert _rendering(callbacks) == []


def test_release_holds_a_bill_whose_critique_is_open_until_a_person_accepts_it(ready: Any) -> None:
    from modules.common.models import AuditEntry

    read = f.billable(ready)
    _read(read, 16)
    unread = f.billable(ready)  # no reading, no history: billed by the minimum, anomaly "no_reading"
    run = runs.run_create(actor=f.ACTOR, group=ready, reference=MONTH, enqueue=False)
    _process_all(run)

    assert runs.run_release(actor=f.ACTOR, run=run, render_pdfs=False) == 1
    held = Bill.objects.get(run=run, property=unread)
    assert Bill.objects.get(run=run, property=read).status == BillStatus.RELEASED
    assert held.status == BillStatus.DRAFT and held.issued_at is None
    assert runs.held_in_critique(run) == 1

    with pytest.raises(ValidationFailed):
        bill_services.bill_critique_accept(actor=f.ACTOR, bill=held, reason=" ")
    held.refresh_from_db()
    assert held.status == BillStatus.DRAFT and held.anomalies.get().accepted_at is None

    accepted = bill_services.bill_critique_accept(actor=f.ACTOR, bill=held, reason="imóvel fechado, visto")
    assert accepted.status == BillStatus.RELEASED and accepted.issued_at is not None
    assert held.anomalies.get().accepted_by == f.ACTOR.get_username()
    assert runs.held_in_critique(run) == 0
    assert (
        AuditEntry.objects.filter(action="billing.bill_critique_accept", object_id=str(held.pk)).count() == 1
    )
    with pytest.raises(Conflict):
        bill_services.bill_critique_accept(actor=f.ACTOR, bill=held, reason="de novo")


def test_a_held_bill_corrected_by_rebilling_is_issued(ready: Any) -> None:
    unread = f.billable(ready)
    run = runs.run_create(actor=f.ACTOR, group=ready, reference=MONTH, enqueue=False)
    _process_all(run)
    runs.run_release(actor=f.ACTOR, run=run, render_pdfs=False)
    held = Bill.objects.get(run=run, property=unread)

    new = bill_services.bill_rebill(actor=f.ACTOR, bill=held, reason="leitura achada", consumption_m3=10)

    assert new.status == BillStatus.RELEASED
    assert all(a.accepted_at is not None for a in new.anomalies.all())
    assert runs.held_in_critique(run) == 0


def test_the_bill_pdf_masks_the_payers_cpf_as_the_agency_does(ready: Any) -> None:
    import io

    from pypdf import PdfReader

    from modules.billing.pdf import render_bill_html
    from modules.common.domain.documents import format_document, mask_document
    from modules.registry.models import PropertyRelation

    p = f.billable(ready)
    _read(p, 16)
    run = runs.run_create(actor=f.ACTOR, group=ready, reference=MONTH, enqueue=False)
    _process_all(run)
    bill = Bill.objects.get(run=run)
    document = PropertyRelation.objects.get(property=p).customer.cpf_cnpj

    html = render_bill_html(bill)
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(bill_pdf(bill))).pages)

    assert f"Emissão {tenant_today():%d/%m/%Y}" in html  # a draft shows its run's day
    runs.run_release(actor=f.ACTOR, run=run, render_pdfs=False)
    bill.refresh_from_db()
    html = render_bill_html(bill)
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(bill_pdf(bill))).pages)
    assert f"Emissão {tenant_today():%d/%m/%Y}" in html and "Emissão" in text
    assert mask_document(document) in html and mask_document(document) in text
    assert format_document(document) not in html and format_document(document) not in text
    assert document not in text


def _two_months_billed(ready: Any) -> tuple[BillingRun, BillingRun]:
    june = MONTH.next()
    f.schedule(ready, june)
    p = f.billable(ready)
    _read(p, 16)
    _read(p, 30, month=june)
    may = runs.run_create(actor=f.ACTOR, group=ready, reference=MONTH, enqueue=False)
    _process_all(may)
    later = runs.run_create(actor=f.ACTOR, group=ready, reference=june, enqueue=False)
    _process_all(later)
    return may, later


def test_only_the_groups_latest_released_run_is_rendered_ahead(
    ready: Any, django_capture_on_commit_callbacks
) -> None:
    """Citizens open the newest bill first; an older month's bills render when someone opens one."""
    from django.core.files.storage import default_storage

    from modules.billing.pdf import bill_pdf_path
    from modules.billing.services.documents import run_pdfs_render_batch

    may, june = _two_months_billed(ready)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        runs.run_release(actor=f.ACTOR, run=may)
    assert len(_rendering(callbacks)) == 1  # May is the latest released month for now
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        runs.run_release(actor=f.ACTOR, run=june)
    assert len(_rendering(callbacks)) == 1
    # May's queued batches stop at once: June was released meanwhile
    assert run_pdfs_render_batch(run_id=may.pk, after_id=0, limit=10) == (0, None)
    old = Bill.objects.get(run=may)
    assert not default_storage.exists(bill_pdf_path(old))
    assert run_pdfs_render_batch(run_id=june.pk, after_id=0, limit=10) == (1, None)
    # the older bill still renders on its first download, and is stored for the next
    assert bill_pdf(old).startswith(b"%PDF")
    assert default_storage.exists(bill_pdf_path(old))


def test_releasing_an_older_month_after_a_later_one_queues_no_rendering(
    ready: Any, django_capture_on_commit_callbacks
) -> None:
    may, june = _two_months_billed(ready)
    runs.run_release(actor=f.ACTOR, run=june, render_pdfs=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert runs.run_release(actor=f.ACTOR, run=may) == 1
    assert _rendering(callbacks) == []
    assert Bill.objects.get(run=may).status == BillStatus.RELEASED


@pytest.mark.parametrize(
    ("run_day", "due", "chosen_day_due"),
    [
        (dt.date(2025, 5, 31), dt.date(2025, 6, 15), dt.date(2025, 6, 10)),  # on time: the schedule's dates
        # 12 days late (the schedule bills on 31/05, due 15/06): at least 5 days after the real issue
        (dt.date(2025, 6, 12), dt.date(2025, 6, 17), dt.date(2025, 7, 10)),
    ],
)
def test_a_late_run_never_issues_a_bill_due_sooner_than_the_minimum_after_its_issue(
    ready: Any, run_day: dt.date, due: dt.date, chosen_day_due: dt.date
) -> None:
    scheduled = f.billable(ready)
    chose_the_10th = f.billable(ready)
    for p in (scheduled, chose_the_10th):
        _read(p, 16)
    DueDayChoice.objects.create(property=chose_the_10th, day=10)

    run = runs.run_create(actor=f.ACTOR, group=ready, reference=MONTH, enqueue=False, today=run_day)
    _process_all(run)

    bills = {b.property_id: b for b in Bill.objects.filter(run=run)}
    assert run.issued_on == run_day
    assert bills[scheduled.pk].due_date == due
    assert bills[chose_the_10th.pk].due_date == chosen_day_due


def test_the_bill_prints_the_reading_it_was_priced_on_not_the_reading_as_it_stands_later(ready: Any) -> None:
    from modules.billing.pdf import render_bill_html
    from modules.reading.models import Reading

    p = f.billable(ready)
    _read(p, 16)
    run = runs.run_create(actor=f.ACTOR, group=ready, reference=MONTH, enqueue=False)
    _process_all(run)
    bill = Bill.objects.get(run=run)
    meter = Reading.objects.get(property=p).installation.meter.number
    assert (
        bill.meter_number,
        bill.read_on,
        bill.previous_reading,
        bill.current_reading,
        bill.measured_m3,
    ) == (
        meter,
        MONTH.day(10),
        0,
        16,
        16,
    )

    Reading.objects.filter(property=p).update(value=21, consumption_m3=21, read_on=MONTH.day(12))
    html = render_bill_html(Bill.objects.get(pk=bill.pk))

    assert f"<span>Hidrômetro</span><span>{meter}</span>" in html
    assert "<span>Leitura atual</span><span>16</span>" in html
    assert f"<span>Data da leitura</span><span>{MONTH.day(10):%d/%m/%Y}</span>" in html
    assert "<span>Consumo do período</span><span>16 m³</span>" in html
    section = html.split("Leitura e consumo")[1].split("Histórico")[0]
    assert "21" not in section.replace(meter, "")  # the meter's serial may hold the digits by chance


def test_the_sewer_is_billed_by_the_sewer_connections_own_share_when_it_has_one(ready: Any) -> None:
    """S4.7-02: 80 % of the water amount for this connection, instead of the tariff's 92.5 %."""
    from modules.billing.selectors import billed_consumptions
    from modules.registry.models import ServiceConnection

    shared = f.billable(ready)
    ServiceConnection.objects.filter(property=shared, kind="sewer").update(sewer_share_percent=Decimal("80"))
    plain = f.billable(ready)
    for p in (shared, plain):
        _read(p, 16)
    run = runs.run_create(actor=f.ACTOR, group=ready, reference=MONTH, enqueue=False)
    _process_all(run)

    bills = {b.property_id: b for b in Bill.objects.filter(run=run)}
    sewer = [i.amount for i in bills[shared.pk].items.all() if i.kind == "sewer"]
    assert sewer == [Decimal("8.56"), Decimal("6.44"), Decimal("1.86")]
    assert bills[shared.pk].total == Decimal("37.94")
    assert bills[plain.pk].total == Decimal("40.56")
    # the tariff comparison prices the month again with the same share
    assert sorted(b.sewer_percent or 0 for b in billed_consumptions(MONTH)) == [0, Decimal("80")]


def test_a_run_bills_the_group_in_the_routes_reading_order(ready: Any) -> None:
    from modules.registry.models import Route
    from modules.registry.services.reference import route_reorder

    second_route = Route.objects.create(group=ready, code=2, sequence=2)
    on_route_1 = f.billable(ready)
    on_route_2 = f.billable(ready)
    on_route_2.route = second_route
    on_route_2.save(update_fields=["route"])
    route_reorder(actor=f.ACTOR, group_id=ready.pk, route_codes=[2, 1])

    run = runs.run_create(
        actor=f.ACTOR, group=ready, reference=MONTH, enqueue=False, today=dt.date(2025, 5, 31)
    )

    [chunk] = RunChunk.objects.filter(run=run)
    assert chunk.property_ids == [on_route_2.pk, on_route_1.pk]


def _rendering(callbacks: list[Any]) -> list[Any]:
    """The on-commit callbacks of a release other than the citizens' notices (billing/hooks.py)."""
    from modules.billing.hooks import bills_released

    return [c for c in callbacks if getattr(c, "func", None) is not bills_released]
