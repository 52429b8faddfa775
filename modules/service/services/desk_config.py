"""Writes of the desk's configuration and repository: protocol types with their deadlines, queues and
document checklists (data, edited on a page, S10.3-01), the desk's document formats and reference
links (S10.9-03, S10.6-02), and the documents of a property, customer or attendance (S10.9-01/02,
S10.10-01) — each upload checked by its first bytes, each upload and each viewing audited."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from modules.common.audit import Actor, audit_record, snapshot
from modules.common.errors import ValidationFailed

from .. import hooks
from ..domain import protocols as rules
from ..errors import ErrorCode
from ..models_desk import Attendance, DeskConfiguration, Document, ProtocolType

_TYPE_FIELDS = [
    "kind",
    "label",
    "deadline_days",
    "queue",
    "checklist",
    "is_active",
    "service_code",
    "specifications",
]


@transaction.atomic(durable=True)
def protocol_type_set(
    *,
    actor: Actor,
    code: str,
    kind: str,
    label: str,
    deadline_days: int,
    queue: str = "",
    checklist: list[str] | None = None,
    is_active: bool = True,
    service_code: str = "",
    specifications: list[dict[str, Any]] | None = None,
) -> ProtocolType:
    """Create or change a protocol type. A new deadline applies to protocols opened from now on; the
    ones open keep the expected date they were given. `service_code` names the order a request of a
    service type from the agency opens, suspended for validation (ADR 0223); blank: none."""
    if kind not in {k for k, _ in rules.KIND_CHOICES}:
        raise ValidationFailed("Escolha a natureza do protocolo.", field="kind", code=ErrorCode.INVALID)
    if not 0 <= int(deadline_days) <= 365:
        raise ValidationFailed("O prazo vai de 0 a 365 dias.", field="deadline_days", code=ErrorCode.INVALID)
    if queue and queue not in hooks.desk_settings().units:
        raise ValidationFailed("Escolha um dos setores da lista.", field="queue", code=ErrorCode.INVALID)
    if len((label or "").strip()) < 3:
        raise ValidationFailed("Descreva o tipo.", field="label", code=ErrorCode.INVALID)
    service_code = (service_code or "").strip().upper()
    if service_code:
        from ..models import ServiceCode

        if kind != "service":
            raise ValidationFailed(
                "Só um tipo de solicitação de serviço abre ordem de serviço.",
                field="service_code",
                code=ErrorCode.INVALID,
            )
        defaults = {c.code for c in rules.AGENCY_ORDER_CODES}  # made by the first request (ADR 0223)
        active = ServiceCode.objects.filter(code=service_code, is_active=True).exists()
        if not active and (
            service_code not in defaults or ServiceCode.objects.filter(code=service_code).exists()
        ):
            raise ValidationFailed(
                f"Código de serviço {service_code} não encontrado ou inativo.",
                field="service_code",
                code=ErrorCode.INVALID,
            )
    specs = rules.specifications_from(specifications or [])
    problem = rules.specifications_problem(specs)
    if problem:
        raise ValidationFailed(problem, field="specifications", code=ErrorCode.INVALID)
    items = [i.strip()[:200] for i in checklist or [] if i.strip()]
    found = ProtocolType.objects.select_for_update().filter(code=code).first()
    before = snapshot(found, _TYPE_FIELDS) if found else None
    row = found or ProtocolType(code=code)
    if found and found.kind != kind and found.kind == "ombudsman":
        raise ValidationFailed(
            "A natureza de um tipo da ouvidoria não muda.", field="kind", code=ErrorCode.INVALID
        )
    row.kind, row.label, row.deadline_days = kind, label.strip()[:120], int(deadline_days)
    row.queue, row.checklist, row.is_active = queue, items, bool(is_active)
    row.service_code = service_code
    row.specifications = [
        {"code": x.code, "label": x.label.strip()[:120], "deadline_days": x.deadline_days} for x in specs
    ]
    if found is None:
        row.position = ProtocolType.objects.filter(kind=kind).count()
    row.save()
    audit_record(
        actor=actor,
        action="service.protocol_type_set",
        target=row,
        before=before,
        after=snapshot(row, _TYPE_FIELDS),
    )
    return row


@transaction.atomic(durable=True)
def desk_configuration_update(
    *,
    actor: Actor,
    allowed_formats: list[str],
    max_document_bytes: int,
    reference_links: list[dict[str, str]],
) -> DeskConfiguration:
    problem = rules.formats_problem(list(allowed_formats))
    if problem:
        raise ValidationFailed(problem, field="allowed_formats", code=ErrorCode.INVALID)
    if not 100_000 <= int(max_document_bytes) <= 50_000_000:
        raise ValidationFailed(
            "O tamanho do documento vai de 0,1 MB a 50 MB.",
            field="max_document_bytes",
            code=ErrorCode.INVALID,
        )
    for link in reference_links:
        if len(link.get("title", "")) < 2 or not link.get("url", "").startswith(("https://", "http://")):
            raise ValidationFailed(
                "Cada referência precisa de um título e de um endereço http(s).",
                field="reference_links",
                code=ErrorCode.INVALID,
            )
    DeskConfiguration.current()
    config: DeskConfiguration = DeskConfiguration.objects.select_for_update().get(pk=1)
    before = snapshot(config, ["allowed_formats", "max_document_bytes", "reference_links"])
    config.allowed_formats = [c for c in rules.FORMATS if c in allowed_formats]
    config.max_document_bytes = int(max_document_bytes)
    config.reference_links = [{"title": x["title"][:120], "url": x["url"][:500]} for x in reference_links]
    config.save()
    audit_record(
        actor=actor,
        action="service.desk_configuration_update",
        target=config,
        before=before,
        after=snapshot(config, ["allowed_formats", "max_document_bytes", "reference_links"]),
    )
    return config


@transaction.atomic(durable=True)
def document_upload(
    *,
    actor: Actor,
    file: UploadedFile,
    property_id: int | None = None,
    customer_id: int | None = None,
    attendance: Attendance | None = None,
    kind: str = Document.Kind.DOCUMENT,
    description: str = "",
) -> Document:
    """A file into the repository of a property, customer or attendance. Its format is what its
    first bytes say (a renamed executable is refused), among the formats this utility accepts."""
    if property_id is None and customer_id is None and attendance is None:
        raise ValidationFailed(
            "Diga de qual imóvel, cliente ou atendimento é o documento.", code=ErrorCode.INVALID
        )
    config = DeskConfiguration.current()
    if (file.size or 0) > config.max_document_bytes:
        raise ValidationFailed(
            f"O arquivo passa de {config.max_document_bytes // 1_000_000} MB.",
            field="file",
            code=ErrorCode.ATTACHMENT_SIZE,
        )
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    fmt = rules.sniff_format(head, file.name or "", config.allowed_formats)
    if fmt is None:
        accepted = ", ".join(c.upper() for c in config.allowed_formats)
        raise ValidationFailed(
            f"O conteúdo de {file.name} não é de um formato aceito ({accepted}).",
            field="file",
            code=ErrorCode.ATTACHMENT_TYPE,
        )
    if attendance is not None:
        property_id = property_id or attendance.property_id
        customer_id = customer_id or attendance.customer_id
    document = Document(
        token=secrets.token_hex(16),
        kind=kind,
        property_id=property_id,
        customer_id=customer_id,
        attendance=attendance,
        original_name=(file.name or "arquivo")[:200],
        description=(description or "").strip()[:200],
        content_type=rules.FORMATS[fmt][0],
        size=file.size or 0,
        uploaded_by=actor.get_username()[:150],
        uploaded_at=timezone.now(),
    )
    document.file.save(f"{document.token[:8]}.{fmt}", file, save=False)
    document.save()
    audit_record(actor=actor, action="service.document_upload", target=document, after=_doc(document))
    return document


@transaction.atomic(durable=True)
def document_view_record(*, actor: Actor, document: Document) -> None:
    """Who opened a document, and when (S10.9-02: the repository is audited for reading too)."""
    audit_record(actor=actor, action="service.document_view", target=document, after=_doc(document))


def _doc(document: Document) -> dict[str, Any]:
    return {
        "name": document.original_name,
        "kind": document.kind,
        "property": document.property_id,
        "customer": document.customer_id,
        "attendance": document.attendance_id,
        "size": document.size,
    }


def rental_checklist() -> list[str]:
    """The documents of the rental contract's protocol type, when the type is active (registry asks
    them before a contract is registered)."""
    from modules.registry.services.rental import RENTAL_PROTOCOL_TYPE

    row = ProtocolType.objects.filter(code=RENTAL_PROTOCOL_TYPE, is_active=True).first()
    return list(row.checklist) if row is not None else []
