"""Importing a configuration document: the differences (dry run) or all of them applied, in one
transaction, audited.

Each section is planned and then applied in dependency order inside one transaction, so a section's
plan sees what the sections before it will have written (a tariff may name a category the registry
section of the same document adds); a refusal anywhere, in the last section too, rolls back every
section before it, and a dry run rolls back at the end on purpose: nothing is ever half-applied, and
the differences a dry run answers are the ones the import makes. ADR 0155.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from modules.common.audit import Actor, audit_record
from modules.common.configuration import FORMAT, FORMAT_VERSION, Section
from modules.common.errors import Conflict, ValidationFailed

from . import sections
from .errors import ErrorCode


@dataclass(frozen=True)
class PlannedChange:
    section: str
    title: str  # the section's pt-BR title, for the preview
    path: str
    kind: str  # add, change, remove
    before: Any
    after: Any


@dataclass(frozen=True)
class ImportResult:
    changes: tuple[PlannedChange, ...]
    sections: tuple[str, ...]  # the document's sections, in the order they were applied
    applied: bool  # False for a dry run

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(self.sections, 0)
        for change in self.changes:
            counts[change.section] += 1
        return counts

    def summary(self) -> dict[str, Any]:
        """What the audit trail says of an import, for people: the count per section by its title."""
        titles = {s.key: s.title for s in sections.all_sections()}
        return {
            "changes": len(self.changes),
            "sections": {titles.get(key, key): n for key, n in self.counts.items()},
        }

    @property
    def fingerprint(self) -> str:
        """Names this set of differences: the preview carries it, the confirmation must match it."""
        return changes_fingerprint(self.changes)

    def by_section(self) -> list[tuple[str, str, list[PlannedChange]]]:
        titles = {s.key: s.title for s in sections.all_sections()}
        return [
            (key, titles.get(key, key), [c for c in self.changes if c.section == key])
            for key in self.sections
        ]


def changes_fingerprint(changes: Iterable[PlannedChange]) -> str:
    rows = [[c.section, c.path, c.kind, c.before, c.after] for c in changes]
    text = json.dumps(rows, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def document_sections(document: Any) -> list[tuple[Section, dict[str, Any]]]:
    """The document's sections with the section object that reads each, in dependency order, or
    ValidationFailed naming the document path of the first problem (format, version, a section no
    module owns). Writes nothing."""
    if not isinstance(document, dict):
        raise ValidationFailed(
            "O documento deve ser um objeto JSON com format, version e sections.",
            field="format",
            code=ErrorCode.WRONG_FORMAT,
        )
    if document.get("format") != FORMAT:
        raise ValidationFailed(
            f'Este arquivo não é um documento de configuração do Manancial (format deve ser "{FORMAT}").',
            field="format",
            code=ErrorCode.WRONG_FORMAT,
        )
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValidationFailed(
            "Versão do documento inválida: informe um número inteiro a partir de 1.",
            field="version",
            code=ErrorCode.INVALID,
        )
    if version > FORMAT_VERSION:
        raise ValidationFailed(
            f"O documento é da versão {version} do formato, mais nova que a desta instalação "
            f"({FORMAT_VERSION}): atualize o sistema antes de importá-lo.",
            field="version",
            code=ErrorCode.NEWER_VERSION,
        )
    data = document.get("sections")
    if not isinstance(data, dict):
        raise ValidationFailed(
            "O documento não tem a lista de seções (sections).", field="sections", code=ErrorCode.INVALID
        )
    known = sections.all_sections()
    keys = {s.key for s in known}
    for key in data:
        if key not in keys:
            raise ValidationFailed(
                f"Seção desconhecida: {key}. Esta instalação conhece: {', '.join(s.key for s in known)}.",
                field=str(key),
                code=ErrorCode.UNKNOWN_SECTION,
            )
    # a section the document leaves out (one written before its module existed) stays as it is
    return [(s, data[s.key]) for s in known if s.key in data]


def document_apply(*, actor: Actor, document: Any, origin: str = "") -> ImportResult:
    """Make the utility's settings equal to the document, section by section in dependency order,
    and record one audit row with the counts (each section audits its own writes too). Runs inside
    the caller's transaction: the caller rolls everything back on any refusal."""
    changes: list[PlannedChange] = []
    parts = document_sections(document)
    for section, data in parts:
        planned = section.plan(data)
        changes.extend(
            PlannedChange(section.key, section.title, c.path, c.kind, c.before, c.after) for c in planned
        )
        if planned:
            section.apply(data, actor=actor)
    result = ImportResult(tuple(changes), tuple(s.key for s, _ in parts), applied=True)
    audit_record(
        actor=actor,
        action="configuration.import",
        object_type="configuration.document",
        after=result.summary(),
        reason=origin,
    )
    return result


@transaction.atomic(durable=True)
def settings_import(
    *, actor: Actor, document: Any, dry_run: bool = False, expected: str | None = None, origin: str = ""
) -> ImportResult:
    """Import a configuration document in one transaction. `dry_run` answers the differences and
    keeps nothing; `expected` is the fingerprint of the differences a person confirmed on the
    preview: when the settings changed since, nothing is applied (Conflict)."""
    result = document_apply(actor=actor, document=document, origin=origin)
    if expected is not None and result.fingerprint != expected:
        raise Conflict(
            "A configuração da concessionária mudou desde a prévia: envie o documento de novo e "
            "revise as diferenças antes de confirmar.",
            field="document",
            code=ErrorCode.PREVIEW_OUTDATED,
        )
    if dry_run:
        transaction.set_rollback(True)
        return ImportResult(result.changes, result.sections, applied=False)
    return result
