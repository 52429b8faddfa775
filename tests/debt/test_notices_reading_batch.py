"""Cut notices with the reading batch (seed 001 3.2.9.8) and their thermal print (3.2.9.7.6): when
the policy says so, creating a group's reading batch issues the notices of its eligible units,
delivered with the reading (the cut day counts from the window's last day), and each unit's entry in
the route package carries the notice the device prints right after the bill: the message, the
cut day and the typeable line of the barcode that settles the bills."""

from __future__ import annotations

import datetime as dt
from typing import Any

from modules.common.audit import SystemActor
from modules.debt.cutoff_policy import cutoff_policy_put, earliest_cut_on
from modules.debt.models import CutNotice
from modules.reading.models import ReadingBatch
from modules.reading.services import batches as svc
from tests.collection import factories as cf
from tests.reading import test_batches as field

# the reading batch's world (group 7, May's schedule, a reader's device) and its frozen clock
world = field.world
_frozen = field._frozen
_api = field._api

ACTOR = SystemActor("tests")
TODAY = dt.date(2025, 5, 10)
READING_END = dt.date(2025, 5, 28)


def _owing(world: dict[str, Any]) -> Any:
    p = world["props"][1]
    cf.bill(p, "70.00", dt.date(2025, 3, 10))
    return p


def test_the_batch_issues_the_notices_and_the_package_prints_each_after_the_bill(
    world: dict[str, Any], alpha_client: Any
) -> None:
    p = _owing(world)
    cutoff_policy_put(
        actor=ACTOR,
        values={"notices_with_reading_batch": True, "notice_message": "Evite o corte: pague já."},
        today=TODAY,
    )
    api = _api(alpha_client)
    made = api.post("/api/v1/reading/batches", {"group": 7, "month": "2025-05"})
    assert made.status_code == 201, made.content
    notice = CutNotice.objects.get()
    assert (notice.property_id, notice.issued_on, notice.delivered_on) == (p.pk, TODAY, READING_END)
    assert notice.cut_from == earliest_cut_on(READING_END) > READING_END + dt.timedelta(days=14)
    svc.route_assign(
        actor=ACTOR, route=svc.batch_route(ReadingBatch.objects.get(), 1), device=world["device"]
    )
    body = api.get(
        f"/api/v1/reading/batches/{made.json()['id']}/routes/1/package", device="PHONE-0001"
    ).json()
    entries = {e["id"]: e for e in body["properties"]}
    assert "notice" not in entries[world["props"][0].pk]
    printed = entries[p.pk]["notice"]
    assert printed["number"] == notice.number and printed["cut_from"] == notice.cut_from.isoformat()
    lines = printed["print"]
    assert lines[0].strip() == "AVISO DE CORTE" and all(len(line) <= 32 for line in lines)
    text = " ".join(lines)
    assert f"Corte a partir de {notice.cut_from:%d/%m/%Y}" in text and "Evite o corte: pague já." in text
    assert notice.document is not None and notice.document.typeable_line[:5] in text.replace(".", "")


def test_without_the_policy_flag_the_batch_issues_no_notice(world: dict[str, Any], alpha_client: Any) -> None:
    _owing(world)
    api = _api(alpha_client)
    assert api.post("/api/v1/reading/batches", {"group": 7, "month": "2025-05"}).status_code == 201
    assert not CutNotice.objects.exists()
