"""The agency's infrastructure guide (VA-04, docs/agency-deployment.md) is checked against the code:
its required sections exist, and every command, setting, path and file it names is real, so the
guide cannot drift into describing a product that is not there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import get_commands
from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "agency-deployment.md"
REQUIRED = ("Link no site", "DNS", "TLS", "Hospedagem", "E-mail", "Retorno de pagamentos", "Totens")


def _text() -> str:
    return GUIDE.read_text(encoding="utf-8")


def _headings(text: str) -> list[str]:
    return [line.lstrip("#").strip() for line in text.splitlines() if line.startswith("## ")]


def test_required_sections_are_present_and_not_empty() -> None:
    text = _text()
    headings = _headings(text)
    for required in REQUIRED:
        matching = [h for h in headings if required in h]
        assert matching, f"falta a seção '{required}' em {GUIDE.name}"
        section = text.split(f"## {matching[0]}", 1)[1].split("\n## ", 1)[0]
        assert len(section.split()) >= 40, f"a seção '{matching[0]}' está vazia ou rasa"


def test_the_heading_check_catches_a_missing_section() -> None:
    broken = _text().replace("## 6. Retorno de pagamentos", "## 6. Pagamentos")
    assert not [h for h in _headings(broken) if "Retorno de pagamentos" in h]


def test_every_management_command_named_exists() -> None:
    named = set(re.findall(r"manage\.py ([a-z_]+)", _text()))
    assert named, "o guia não nomeia nenhum comando"
    assert named <= set(get_commands()), named - set(get_commands())


def test_every_setting_named_is_read_by_the_production_settings() -> None:
    settings_code = "".join(
        (ROOT / "platform" / "saas" / "settings" / name).read_text() for name in ("base.py", "production.py")
    )
    names = set(re.findall(r"`([A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+)`", _text()))
    assert {"EMAIL_HOST", "DEFAULT_FROM_EMAIL", "EXTRA_ALLOWED_HOSTS"} <= names
    missing = {n for n in names if f'"{n}"' not in settings_code and f"{n} =" not in settings_code}
    assert not missing, f"o guia cita configurações que o código não lê: {sorted(missing)}"


@pytest.mark.parametrize(
    "path", ["/agencia/", "/totem/", "/agencia/api/v1/schema/", "/status", "/webhooks/pagarme/segredo"]
)
def test_every_path_named_resolves_on_a_utility_host(path: str) -> None:
    assert path.replace("/segredo", "/<segredo>") in _text()
    try:
        resolve(path, urlconf="saas.urls_tenant")
    except Resolver404:  # pragma: no cover - the assertion below explains
        pytest.fail(f"o guia cita {path}, que não existe no host da concessionária")


def test_every_repository_file_named_exists() -> None:
    files = set(re.findall(r"`((?:docs|infra|helm)/[\w./-]+)`", _text()))
    assert files
    assert not [f for f in files if not (ROOT / f).exists()]


def test_helm_value_keys_named_exist() -> None:
    values = (ROOT / "helm" / "manancial" / "values.yaml").read_text()
    for key in re.findall(r"`ingress\.(\w+)`", _text()):
        assert re.search(rf"^  {key}:", values, re.M), f"ingress.{key} não existe em values.yaml"
