"""News and notices (3.2.15.13) where the citizen sees them: the agency's home before and after
signing in, the totem's home and the app's API, each inside its window and for its audience."""

from __future__ import annotations

from typing import Any

from django.test import Client

from modules.common.audit import SystemActor
from modules.registry.models import Property
from modules.service.services import news
from tests.registry import factories as rf

from .conftest import Citizen, sign_in
from .test_api import _token

ACTOR = SystemActor("testes")


def test_the_home_pages_and_the_app_show_the_news_of_the_citizens_property(
    alpha_client: Client, citizen: Citizen, stranger: Citizen, tenant_alpha: Any
) -> None:
    other = rf.neighbourhood("Bairro Distante")
    Property.objects.filter(pk=stranger.home.pk).update(neighbourhood=other)
    news.news_create(actor=ACTOR, title="Agência aberta no sábado", body="Das 8h às 12h.")
    news.news_create(
        actor=ACTOR,
        kind="notice",
        title="Manutenção na sua rua",
        body="Sem água das 9h às 15h.",
        neighbourhood_ids=[citizen.home.neighbourhood_id],
    )
    news.news_create(
        actor=ACTOR, title="Só para o bairro distante", body="Texto.", neighbourhood_ids=[other.pk]
    )
    news.news_create(actor=ACTOR, title="Só no totem", body="Retire a senha.", on_agency=False)

    landing = alpha_client.get("/agencia/").content.decode()
    assert "Agência aberta no sábado" in landing
    assert "Manutenção na sua rua" not in landing and "Só no totem" not in landing
    totem = alpha_client.get("/totem/").content.decode()
    assert "Só no totem" in totem and "Agência aberta no sábado" in totem

    assert sign_in(alpha_client, citizen.home, citizen.cpf).status_code == 302
    home = alpha_client.get(f"/agencia/imoveis/{citizen.home.pk}/").content.decode()
    assert "Manutenção na sua rua" in home and "Só para o bairro distante" not in home

    public = alpha_client.get("/agencia/api/v1/news").json()["results"]
    assert [n["title"] for n in public] == ["Agência aberta no sábado"]
    auth = _token(alpha_client, citizen)
    mine = alpha_client.get(f"/agencia/api/v1/properties/{citizen.home.pk}/news", **auth)
    assert mine.status_code == 200
    assert [n["title"] for n in mine.json()["results"]] == [
        "Manutenção na sua rua",
        "Agência aberta no sábado",
    ]
    # another citizen's property: the same 404 as a missing one
    assert alpha_client.get(f"/agencia/api/v1/properties/{stranger.home.pk}/news", **auth).status_code == 404
