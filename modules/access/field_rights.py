"""Per-field edit rights (seed 002 S4.1-02, example §3.3): which profile may change which field.

The modules that own the records register the fields that can be controlled (`register_fields`, in
AppConfig.ready) and call `field_rights_require` in their write services with the fields a change
touches, before writing anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from modules.common.errors import PermissionDenied

from .errors import ErrorCode

# (object type, field) -> pt-BR label, for the profile page and the refusal message
FIELDS: dict[tuple[str, str], str] = {}


def register_fields(object_type: str, labels: dict[str, str]) -> None:
    for field, label in labels.items():
        FIELDS[(object_type, field)] = label


def field_rights_require(actor: Any, object_type: str, fields: Iterable[str]) -> None:
    """Refuse a change of a controlled field the actor's profiles do not name (PermissionDenied,
    naming the first such field). A system actor and an administrator are not limited. Reads only;
    runs inside the caller's transaction."""
    from .models import FieldRight

    if not hasattr(actor, "profiles") or getattr(actor, "is_admin", False):
        return
    wanted = set(fields)
    if not wanted:
        return
    controlled = set(
        FieldRight.objects.filter(object_type=object_type, field__in=wanted).values_list("field", flat=True)
    )
    if not controlled:
        return
    granted = set(
        FieldRight.objects.filter(
            object_type=object_type,
            field__in=controlled,
            profile__users=actor,
            profile__is_active=True,
            profile__read_only=False,
        ).values_list("field", flat=True)
    )
    refused = sorted(controlled - granted)
    if refused:
        field = refused[0]
        label = FIELDS.get((object_type, field), field)
        raise PermissionDenied(
            f"Seu perfil não permite alterar o campo {label}.",
            field=field,
            code=ErrorCode.FIELD_NOT_EDITABLE,
        )
