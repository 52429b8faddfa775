"""Forms of the staff protocol desk and the attendance screens: shape only; the rules live in
domain/protocols.py and services/protocols.py, services/attendance.py."""

from __future__ import annotations

from typing import Any

from django import forms

from . import hooks
from .models_desk import Attendance, ProtocolType, ServiceRequest

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


_KIND_PREFIX = {"ombudsman": "Ouvidoria: "}


def type_choices(kind: str | None = None) -> list[tuple[str, str]]:
    qs = ProtocolType.objects.filter(is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    order = {"service": 0, "ombudsman": 1, "agency_problem": 2}
    rows = sorted(qs, key=lambda t: (order.get(t.kind, 9), t.position, t.code))
    return [(t.code, ("" if kind else _KIND_PREFIX.get(t.kind, "")) + t.label) for t in rows]


def _units() -> list[tuple[str, str]]:
    return [(u, u) for u in hooks.desk_settings().units]


class DeskFilterForm(forms.Form):
    q = forms.CharField(
        label="Protocolo, CPF/CNPJ ou matrícula",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "ex.: 2025000123"}),
    )
    status = forms.ChoiceField(
        label="Situação", required=False, choices=[("", "Todas"), *ServiceRequest.Status.choices]
    )
    kind = forms.ChoiceField(
        label="Natureza", required=False, choices=[("", "Todas"), *ServiceRequest.Kind.choices]
    )
    type = forms.ChoiceField(label="Tipo", required=False)
    channel = forms.ChoiceField(
        label="Canal", required=False, choices=[("", "Todos"), *ServiceRequest.Channel.choices]
    )
    unit = forms.ChoiceField(label="Setor", required=False)
    date_from = forms.DateField(label="Aberto de", required=False, widget=DATE)
    date_to = forms.DateField(label="até", required=False, widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "Todos"), *_units()]
        self.fields["type"].choices = [("", "Todos"), *type_choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "A data final é anterior à inicial.")
        return data


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="Observação (opcional)",
        required=False,
        max_length=300,
        help_text="O cidadão vê esta observação no andamento do pedido.",
    )


class RouteForm(forms.Form):
    unit = forms.ChoiceField(label="Encaminhar para o setor")
    note = forms.CharField(
        label="Observação do encaminhamento",
        max_length=300,
        help_text="O cidadão vê esta observação no andamento do pedido.",
    )

    def __init__(self, *args: Any, current: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u, u) for u, _ in _units() if u != current]


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Nova situação",
        choices=[(s, label) for s, label in ServiceRequest.Status.choices if s != "received"],
    )
    reason = forms.CharField(
        label="Motivo do encerramento",
        required=False,
        max_length=200,
        help_text="Obrigatório para encerrar; o cidadão vê este texto na agência.",
    )
    note = forms.CharField(label="Observação (opcional)", required=False, max_length=300)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decisão",
        choices=[("approve", "Aprovar e atualizar o cadastro"), ("reject", "Recusar o pedido")],
    )
    reason = forms.CharField(
        label="Motivo da recusa", required=False, max_length=180, help_text="Obrigatório para recusar."
    )


