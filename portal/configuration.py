"""The agency's section of the configuration document (contract: modules/common/configuration.py):
every field of `AgencySettings`, the same ones the settings screen edits, under the same rules
(`services_desk.agency_settings_check`).

The utility's branding (name, logo, colours, privacy notice) is the control plane's row of the
utility, not a setting of its schema, and is not part of the document: a utility created from the
template of another keeps its own name and logo.
"""

from __future__ import annotations

from typing import Any

from modules.common.audit import Actor
from modules.common.configuration import Change
from modules.common.errors import ErrorCode as CommonCode
from modules.common.errors import ValidationFailed

from .models import AgencySettings
from .services_desk import SETTINGS_FIELDS, agency_settings_check, agency_settings_write

KEY = "agency"

# the JSON type of each field: a document is read from a file, so a text where a number belongs is
# refused here with its path instead of reaching the rules as a crash
_TEXT = "texto"
_INT = "número inteiro"
_BOOL = "verdadeiro ou falso"
_TEXTS = "lista de textos"
_INTS = "lista de números inteiros"
TYPES: dict[str, str] = {
    "sign_in_mode": _TEXT,
    "sign_in_roles": _TEXTS,
    "due_day_options": _INTS,
    "due_day_min_interval_days": _INT,
    "request_types": _TEXTS,
    "units": _TEXTS,
    "landing_text": _TEXT,
    "service_hours": _TEXT,
    "ombudsman_email": _TEXT,
    "web_idle_minutes": _INT,
    "totem_idle_seconds": _INT,
    "attachment_max_bytes": _INT,
    "attachment_max_files": _INT,
    "online_agreements": _BOOL,
    "disabled_services": _TEXTS,
}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _has_type(value: Any, kind: str) -> bool:
    if kind == _TEXT:
        return isinstance(value, str)
    if kind == _INT:
        return _is_int(value)
    if kind == _BOOL:
        return isinstance(value, bool)
    if kind == _TEXTS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, list) and all(_is_int(v) for v in value)


def _path(name: str | None) -> str:
    return f"{KEY}.{name}" if name else KEY


class AgencySection:
    key = KEY
    title = "Agência virtual"

    def export(self) -> dict[str, Any]:
        # no row yet (a utility whose agency nobody configured) exports the defaults, writing nothing
        row = AgencySettings.objects.filter(pk=1).first() or AgencySettings(pk=1)
        return agency_settings_check(**{name: getattr(row, name) for name in SETTINGS_FIELDS})

    def checked(self, data: Any) -> dict[str, Any]:
        """The section's fields as they would be stored; ValidationFailed with the document path."""
        if not isinstance(data, dict):
            raise ValidationFailed(
                "A seção da agência virtual deve ser um objeto com os campos da configuração.",
                field=KEY,
                code=CommonCode.INVALID,
            )
        for name, value in data.items():
            if name not in TYPES:
                raise ValidationFailed(
                    f"Campo desconhecido na configuração da agência virtual: {name}.",
                    field=_path(name),
                    code=CommonCode.INVALID,
                )
            if not _has_type(value, TYPES[name]):
                raise ValidationFailed(
                    f"O campo {name} da agência virtual deve ser {TYPES[name]}.",
                    field=_path(name),
                    code=CommonCode.INVALID,
                )
        try:
            # fields the document leaves out (one written before they existed) stay as they are
            return agency_settings_check(**data)
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, field=_path(exc.field), code=exc.code) from exc

    def plan(self, data: dict[str, Any]) -> list[Change]:
        wanted = self.checked(data)
        current = self.export()
        return [
            Change(path=_path(name), before=current[name], after=value)
            for name, value in wanted.items()
            if current[name] != value
        ]

    def apply(self, data: dict[str, Any], *, actor: Actor) -> None:
        """Inside the caller's transaction (the document's import)."""
        changes = self.plan(data)
        if changes:
            changed = {c.path.removeprefix(f"{KEY}."): c.after for c in changes}
            agency_settings_write(actor=actor, **changed)


SECTION = AgencySection()
