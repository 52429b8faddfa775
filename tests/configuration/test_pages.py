"""The staff pages: "Configuração como documento" (download, upload → differences by section →
confirm) and the settings hub, which lists the menu's "Configurações" section from the nav table."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape

from modules.access.models import Profile, ProfileGrant
from modules.configuration import selectors
from portal.configuration import SECTION as AGENCY
from saas.navigation import SETTINGS_SECTION, STAFF_NAV
from tests.conftest import make_user

from .helpers import PASSWORD, without_timestamp

pytestmark = pytest.mark.usefixtures("tenant_alpha")
PAGE = "/configuracoes/documento/"


def _staff(client: Client, username: str, *, change: bool) -> Any:
    profile = Profile.objects.create(name=f"Perfil {username}")
    ProfileGrant.objects.create(
        profile=profile, function="configuration.document", can_view=True, can_change=change
    )
    user = make_user("alpha", username, PASSWORD)
    user.profiles.add(profile)
    client.force_login(user)
    return user


def _upload(document: Any, name: str = "modelo.json") -> SimpleUploadedFile:
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    return SimpleUploadedFile(name, body, content_type="application/json")


def test_the_download_is_the_document(alpha_client: Client) -> None:
    _staff(alpha_client, "gestora", change=False)
    response = alpha_client.get(PAGE + "configuracao.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="configuracao-alpha-')
    assert without_timestamp(json.loads(response.content)) == without_timestamp(selectors.document_export())


def test_upload_shows_the_differences_by_section_and_confirm_applies_them(
    alpha_client: Client, audits: Any
) -> None:
    _staff(alpha_client, "gestora", change=True)
    document = selectors.document_export()
    document["sections"]["agency"]["web_idle_minutes"] = 45
    document["sections"]["agency"]["service_hours"] = "Seg. a sex., 8h às 17h"

    preview = alpha_client.post(PAGE, {"action": "preview", "document": _upload(document)})

    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Diferenças de modelo.json" in html and "2 alterações" in html
    assert "<h3>Agência virtual" in html
    assert "agency.web_idle_minutes" in html and "Seg. a sex., 8h às 17h" in html
    assert AGENCY.export()["web_idle_minutes"] == 15  # the preview wrote nothing
    assert not audits("configuration.import").exists()

    fingerprint = html.split('name="fingerprint" value="')[1].split('"')[0]
    applied = alpha_client.post(
        PAGE, {"action": "apply", "fingerprint": fingerprint, "document_text": json.dumps(document)}
    )

    assert (applied.status_code, applied["Location"]) == (302, PAGE)
    assert AGENCY.export()["web_idle_minutes"] == 45
    page = alpha_client.get(PAGE).content.decode()
    assert "Configuração importada: 2 alterações aplicadas." in page
    assert "Configuração importada de um documento" in page  # the change history under the form


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{ nada", "O arquivo não é um JSON válido (linha 1"),
        ({"format": "manancial.settings", "version": 9, "sections": {}}, "versão 9 do formato"),
        (
            {"format": "manancial.settings", "version": 1, "sections": {"agency": {"units": []}}},
            "Informe ao menos um setor. (em agency.units)",
        ),
    ],
)
def test_a_bad_file_is_refused_on_the_page_and_nothing_is_written(
    alpha_client: Client, body: Any, message: str, audits: Any
) -> None:
    _staff(alpha_client, "gestora", change=True)
    before = AGENCY.export()
    response = alpha_client.post(PAGE, {"action": "preview", "document": _upload(body)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert AGENCY.export() == before
    assert not audits("configuration.import").exists()


def test_a_confirmation_after_the_settings_changed_applies_nothing(alpha_client: Client) -> None:
    _staff(alpha_client, "gestora", change=True)
    document = selectors.document_export()
    document["sections"]["agency"]["web_idle_minutes"] = 45
    response = alpha_client.post(
        PAGE, {"action": "apply", "fingerprint": "outra-previa", "document_text": json.dumps(document)}
    )
    assert response.status_code == 400
    assert "mudou desde a prévia" in response.content.decode()
    assert AGENCY.export()["web_idle_minutes"] == 15


def test_a_profile_that_only_views_downloads_but_cannot_upload(alpha_client: Client) -> None:
    _staff(alpha_client, "consulta", change=False)
    page = alpha_client.get(PAGE).content.decode()
    assert "Baixar a configuração (JSON)" in page and "Seu perfil permite só baixar" in page
    document = selectors.document_export()
    document["sections"]["agency"]["web_idle_minutes"] = 45
    response = alpha_client.post(PAGE, {"action": "preview", "document": _upload(document)})
    assert response.status_code == 403
    assert AGENCY.export()["web_idle_minutes"] == 15


def test_without_the_function_the_page_is_forbidden(alpha_client: Client) -> None:
    alpha_client.force_login(make_user("alpha", "semfuncao", PASSWORD))
    assert alpha_client.get(PAGE).status_code == 403
    assert alpha_client.get(PAGE + "configuracao.json").status_code == 403


def test_the_hub_lists_every_settings_screen_of_the_menu_with_its_description(alpha_client: Client) -> None:
    alpha_client.force_login(make_user("alpha", "admin", PASSWORD, is_admin=True))
    html = alpha_client.get("/configuracoes/").content.decode()
    listed = [i for i in STAFF_NAV if i.section == SETTINGS_SECTION and i.function]
    assert listed, "the menu has a Configurações section"
    for item in listed:
        assert item.label in html
        assert item.description and escape(item.description) in html
    assert "Todas as configurações" not in html.split("<main")[1]  # the hub does not list itself
    home = alpha_client.get("/").content.decode()
    assert 'href="/configuracoes/"' in home and 'href="/configuracoes/documento/"' in home


def test_every_settings_screen_of_the_menu_has_a_description() -> None:
    missing = [i.label for i in STAFF_NAV if i.section == SETTINGS_SECTION and not i.description]
    assert missing == []


def test_the_hub_and_its_menu_entry_need_a_settings_function(alpha_client: Client) -> None:
    alpha_client.force_login(make_user("alpha", "semfuncao", PASSWORD))
    assert alpha_client.get("/configuracoes/").status_code == 403
    assert 'href="/configuracoes/"' not in alpha_client.get("/").content.decode()
    _staff(alpha_client, "gestora", change=False)
    hub = alpha_client.get("/configuracoes/").content.decode()
    assert "Configuração como documento" in hub


def _settings_screens() -> list[Any]:
    return [i for i in STAFF_NAV if i.section == SETTINGS_SECTION and i.function]


def test_every_settings_screen_of_the_hub_opens_on_a_new_utility(alpha_client: Client) -> None:
    """Issue #13: every rule is reachable from a page. Each screen the hub lists opens for a manager
    of a utility nobody configured yet (the seeds only), as a page of the staff app."""
    from django.urls import reverse

    alpha_client.force_login(make_user("alpha", "admin", PASSWORD, is_admin=True))
    broken = {}
    for item in _settings_screens():
        response = alpha_client.get(reverse(item.url_name))
        body = response.content.decode()
        if response.status_code != 200 or "<main" not in body:
            broken[item.label] = response.status_code
    assert broken == {}


def test_the_gestor_profile_opens_every_settings_screen_its_hub_lists(alpha_client: Client) -> None:
    from django.urls import reverse

    user = make_user("alpha", "gestora-hub", PASSWORD)
    user.profiles.add(Profile.objects.get(name="Gestor"))
    alpha_client.force_login(user)
    hub = alpha_client.get("/configuracoes/").content.decode()
    listed = [i for i in _settings_screens() if f'href="{reverse(i.url_name)}"' in hub]
    assert len(listed) >= 10, [i.label for i in listed]
    assert {reverse(i.url_name): alpha_client.get(reverse(i.url_name)).status_code for i in listed} == {
        reverse(i.url_name): 200 for i in listed
    }


# index pages whose every table has its own screen with the history; the sewer notice lists its
# versions with who saved each and when
WITHOUT_A_HISTORY_OF_THEIR_OWN = {"registry:reference_index", "registry:classification_index"}


def test_every_settings_screen_shows_who_changed_what_and_when(alpha_client: Client) -> None:
    """Issue #13 point 3: every settings screen shows its history of changes."""
    from django.urls import reverse

    alpha_client.force_login(make_user("alpha", "admin", PASSWORD, is_admin=True))
    without = [
        i.label
        for i in _settings_screens()
        if i.url_name not in WITHOUT_A_HISTORY_OF_THEIR_OWN
        and i.url_name != "billing:sewer_notice_texts"
        and "Histórico de alterações" not in alpha_client.get(reverse(i.url_name)).content.decode()
    ]
    assert without == []
    tables = alpha_client.get("/cadastro/tabelas/categorias/").content.decode()
    assert "Histórico de alterações" in tables


def test_a_desk_configuration_change_appears_on_its_screen(alpha_client: Client) -> None:
    from modules.service.services.desk_config import desk_configuration_update

    from .helpers import ACTOR

    desk_configuration_update(
        actor=ACTOR, allowed_formats=["pdf"], max_document_bytes=2 * 1024 * 1024, reference_links=[]
    )
    alpha_client.force_login(make_user("alpha", "admin", PASSWORD, is_admin=True))
    history = alpha_client.get("/servicos/atendimento/configuracao/").content.decode()
    history = history[history.index("Histórico de alterações") :]
    from modules.common.models import AuditEntry

    entry = AuditEntry.objects.filter(action="service.desk_configuration_update").latest("id")
    assert entry.actor in history and "Nenhuma alteração registrada" not in history