class CounterRequestForm(forms.Form):
    account = forms.CharField(
        label="Matrícula do imóvel", max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    type = forms.ChoiceField(label="Tipo de solicitação")
    name = forms.CharField(label="Nome do solicitante", max_length=200)
    document = forms.CharField(label="CPF/CNPJ do solicitante (opcional)", max_length=20, required=False)
    phone = forms.CharField(label="Telefone para contato", max_length=20, help_text="Com DDD.")
    email = forms.EmailField(label="E-mail (opcional)", required=False, max_length=254)
    reference_point = forms.CharField(label="Ponto de referência", max_length=200, required=False)
    description = forms.CharField(
        label="Observações", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachments = MultipleFileField(label="Anexos (PDF, JPG ou PNG)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = type_choices("service")


class AttendanceStartForm(forms.Form):
    channel = forms.ChoiceField(label="Canal", choices=Attendance.Channel.choices)
    caller_number = forms.CharField(label="Telefone de origem (telefone/0800)", max_length=20, required=False)
    contact_name = forms.CharField(label="Nome de quem procurou", max_length=200, required=False)
    contact_email = forms.EmailField(label="E-mail (para enviar o protocolo)", required=False)
    property_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    customer_id = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SubjectForm(forms.Form):
    type = forms.ChoiceField(label="Assunto")
    note = forms.CharField(label="Detalhe", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = type_choices()


class AttendanceProtocolForm(forms.Form):
    type = forms.ChoiceField(label="Tipo de solicitação")
    name = forms.CharField(label="Nome do solicitante", max_length=200)
    phone = forms.CharField(label="Telefone para contato", max_length=20, help_text="Com DDD.")
    email = forms.EmailField(label="E-mail (opcional)", required=False)
    description = forms.CharField(
        label="Descrição", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = type_choices("service")


class CommentForm(forms.Form):
    text = forms.CharField(label="Comentário", max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class HoldForm(forms.Form):
    minutes = forms.IntegerField(label="Minutos em espera", min_value=1, max_value=240)


class CloseAttendanceForm(forms.Form):
    closing = forms.ChoiceField(label="Tipo de encerramento", choices=Attendance.Closing.choices)
    notes = forms.CharField(
        label="Observações finais", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    send_email = forms.BooleanField(label="Enviar o protocolo por e-mail", required=False)
    email = forms.EmailField(label="E-mail", required=False)
    send_sms = forms.BooleanField(label="Enviar o protocolo por SMS", required=False)
    phone = forms.CharField(label="Celular (DDD e número)", required=False, max_length=20)


class DocumentForm(forms.Form):
    file = forms.FileField(label="Arquivo")
    description = forms.CharField(label="Descrição", max_length=200, required=False)


class AttendanceFilterForm(forms.Form):
    date_from = forms.DateField(label="De", required=False, widget=DATE)
    date_to = forms.DateField(label="até", required=False, widget=DATE)
    attendant = forms.ChoiceField(label="Atendente", required=False)
    channel = forms.ChoiceField(
        label="Canal", required=False, choices=[("", "Todos"), *Attendance.Channel.choices]
    )

    def __init__(self, *args: Any, attendants: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["attendant"].choices = [("", "Todos"), *((str(pk), name) for pk, name in attendants)]


class ProtocolTypeForm(forms.Form):
    code = forms.SlugField(label="Código", max_length=40)
    kind = forms.ChoiceField(label="Natureza", choices=ServiceRequest.Kind.choices)
    label = forms.CharField(label="Descrição", max_length=120)
    deadline_days = forms.IntegerField(label="Prazo (dias)", min_value=0, max_value=365)
    queue = forms.ChoiceField(label="Fila (setor que recebe)", required=False)
    checklist = forms.CharField(
        label="Documentos exigidos (um por linha)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_active = forms.BooleanField(label="Ativo", required=False, initial=True)
    service_code = forms.ChoiceField(
        label="Ordem de serviço aberta pelos pedidos da agência",
        required=False,
        help_text="O pedido da agência, do totem ou do aplicativo abre esta OS, que aguarda a validação.",
    )

    specifications = forms.CharField(
        label="Especificações (uma por linha: código | descrição | prazo em dias)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ex.: rua | Na rua | 1. O prazo da especificação vale no lugar do prazo do tipo.",
    )

    def clean_specifications(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for line in (self.cleaned_data.get("specifications") or "").splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 3 or not parts[2].isdigit():
                raise forms.ValidationError(
                    f"Linha “{line.strip()}”: use código | descrição | prazo em dias."
                )
            out.append({"code": parts[0], "label": parts[1], "deadline_days": int(parts[2])})
        return out

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .models import ServiceCode

        super().__init__(*args, **kwargs)
        self.fields["queue"].choices = [("", "Padrão da natureza"), *_units()]
        from .domain.protocols import AGENCY_ORDER_CODES

        codes = {c.code: c.description for c in ServiceCode.objects.filter(is_active=True)}
        known = set(ServiceCode.objects.values_list("code", flat=True))
        for default in AGENCY_ORDER_CODES:  # made by the first request (ADR 0223)
            if default.code not in known:
                codes[default.code] = default.description
        self.fields["service_code"].choices = [
            ("", "Nenhuma (só protocolo)"),
            *((code, f"{code} — {label}") for code, label in sorted(codes.items())),
        ]

    def clean_checklist(self) -> list[str]:
        return [
            line.strip() for line in (self.cleaned_data.get("checklist") or "").splitlines() if line.strip()
        ]


class DeskConfigurationForm(forms.Form):
    allowed_formats = forms.MultipleChoiceField(
        label="Formatos de documento aceitos", widget=forms.CheckboxSelectMultiple, choices=[]
    )
    max_document_mb = forms.IntegerField(label="Tamanho máximo de documento (MB)", min_value=1, max_value=50)
    reference_links = forms.CharField(
        label="Normas e documentos de referência (um por linha: título | endereço)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .domain.protocols import FORMATS

        super().__init__(*args, **kwargs)
        self.fields["allowed_formats"].choices = [(code, code.upper()) for code in FORMATS]

    def clean_reference_links(self) -> list[dict[str, str]]:
        links = []
        for line in (self.cleaned_data.get("reference_links") or "").splitlines():
            if not line.strip():
                continue
            title, _, url = line.partition("|")
            links.append({"title": title.strip(), "url": url.strip()})
        return links
