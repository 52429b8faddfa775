"""Reference data every utility starts with: the password policy and the standard profiles."""

from __future__ import annotations

from .functions import CATALOGUE
from .models import PasswordPolicy, Profile
from .services.profiles import grants_create

# Standard job profiles of a utility (tender S3.5); the administrator edits them freely afterwards.
STANDARD_PROFILES: dict[str, tuple[str, bool, dict[str, tuple[str, ...]]]] = {
    "Consulta": (
        "Somente consulta a todas as funções",
        True,
        {f.code: ("view",) for f in CATALOGUE if not f.code.startswith("access.")},
    ),
    "Gestor": (
        "Gestão: consulta a tudo, auditoria",
        False,
        {f.code: ("view",) for f in CATALOGUE} | {"ops.incidents": ("view", "add")},
    ),
    "Atendente": ("Atendimento ao público", False, {"ops.incidents": ("view", "add")}),
    "Faturamento": ("Equipe de faturamento", False, {}),
    "Cobrança": ("Equipe de cobrança", False, {}),
    "Leiturista": ("Leitura de hidrômetros", False, {"reading.field": ("view", "add")}),
    "Fiscal": ("Fiscalização", False, {}),
    "Equipe de campo": (
        "Aplicativo de campo: ordens do dia da equipe, encerramento, fotos",
        False,
        {"service.field": ("view", "add")},
    ),
}


def seed_reference_data() -> None:
    if not PasswordPolicy.objects.exists():
        PasswordPolicy.objects.create()
    for name, (description, read_only, grants) in STANDARD_PROFILES.items():
        profile, created = Profile.objects.get_or_create(
            name=name, defaults={"description": description, "read_only": read_only}
        )
        if not created:
            continue
        grants_create(profile, grants)
