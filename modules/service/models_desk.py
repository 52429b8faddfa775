"""The attendance desk's data: protocols (registro de atendimento) with their history and files, the
yearly protocol series, the protocol types with their deadlines and queues, and attendances (one
contact of a person with the utility, on one channel, by one attendant).

The protocol tables were born in the agency (portal) and keep their names (`db_table`): the move into
service changed the Django state only, so every row and id stayed where it was (ADR 0181).
"""

from __future__ import annotations

import builtins

from django.conf import settings
from django.db import models
from django.db.models import Q

from .domain import protocols as rules

property_ = builtins.property  # the "property" fields shadow the builtin in the class bodies


class ProtocolCounter(models.Model):
    """The utility's yearly protocol series (one per schema, shared by every protocol kind and by
    attendances)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "portal_protocolcounter"

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class ProtocolType(models.Model):
    """A type of protocol as data: its deadline (days until the expected answer) and the sector
    queue it lands in. Seeded with the agency's historical types; a utility edits them on a page."""

    code = models.SlugField("código", max_length=40, unique=True)
    kind = models.CharField("natureza", max_length=16, choices=rules.KIND_CHOICES)
    label = models.CharField("descrição", max_length=120)
    deadline_days = models.PositiveSmallIntegerField("prazo (dias)")
    queue = models.CharField(
        "fila (setor que recebe)", max_length=120, blank=True, help_text="Vazio: o setor padrão da natureza."
    )
    checklist = models.JSONField(
        "documentos exigidos",
        default=list,
        blank=True,
        help_text="Lista de documentos que o atendente confere no atendimento (um por linha).",
    )
    is_active = models.BooleanField("ativo", default=True)
    position = models.PositiveSmallIntegerField("ordem", default=0)
    # 3.2.14.11 / 3.2.15.9 (ADR 0223): the service order a request of this type opens when it comes
    # from the agency, the totem or the app; it waits suspended in the validation queue
    service_code = models.CharField(
        "código de serviço da OS aberta pela agência",
        max_length=20,
        blank=True,
        help_text="Vazio: o pedido fica só como protocolo.",
    )
    # VA-23: the specifications of the type (e.g. VAZAMENTO → RUA), each with its own deadline:
    # [{"code": "rua", "label": "Na rua", "deadline_days": 1}]; empty: the type's deadline
    specifications = models.JSONField("especificações", default=list, blank=True)

    class Meta:
        ordering = ["kind", "position", "code"]
        verbose_name = "tipo de protocolo"

    def __str__(self) -> str:
        return self.label


