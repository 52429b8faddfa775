"""Municipal holidays by file (TR S12.2-01): all or nothing with the bad line named, the same file
twice adds nothing, under the schedule's own right (a view-only profile is refused); and the alert on
the schedule page when the registered holidays stop before the schedule does."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from modules.access.models import Profile, ProfileGrant
from modules.common.domain.dates import YearMonth
from modules.common.errors import ValidationFailed
from modules.common.models import AuditEntry
from modules.reading.models import Holiday
from modules.reading.services import holiday_alert, holidays_import
from tests.billing import factories as f
from tests.conftest import make_user

pytestmark = pytest.mark.usefixtures("tenant_alpha")
PASSWORD = "Senha-forte-123"
FILE = "data;nome\r\n20/01/2026;São Sebastião\r\n\r\n2026-03-05;Aniversário da cidade\r\n"


def test_a_holiday_file_is_imported_once_and_audited() -> None:
    assert holidays_import(actor=f.ACTOR, text=FILE) == (2, 0)
    assert list(Holiday.objects.values_list("date", "name")) == [
        (dt.date(2026, 1, 20), "São Sebastião"),
        (dt.date(2026, 3, 5), "Aniversário da cidade"),
    ]
    assert holidays_import(actor=f.ACTOR, text=FILE + "08/12/2026,Padroeira\n") == (1, 2)
    assert Holiday.objects.count() == 3
    assert AuditEntry.objects.filter(action="reading.holiday_create").count() == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "20/01/2026;São Sebastião\n31/02/2026;Nunca\n",
            "Linha 2: data inválida “31/02/2026” (use DD/MM/AAAA).",
        ),
        ("20/01/2026;São Sebastião\n05/03/2026;\n", "Linha 2: informe o nome do feriado."),
        ("20/01/2026;A\n20/01/2026;B\n", "Linha 2: 20/01/2026 aparece duas vezes no arquivo."),
        ("data;nome\n", "O arquivo não tem feriados."),
    ],
)
def test_a_bad_line_refuses_the_whole_file(text: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        holidays_import(actor=f.ACTOR, text=text)
    assert (raised.value.field, raised.value.message) == ("file", message)
    assert not Holiday.objects.exists()


def test_the_alert_names_the_last_holiday_and_the_schedules_horizon() -> None:
    today = dt.date(2026, 6, 1)
    assert holiday_alert(today).startswith("Nenhum feriado municipal cadastrado: cadastre ou importe")
    holidays_import(actor=f.ACTOR, text="20/01/2026;São Sebastião\n")
    assert holiday_alert(today) == ""
    f.schedule(f.group(), YearMonth(2027, 2))  # the schedule now reaches into 2027
    assert holiday_alert(today) == (
        "O último feriado municipal cadastrado é de 20/01/2026, e o cronograma vai até 28/02/2027: "
        "cadastre ou importe os feriados de 2027 a 2027."
    )
    holidays_import(actor=f.ACTOR, text="20/01/2027;São Sebastião\n")
    assert holiday_alert(today) == ""


@time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False)
def test_the_schedule_page_imports_the_file_and_a_view_only_profile_cannot(alpha_client: Client) -> None:
    alpha_client.force_login(make_user("alpha", "gestora", PASSWORD, is_admin=True))
    page = alpha_client.get("/leitura/cronograma/").content.decode()
    assert 'value="holiday_import"' in page and "Nenhum feriado municipal cadastrado" in page
    upload = SimpleUploadedFile("feriados.csv", FILE.encode("utf-8"), content_type="text/csv")
    done = alpha_client.post("/leitura/cronograma/", {"op": "holiday_import", "file": upload}, follow=True)
    body = done.content.decode()
    assert "Feriados importados: 2 novo(s), 0 já cadastrado(s) mantido(s)." in body
    assert "Nenhum feriado municipal cadastrado" not in body and "20/01/2026" in body

    profile = Profile.objects.create(name="Cronograma consulta")
    ProfileGrant.objects.create(profile=profile, function="reading.schedule", can_view=True)
    viewer = make_user("alpha", "vista", PASSWORD)
    viewer.profiles.add(profile)
    alpha_client.force_login(viewer)
    again = SimpleUploadedFile("feriados.csv", b"08/12/2026;Padroeira\n", content_type="text/csv")
    refused = alpha_client.post("/leitura/cronograma/", {"op": "holiday_import", "file": again}, follow=True)
    assert "Seu perfil não permite alterar o cronograma." in refused.content.decode()
    assert Holiday.objects.count() == 2
    assert 'value="holiday_import"' not in alpha_client.get("/leitura/cronograma/").content.decode()


@time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False)
def test_the_import_api_needs_the_add_right_and_answers_the_counts(alpha_client: Client) -> None:
    from tests.conftest import bearer

    for name, actions in (("vista", ("view",)), ("feriados", ("view", "add"))):
        profile = Profile.objects.create(name=f"Cronograma {name}")
        ProfileGrant.objects.create(
            profile=profile, function="reading.schedule", **{f"can_{a}": True for a in actions}
        )
        make_user("alpha", name, PASSWORD).profiles.add(profile)
    url = "/api/v1/settings/holidays/import"
    viewer = bearer(alpha_client, "vista", PASSWORD)
    upload = SimpleUploadedFile("feriados.csv", FILE.encode("utf-8"), content_type="text/csv")
    assert alpha_client.post(url, {"file": upload}, **viewer).status_code == 403
    assert not Holiday.objects.exists()

    adder = bearer(alpha_client, "feriados", PASSWORD)
    upload = SimpleUploadedFile("feriados.csv", FILE.encode("utf-8"), content_type="text/csv")
    done = alpha_client.post(url, {"file": upload}, **adder)
    assert (done.status_code, done.json()) == (201, {"added": 2, "skipped": 0, "alert": ""})
    bad = alpha_client.post(
        url, {"text": "xx;yy\n01/13/2026;Errado\n"}, content_type="application/json", **adder
    )
    assert (bad.status_code, bad.json()["field"]) == (400, "file")
    assert bad.json()["detail"] == "Linha 2: data inválida “01/13/2026” (use DD/MM/AAAA)."
