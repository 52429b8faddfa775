"""VA-21 with seed 003's table: Mês/Ano, Data da leitura, Leitura, Cons. Medido, Cons. Faturado,
Cons. Médio, Dias de Consumo, newest first, on the page and in the API. Medido is the reading's delta
(blank in 02/2019, the sample's anomaly: delta 10, billed 0, supply suppressed), Dias the days between
reading dates, Médio the truncated mean of the six non-zero billed months before (the three months
the sample lets one check)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from tests.collection import factories as f

from .conftest import Citizen, sign_in
from .test_api import _token

# month, read on, reading, medido, faturado (seed 003, oldest first)
SEED = [
    ("06/2018", "28/06/2018", 460, 11, 11),
    ("07/2018", "27/07/2018", 469, 9, 9),
    ("08/2018", "27/08/2018", 477, 8, 8),
    ("09/2018", "27/09/2018", 487, 10, 10),
    ("10/2018", "29/10/2018", 501, 14, 14),
    ("11/2018", "29/11/2018", 516, 15, 15),
    ("12/2018", "28/12/2018", 523, 7, 7),
    ("01/2019", "29/01/2019", 523, 0, 0),
    ("02/2019", "28/02/2019", 533, None, 0),
]


def _day(text: str) -> dt.date:
    d, m, y = (int(x) for x in text.split("/"))
    return dt.date(y, m, d)


@pytest.fixture
def history(citizen: Citizen) -> Any:
    with time_machine.travel(dt.datetime(2019, 4, 19, 12, tzinfo=dt.UTC), tick=True):
        for month, read_on, reading, measured, billed in SEED:
            m, y = (int(x) for x in month.split("/"))
            bill = f.bill(citizen.home, "50.00", _day(read_on) + dt.timedelta(days=15), dt.date(y, m, 1))
            bill.read_on, bill.current_reading, bill.measured_m3 = _day(read_on), reading, measured
            bill.consumption_m3 = billed
            bill.save(update_fields=["read_on", "current_reading", "measured_m3", "consumption_m3"])
        yield


def test_the_seed_003_table_on_the_page_and_in_the_api(
    alpha_client: Client, citizen: Citizen, history: None
) -> None:
    sign_in(alpha_client, citizen.home, citizen.cpf)
    page = alpha_client.get(f"/agencia/imoveis/{citizen.home.pk}/consumo/").content.decode()
    table = page.split('data-testid="consumption-table"')[1].split("</table>")[0]
    assert table.index("02/2019") < table.index("01/2019") < table.index("06/2018")  # newest first
    assert '<td data-label="Data da leitura">28/02/2019</td>' in table
    auth = _token(alpha_client, citizen)
    answer = alpha_client.get(f"/agencia/api/v1/properties/{citizen.home.pk}/consumption", **auth)
    assert answer.status_code == 200
    rows = {r["reference"][:7]: r for r in answer.json()["table"]}
    assert len(rows) == 9 and next(iter(rows)) == "2019-02"
    feb, jan, dec = rows["2019-02"], rows["2019-01"], rows["2018-12"]
    assert (feb["read_on"], feb["reading"], feb["measured_m3"], feb["billed_m3"]) == (
        "2019-02-28",
        533,
        None,
        0,
    )
    assert (jan["measured_m3"], jan["billed_m3"], dec["measured_m3"], dec["billed_m3"]) == (0, 0, 7, 7)
    # Cons. Médio: 10, 10, 11 as in the sample (63/6 and 67/6, truncated; 01/2019's 0 left out)
    assert (feb["average_m3"], jan["average_m3"], dec["average_m3"]) == (10, 10, 11)
    # Dias de Consumo: 30, 32, 29, 31, 32, 31, 31, 29 as in the sample; 06/2018 has no earlier reading
    days = [
        rows[k]["days"]
        for k in ("2019-02", "2019-01", "2018-12", "2018-11", "2018-10", "2018-09", "2018-08", "2018-07")
    ]
    assert days == [30, 32, 29, 31, 32, 31, 31, 29] and rows["2018-06"]["days"] is None
