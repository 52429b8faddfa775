"""The demo utilities (branding, bank agreement code), their staff and the shared demo password."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from modules.access.models import Profile, User


def logo_svg(initials: str, colour: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="{initials}">'
        f'<path d="M32 4C32 4 10 30 10 42a22 22 0 0 0 44 0C54 30 32 4 32 4z" fill="#ffffff"/>'
        f'<path d="M32 12C32 12 16 32 16 42a16 16 0 0 0 32 0C48 32 32 12 32 12z" fill="{colour}"/>'
        f'<text x="32" y="50" font-family="sans-serif" font-size="14" font-weight="700" fill="#ffffff" '
        f'text-anchor="middle">{initials}</text></svg>'
    )


DEMO_UTILITIES: list[dict[str, str]] = [
    {
        "schema": "querencia",
        "name": "DAE Querência",
        "timezone": "America/Cuiaba",
        "cnpj": "04215124000145",
        "legal_name": "Departamento de Água e Esgoto de Querência",
        "city": "Querência",
        "state": "MT",
        "address": "Av. Brasil, 1000 – Centro, Querência – MT, 78643-000",
        "phone": "(66) 3529-1000",
        "email": "atendimento@daequerencia.mt.gov.br",
        "whatsapp": "(66) 99900-1000",
        "primary_color": "#0E5A8A",
        "secondary_color": "#083A5A",
        "initials": "DAE",
        "febraban_company_code": "0417",
    },
    {
        "schema": "sorocaba",
        "name": "SAAE Sorocaba",
        "timezone": "America/Sao_Paulo",
        "cnpj": "71480560000139",
        "legal_name": "Serviço Autônomo de Água e Esgoto de Sorocaba",
        "city": "Sorocaba",
        "state": "SP",
        "address": "Av. Pereira da Silva, 1285 – Jardim Santa Rosália, Sorocaba – SP, 18095-340",
        "phone": "0800 770 0195",
        "email": "atendimento@saaesorocaba.sp.gov.br",
        "whatsapp": "(15) 99800-0195",
        "primary_color": "#00695C",
        "secondary_color": "#004D40",
        "initials": "SAAE",
        "febraban_company_code": "0562",
    },
]

DEMO_STAFF = [
    ("atendente", "Ana Paula Ribeiro", "Atendente"),
    ("consulta", "Carlos Eduardo Lima", "Consulta"),
]


def ensure_user(username: str, full_name: str, *, is_admin: bool, profile: str | None = None) -> bool:
    if User.objects.filter(username=username).exists():
        return False
    with transaction.atomic():
        user = User(
            username=username,
            full_name=full_name,
            is_admin=is_admin,
            must_change_password=False,
            email=f"{username}@exemplo.com.br",
        )
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
        if profile:
            user.profiles.add(Profile.objects.get(name=profile))
    return True
