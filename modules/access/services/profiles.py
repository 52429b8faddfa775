"""Profiles (perfis): a named set of grants over the function catalogue."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from modules.common.audit import Actor, audit_record
from modules.common.errors import ValidationFailed

from ..errors import ErrorCode
from ..functions import ACTIONS, BY_CODE
from ..models import Profile, ProfileGrant
from .users import admin_require


@transaction.atomic(durable=True)
def profile_save(
    *,
    actor: Actor,
    name: str,
    grants: dict[str, Iterable[str]],
    read_only: bool = False,
    description: str = "",
    profile: Profile | None = None,
) -> Profile:
    """Create or replace a profile and its grants; takes effect on the users' next request."""
    admin_require(actor)
    if not (name or "").strip():
        raise ValidationFailed("Informe o nome do perfil.", field="name", code=ErrorCode.INVALID)
    for code, actions in grants.items():
        if code not in BY_CODE:
            raise ValidationFailed(f"Função desconhecida: {code}.", field="grants", code=ErrorCode.INVALID)
        bad = set(actions) - set(ACTIONS)
        if bad:
            raise ValidationFailed(
                f"Tipo de acesso desconhecido: {sorted(bad)[0]}.",
                field="grants",
                code=ErrorCode.INVALID,
            )
    clash = Profile.objects.filter(name=name.strip()).exclude(pk=getattr(profile, "pk", None)).exists()
    if clash:
        raise ValidationFailed("Já existe um perfil com este nome.", field="name", code=ErrorCode.DUPLICATE)
    before = _profile_state(profile) if profile else None
    profile = profile or Profile()
    profile.name, profile.description, profile.read_only = name.strip(), description, read_only
    profile.save()
    profile.grants.all().delete()
    grants_create(profile, grants)
    audit_record(
        actor=actor,
        action="access.profile_save",
        target=profile,
        before=before,
        after=_profile_state(profile),
    )
    return profile


def grants_create(profile: Profile, grants: dict[str, Iterable[str]]) -> None:
    """Grant rows of a profile; viewing is implied by any grant of a function. Runs inside the
    caller's transaction (profile_save, the seed of the standard profiles)."""
    ProfileGrant.objects.bulk_create(
        ProfileGrant(
            profile=profile,
            function=code,
            can_view=True,
            can_add="add" in actions,
            can_change="change" in actions,
            can_delete="delete" in actions,
        )
        for code, actions in ((c, set(a)) for c, a in grants.items())
    )


def _profile_state(profile: Profile) -> dict[str, object]:
    grants = {
        g.function: [
            a for a, f in zip(ACTIONS, (g.can_view, g.can_add, g.can_change, g.can_delete), strict=True) if f
        ]
        for g in profile.grants.all()
    }
    return {"name": profile.name, "read_only": profile.read_only, "grants": grants}


@transaction.atomic(durable=True)
def profile_field_rights_set(
    *, actor: Actor, profile: Profile, fields: Iterable[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Replace the fields `profile` may change (S4.1-02); each must be one a module registered."""
    from ..field_rights import FIELDS
    from ..models import FieldRight

    admin_require(actor)
    wanted = sorted(set(fields))
    for i, (object_type, field) in enumerate(wanted):
        if (object_type, field) not in FIELDS:
            raise ValidationFailed(
                f"Campo {i + 1}: {object_type}.{field} não pode ter direito de alteração próprio.",
                field=f"fields[{i}]",
                code=ErrorCode.INVALID,
            )
    before = sorted(f"{r.object_type}.{r.field}" for r in profile.field_rights.all())
    profile.field_rights.all().delete()
    FieldRight.objects.bulk_create(FieldRight(profile=profile, object_type=o, field=f) for o, f in wanted)
    audit_record(
        actor=actor,
        action="access.field_rights_set",
        target=profile,
        before={"field_rights": before},
        after={"field_rights": [f"{o}.{f}" for o, f in wanted]},
    )
    return wanted
