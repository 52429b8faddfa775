"""The legacy system's reading occurrences (TR S12.8-01): the occurrence list with its current
parameters and the reading history with the occurrence of each month come in; the reconciliation's
counts per code equal the fixture's; each file is all or nothing and the same files twice change
nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from modules.common.audit import SystemActor
from modules.reading.models import Occurrence, Reading
from modules.reading.services.legacy import import_occurrences, import_reading_files, import_reading_history
from tests.conftest import make_user
from tests.registry import factories as f

ACTOR = SystemActor("teste-legado")
TODAY = dt.date(2026, 12, 7)
PASSWORD = "Senha-forte-123"

OCCURRENCES = (
    "code;description;action;review;photo_required\n"
    "10;Imóvel fechado;media;N;N\n"  # an existing code: the legacy's current description
    "11;Hidrômetro parado;average;S;S\n"  # unchanged
    "55;Cão bravo no imóvel;average;N;S\n"  # new
    "60;Ligação cortada;minimum;sim;não\n"  # new
)


def _history(a: str, b: str) -> str:
    return (
        "account_number;reference;read_on;value;consumption_m3;occurrence\n"
        f"{a};2026-08;2026-08-10;100;12;\n"
        f"{a};09/2026;2026-09-10;;12;55\n"
        f"{a};2026-10;2026-10-09;130;18;30\n"
        f"{b};2026-08;2026-08-11;500;10;00\n"
        f"{b};2026-09;2026-09-11;500;10;60\n"
        f"{b};2026-10;2026-10-10;;10;55\n"
    )


@pytest.fixture
def units(tenant_alpha: Any) -> tuple[Any, Any]:
    return f.prop(number="10"), f.prop(number="11")


def test_the_list_and_the_history_come_in_and_the_counts_per_code_match(units: tuple[Any, Any]) -> None:
    a, b = units
    occ = import_occurrences(actor=ACTOR, data=OCCURRENCES.encode(), today=TODAY)
    assert occ.ok and (occ.read, occ.created, occ.updated, occ.unchanged) == (4, 2, 1, 1)
    assert Occurrence.objects.get(code="10").description == "Imóvel fechado"
    dog = Occurrence.objects.get(code="55")
    assert (dog.action, dog.review, dog.photo_required) == ("average", False, True)
    cut = Occurrence.objects.get(code="60")
    assert (cut.action, cut.review, cut.photo_required) == ("minimum", True, False)

    history = import_reading_history(
        actor=ACTOR, data=_history(a.account_number, b.account_number).encode(), today=TODAY
    )
    assert history.ok, history.errors
    assert (history.read, history.created) == (6, 6)
    assert history.details == {
        "ocorrência 00": 1,
        "ocorrência 30": 1,
        "ocorrência 55": 2,
        "ocorrência 60": 1,
        "sem ocorrência": 1,
    }
    stored = Reading.objects.filter(source="legacy")
    per_code = {c: stored.filter(occurrence__code=c).count() for c in ("00", "30", "55", "60")}
    assert per_code == {"00": 1, "30": 1, "55": 2, "60": 1}
    sep = Reading.objects.get(property=a, reference=dt.date(2026, 9, 1))
    assert (sep.value, sep.consumption_m3, sep.consumption_kind, sep.previous_value) == (
        None,
        12,
        "average",
        100,
    )
    octo = Reading.objects.get(property=a, reference=dt.date(2026, 10, 1))
    assert (octo.previous_value, octo.consumption_kind, octo.review, octo.flags) == (100, "measured", "", [])
    assert Reading.objects.get(property=b, reference=dt.date(2026, 9, 1)).consumption_kind == "minimum"

    again = import_reading_files(
        actor=ACTOR,
        files={
            "occurrences": OCCURRENCES.encode(),
            "readings": _history(a.account_number, b.account_number).encode(),
        },
        today=TODAY,
    )
    assert [(r.entity, r.created, r.updated, r.unchanged) for r in again] == [
        ("occurrences", 0, 0, 4),
        ("readings", 0, 0, 6),
    ]
    assert Reading.objects.count() == 6


def test_a_bad_line_rejects_the_whole_file_naming_line_and_field(units: tuple[Any, Any]) -> None:
    a, b = units
    Reading.objects.create(
        property=b,
        reference=dt.date(2026, 8, 1),
        read_on=dt.date(2026, 8, 11),
        value=480,
        consumption_m3=9,
        actor="x",
        source="api",
    )
    digit = a.account_number[-1]
    wrong_digit = a.account_number[:-1] + str((int(digit) + 1) % 10)
    data = (
        "account_number;reference;read_on;value;consumption_m3;occurrence\n"
        f"{a.account_number};2026-08;2026-08-10;100;12;\n"
        f"{a.account_number};2026-09;2026-09-10;120;12;99\n"  # line 3: unknown code
        f"{wrong_digit};2026-09;2026-09-10;120;12;\n"  # line 4: check digit
        f"{a.account_number};2027-01;2026-12-01;150;12;\n"  # line 5: future month
        f"{b.account_number};2026-08;2026-08-11;500;10;\n"  # line 6: a different reading that month
        f"{a.account_number};2026-10;2026-10-10;;12;\n"  # line 7: no value and no occurrence
    )
    report = import_reading_history(actor=ACTOR, data=data.encode(), today=TODAY)
    assert not report.ok and report.created == 0
    assert [(e.line, e.field) for e in report.errors] == [
        (3, "occurrence"),
        (4, "account_number"),
        (5, "reference"),
        (6, "reference"),
        (7, "value"),
    ]
    assert "ocorrência 99 não cadastrada" in report.errors[0].reason
    assert Reading.objects.count() == 1
    bad = import_occurrences(
        actor=ACTOR, data=b"code;description;action\n77;Nova;faturar\n78;Outra;normal\n", today=TODAY
    )
    assert not bad.ok and [(e.line, e.field) for e in bad.errors] == [(2, "action")]
    assert not Occurrence.objects.filter(code__in=["77", "78"]).exists()


def test_the_page_and_the_command_import_the_files(
    units: tuple[Any, Any], alpha_client: Any, tmp_path: Path
) -> None:
    from modules.access.models import Profile

    a, b = units
    user = make_user("alpha", "gestora", PASSWORD)
    user.profiles.add(Profile.objects.get(name="Gestor"))
    alpha_client.post("/conta/entrar/", {"username": "gestora", "password": PASSWORD})
    page = alpha_client.post(
        "/leitura/legado/",
        {"occurrences": SimpleUploadedFile("occurrences.csv", OCCURRENCES.encode())},
    ).content.decode()
    assert "Conciliação" in page and "aceito" in page and Occurrence.objects.filter(code="55").exists()

    (tmp_path / "readings.csv").write_text(_history(a.account_number, b.account_number), encoding="utf-8")
    call_command("import_reading_history", "--schema", "alpha", str(tmp_path))
    assert Reading.objects.filter(source="legacy").count() == 6
    (tmp_path / "readings.csv").write_text(
        "account_number;reference;read_on;value;consumption_m3;occurrence\n99999;2026-08;2026-08-10;1;1;\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError):
        call_command("import_reading_history", "--schema", "alpha", str(tmp_path))