class Attendance(models.Model):
    """One contact: opened by an attendant on a channel, maybe from a queue ticket (senha) or a call,
    closed with a type and notes. At most one open per attendant (constraint)."""

    class Channel(models.TextChoices):
        COUNTER = "counter", "Balcão"
        PHONE = "phone", "Telefone / 0800"
        CHAT = "chat", "Chat"
        AGENCY = "agency", "Agência virtual"
        EMAIL = "email", "E-mail"

    class Closing(models.TextChoices):
        RESOLVED = "resolved", "Resolvido no atendimento"
        PROTOCOL = "protocol", "Protocolo aberto para acompanhamento"
        INFORMATION = "information", "Informação prestada"
        DROPPED = "dropped", "Contato interrompido"
        REFERRED = "referred", "Encaminhado a outro setor"

    protocol = models.CharField("protocolo", max_length=12, unique=True)
    channel = models.CharField("canal", max_length=8, choices=Channel.choices)
    attendant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+", verbose_name="atendente"
    )
    property = models.ForeignKey(
        "registry.Property", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    customer = models.ForeignKey(
        "registry.Customer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ticket_id = models.BigIntegerField("senha (fila)", null=True, blank=True)
    caller_number = models.CharField("telefone de origem", max_length=20, blank=True)
    contact_name = models.CharField("nome de quem procurou", max_length=200, blank=True)
    contact_email = models.EmailField("e-mail para o protocolo", blank=True)
    # waiting starts when the person took the ticket (or the call reached the queue); service starts
    # when the attendant opens the attendance
    waiting_since = models.DateTimeField("aguardando desde", null=True, blank=True)
    started_at = models.DateTimeField("iniciado em")
    ended_at = models.DateTimeField("encerrado em", null=True, blank=True)
    hold_seconds = models.PositiveIntegerField("tempo de retorno (s, em espera)", default=0)
    closing = models.CharField("tipo de encerramento", max_length=12, choices=Closing.choices, blank=True)
    notes = models.TextField("observações finais", blank=True)
    checklist_done = models.JSONField("documentos conferidos", default=dict, blank=True)
    emailed_to = models.EmailField("protocolo enviado para", blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = "atendimento"
        constraints = [
            models.UniqueConstraint(
                fields=["attendant"], condition=Q(ended_at__isnull=True), name="service_one_open_attendance"
            )
        ]
        indexes = [
            models.Index(fields=["property", "-started_at"], name="service_attendance_property"),
            models.Index(fields=["customer", "-started_at"], name="service_attendance_customer"),
        ]

    def __str__(self) -> str:
        return self.protocol

    @property_
    def is_open(self) -> bool:
        return self.ended_at is None


class AttendanceSubject(models.Model):
    """One subject talked about in an attendance (several per contact, S10.1-08)."""

    attendance = models.ForeignKey(Attendance, on_delete=models.CASCADE, related_name="subjects")
    type = models.ForeignKey(ProtocolType, on_delete=models.PROTECT, related_name="+", verbose_name="assunto")
    note = models.CharField("detalhe", max_length=300, blank=True)
    at = models.DateTimeField("registrado em")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.attendance_id}: {self.type_id}"


class AttendanceComment(models.Model):
    """A free comment in an attendance (3.2.13.2, S10.6-01): only its author edits it, and every
    edit keeps the previous text with its instant in `history`."""

    attendance = models.ForeignKey(Attendance, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+")
    text = models.TextField("comentário")
    created_at = models.DateTimeField("escrito em")
    edited_at = models.DateTimeField("editado em", null=True, blank=True)
    history = models.JSONField("versões anteriores", default=list, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.attendance_id}: {self.text[:30]}"


class DeskConfiguration(models.Model):
    """One row per utility (pk 1): the desk's document formats and the reference links its
    comment screen shows (S10.9-03, S10.6-02)."""

    allowed_formats = models.JSONField("formatos de documento aceitos", default=rules.default_formats)
    max_document_bytes = models.PositiveIntegerField(
        "tamanho máximo de documento (bytes)", default=10_000_000
    )
    reference_links = models.JSONField("normas e documentos de referência", default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "configuração do atendimento"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="service_desk_configuration_singleton")]

    def __str__(self) -> str:
        return "Configuração do atendimento"

    @classmethod
    def current(cls) -> DeskConfiguration:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


def document_path(instance: Document, filename: str) -> str:
    # the tenant storage prefixes the schema
    return f"service/documents/{instance.uploaded_at:%Y/%m}/{instance.token}/{filename}"


class Document(models.Model):
    """A file in the repository of a property, a customer or an attendance (S10.9-01/02); a screen
    capture of the attendance is one of kind "screenshot" (S10.10-01)."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", "Documento"
        SCREENSHOT = "screenshot", "Captura de tela"

    token = models.CharField(max_length=32, unique=True)
    kind = models.CharField("tipo", max_length=12, choices=Kind.choices, default=Kind.DOCUMENT)
    property = models.ForeignKey(
        "registry.Property", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    customer = models.ForeignKey(
        "registry.Customer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attendance = models.ForeignKey(
        Attendance, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    file = models.FileField(upload_to=document_path, max_length=300)
    original_name = models.CharField("nome do arquivo", max_length=200)
    description = models.CharField("descrição", max_length=200, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.CharField("enviado por", max_length=150)
    uploaded_at = models.DateTimeField("enviado em")

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = "documento"
        constraints = [
            models.CheckConstraint(
                condition=Q(property__isnull=False) | Q(customer__isnull=False) | Q(attendance__isnull=False),
                name="service_document_has_owner",
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class ServiceRequest(models.Model):
    """A protocol (registro de atendimento): opened by a citizen in the agency, at the counter or
    inside an attendance; routed between sectors until closed."""

    class Kind(models.TextChoices):
        SERVICE = "service", "Solicitação de serviço"
        OMBUDSMAN = "ombudsman", "Ouvidoria"
        AGENCY_PROBLEM = "agency_problem", "Problema na agência virtual"

    class Status(models.TextChoices):
        RECEIVED = "received", "Pendente de recebimento"
        PENDING = "pending", "Pendente"
        IN_PROGRESS = "in_progress", "Em andamento"
        ANSWERED = "answered", "Cliente respondido"
        CLOSED = "closed", "Encerrado"

    class Channel(models.TextChoices):
        WEB = "web", "Agência virtual"
        TOTEM = "totem", "Totem de autoatendimento"
        API = "api", "Aplicativo (API)"
        COUNTER = "counter", "Balcão (atendimento presencial)"
        PHONE = "phone", "Telefone / 0800"
        CHAT = "chat", "Chat"
        EMAIL = "email", "E-mail"

    protocol = models.CharField("protocolo", max_length=12, unique=True)
    kind = models.CharField("natureza", max_length=16, choices=Kind.choices)
    type_code = models.CharField("tipo", max_length=40)
    property = models.ForeignKey(
        "registry.Property", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # who asked, as they were when they asked (the registry may change later)
    requester_name = models.CharField("nome do solicitante", max_length=200)
    requester_document = models.CharField("CPF/CNPJ do solicitante", max_length=14, blank=True)
    requester_email = models.EmailField("e-mail do solicitante", blank=True)
    requester_phone = models.CharField("telefone do solicitante", max_length=11, blank=True)
    description = models.TextField("descrição", blank=True)
    reference_point = models.CharField("ponto de referência", max_length=200, blank=True)
    specification = models.CharField("especificação", max_length=120, blank=True)  # VA-23, its label
    channel = models.CharField("canal", max_length=8, choices=Channel.choices)
    status = models.CharField(
        "situação", max_length=12, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    expected_on = models.DateField("data prevista", null=True, blank=True)
    # the sector that holds the protocol now, and when it confirmed receiving it (VA-33 "pendente de
    # recebimento" until then); every move is also a ServiceRequestEvent
    unit = models.CharField("setor atual", max_length=120, blank=True, db_index=True)
    received_at = models.DateTimeField("recebido em", null=True, blank=True)
    received_by = models.CharField("recebido por", max_length=150, blank=True)
    # VA-26: the customer whose CPF/CNPJ the request asks to change, and the number asked for; the
    # registry changes only when a staff user approves it on the desk
    customer = models.ForeignKey(
        "registry.Customer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    new_document = models.CharField("novo CPF/CNPJ pedido", max_length=14, blank=True)
    closed_at = models.DateTimeField("encerrado em", null=True, blank=True)
    closing_reason = models.CharField("motivo do encerramento", max_length=200, blank=True)
    context = models.JSONField("contexto", default=dict, blank=True, help_text="URL, navegador")
    created_at = models.DateTimeField("aberto em", auto_now_add=True)
    # the attendance it was opened in, and the service order that carries it out (3.2.13.4)
    attendance = models.ForeignKey(
        Attendance, on_delete=models.PROTECT, null=True, blank=True, related_name="protocols"
    )
    order = models.ForeignKey(
        "service.ServiceOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="protocols"
    )
    answered_at = models.DateTimeField("cliente respondido em", null=True, blank=True)

    class Meta:
        db_table = "portal_servicerequest"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["property", "-created_at"], name="portal_request_property"),
            models.Index(fields=["requester_document", "-created_at"], name="portal_request_document"),
        ]
        verbose_name = "protocolo"

    def __str__(self) -> str:
        return self.protocol

    @property_
    def type_label(self) -> str:
        annotated = self.__dict__.get("type_name")  # selectors_desk.with_type_labels: no query per row
        if annotated:
            return str(annotated)
        found = ProtocolType.objects.filter(code=self.type_code).values_list("label", flat=True).first()
        if found:
            return str(found)
        default = rules.DEFAULT_TYPES_BY_CODE.get(self.type_code)
        return default.label if default else self.type_code


def attachment_path(instance: ServiceRequestAttachment, filename: str) -> str:
    # the tenant storage prefixes the schema; the protocol keeps one request's files together
    return f"portal/requests/{instance.request.protocol}/{filename}"


class ServiceRequestAttachment(models.Model):
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        db_table = "portal_servicerequestattachment"

    def __str__(self) -> str:
        return self.original_name


class ServiceRequestEvent(models.Model):
    """Routing and status history of a protocol (VA-24, VA-25), oldest first."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=12, choices=ServiceRequest.Status.choices)
    from_unit = models.CharField("do setor", max_length=120, blank=True)
    unit = models.CharField("setor", max_length=120, blank=True)
    note = models.CharField(max_length=300, blank=True)
    actor = models.CharField(max_length=150)

    class Meta:
        db_table = "portal_servicerequestevent"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.status} {self.at:%Y-%m-%d %H:%M}"


__all__ = [
    "Attendance",
    "AttendanceComment",
    "AttendanceSubject",
    "DeskConfiguration",
    "Document",
    "ProtocolCounter",
    "ProtocolType",
    "ServiceRequest",
    "ServiceRequestAttachment",
    "ServiceRequestEvent",
]
