"""README "Registering a bank" (issue 12): it sends the reader to what the product offers today — the
staff page and the staff API that register a collecting agent (issue 13) — and not only to a shell
command run by the vendor. Each address it names resolves to the view that does it, and the page sits
in the staff menu under the function the README names."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import resolve

from modules.collection import settings_apis, settings_views
from saas.navigation import STAFF_NAV

ROOT = Path(__file__).resolve().parents[2]


def _section() -> str:
    text = (ROOT / "README.md").read_text()
    match = re.search(r"^### Registering a bank.*?(?=^### )", text, re.MULTILINE | re.DOTALL)
    assert match, "README has no 'Registering a bank' section"
    return match.group(0)


def test_the_readme_registers_a_bank_from_the_staff_page_and_the_api() -> None:
    section = _section()
    assert "`/arrecadacao/configuracoes/agentes/`" in section
    assert '"Agentes, acréscimos e índices"' in section
    assert "POST https://querencia.<base-domain>/api/v1/collection/agents" in section
    assert "PATCH /api/v1/collection/agents/{id}" in section

    urlconf = "saas.urls_tenant"
    assert resolve("/arrecadacao/configuracoes/agentes/", urlconf).func is settings_views.agents_view
    assert resolve("/api/v1/collection/agents", urlconf).func.view_class is settings_apis.AgentsApi
    assert resolve("/api/v1/collection/agents/7", urlconf).func.view_class is settings_apis.AgentApi
    [item] = [i for i in STAFF_NAV if getattr(i, "url_name", None) == "collection:settings_agents"]
    assert item.section == "Configurações" and item.label == "Agentes arrecadadores"
    assert item.function == "collection.settings"
    assert f'Configurações → "{item.label}"' in section


def test_the_readmes_example_body_is_the_apis_fixed_point() -> None:
    body = (
        '{"code": "001", "name": "Banco do Brasil", "agreement": "110288", "channel": "bank", "fee": "1.20"}'
    )
    assert body in _section()
