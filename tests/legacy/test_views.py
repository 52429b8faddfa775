"""The staff upload page of the legacy import."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from modules.registry.models import Customer
from tests.conftest import make_user

PASSWORD = "Senha-forte-123"


@pytest.fixture
def staff(tenant_alpha, alpha_client):
    from modules.access.models import Profile

    user = make_user("alpha", "gestora", PASSWORD)
    user.profiles.add(Profile.objects.get(name="Gestor"))
    assert (
        alpha_client.post("/conta/entrar/", {"username": "gestora", "password": PASSWORD}).status_code == 302
    )
    return alpha_client


def test_upload_page_reports_lines(staff) -> None:
    data = "cpf_cnpj;name\n52998224725;Ana Maria\n11111111111;Sem Documento\n"
    page = staff.post(
        "/cadastro/importar/", {"customers": SimpleUploadedFile("customers.csv", data.encode())}
    ).content.decode()
    assert "recusado: nada gravado" in page
    assert "<td>3</td><td><code>cpf_cnpj</code></td>" in page
    assert Customer.objects.count() == 0


def test_a_profile_without_the_import_function_is_refused_and_nothing_is_written(
    tenant_alpha, alpha_client
) -> None:
    from modules.access.models import Profile

    user = make_user("alpha", "leitor", PASSWORD)
    user.profiles.add(Profile.objects.get(name="Consulta"))
    alpha_client.post("/conta/entrar/", {"username": "leitor", "password": PASSWORD})
    data = "cpf_cnpj;name\n52998224725;Ana Maria\n"
    response = alpha_client.post(
        "/cadastro/importar/", {"customers": SimpleUploadedFile("customers.csv", data.encode())}
    )
    assert response.status_code == 403
    assert Customer.objects.count() == 0
