"""VA-29: the problem report takes an optional screenshot, kept on the support protocol with the URL
and the browser; a file that is not an image is refused in pt-BR and nothing is recorded."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from modules.service.models import ServiceRequest


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "#1351B4").save(out, format="PNG")
    return out.getvalue()


def test_a_problem_report_keeps_its_screenshot_and_answers_the_protocol(
    alpha_client: Client, tenant_alpha: Any
) -> None:
    response = alpha_client.post(
        "/agencia/problema/",
        {
            "description": "A 2ª via não abre.",
            "name": "José",
            "page": "/agencia/imoveis/1/contas/",
            "screenshot": SimpleUploadedFile("tela.png", _png(), content_type="image/png"),
        },
        HTTP_USER_AGENT="Mozilla/5.0 (Android)",
    )
    assert response.status_code == 200
    item = ServiceRequest.objects.get(kind="agency_problem")
    assert f"Registramos o problema com o número {item.protocol}" in response.content.decode()
    [shot] = item.attachments.all()
    assert (shot.original_name, shot.content_type) == ("tela.png", "image/png")
    assert shot.file.read() == _png()
    assert (
        item.context["url"] == "/agencia/imoveis/1/contas/"
        and item.context["user_agent"] == "Mozilla/5.0 (Android)"
    )


def test_a_screenshot_that_is_not_an_image_is_refused(alpha_client: Client, tenant_alpha: Any) -> None:
    response = alpha_client.post(
        "/agencia/problema/",
        {
            "description": "A tela de contas mostra um erro.",
            "name": "José",
            "screenshot": SimpleUploadedFile(
                "virus.exe", b"MZ\x90\x00", content_type="application/x-msdownload"
            ),
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "não é PDF, JPG nem PNG" in body, body[body.find("<main") : body.find("</main>")]
    assert not ServiceRequest.objects.exists()
