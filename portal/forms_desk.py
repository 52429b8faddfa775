"""Forms of the agency settings screen and the citizen's CPF/CNPJ update (VA-26): shape only; the
protocol desk's forms moved to modules/service/forms_desk.py (ADR 0181)."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from modules.service.services.protocols import protocol_types

from . import domain
from .forms import MultipleFileField
from .models import AgencySettings

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ROLE_LABELS = {"owner": "Proprietário", "bill_payer": "Responsável pela conta", "user": "Usuário"}


def _int_list(value: str) -> list[int]:
    parts = [p for p in re.split(r"[\s,;]+", value or "") if p]
    try:
        return [int(p) for p in parts]
    except ValueError as exc:
        raise forms.ValidationError(
            "Use só números separados por vírgula, ex.: 5, 10, 15, 20, 25, 30."
        ) from exc


class AgencySettingsForm(forms.Form):
    sign_in_mode = forms.ChoiceField(label="Modo de entrada do cidadão", choices=AgencySettings.SIGN_IN_MODES)
    sign_in_roles = forms.MultipleChoiceField(
        label="Vínculos com o imóvel que podem entrar com CPF/CNPJ",
        choices=list(ROLE_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    due_day_options = forms.CharField(
        label="Dias de vencimento oferecidos",
        help_text="Ao menos 6 dias diferentes entre 1 e 31, separados por vírgula (Lei 9.791/1999).",
    )
    due_day_min_interval_days = forms.IntegerField(label="Intervalo mínimo entre trocas de vencimento (dias)")
    request_types = forms.MultipleChoiceField(
        label="Tipos de solicitação oferecidos na agência",
        choices=[],  # the service module's protocol types (data), set per request
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    units = forms.CharField(
        label="Setores que recebem protocolos",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Um setor por linha.",
    )
    landing_text = forms.CharField(
        label="Texto de apresentação da agência", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    service_hours = forms.CharField(label="Horário do atendimento presencial", required=False, max_length=200)
    ombudsman_email = forms.CharField(
        label="E-mail da ouvidoria (avisos de protocolo pendente)", required=False, max_length=254
    )
    web_idle_minutes = forms.IntegerField(label="Sessão da agência expira após (minutos)")
    totem_idle_seconds = forms.IntegerField(label="Totem: saída automática após (segundos)")
    attachment_max_files = forms.IntegerField(label="Anexos por protocolo")
    attachment_max_mb = forms.DecimalField(
        label="Tamanho máximo de cada anexo (MB)", max_digits=5, decimal_places=1
    )
    online_agreements = forms.BooleanField(
        label="O titular pode firmar pela agência o parcelamento simulado", required=False
    )
    services = forms.MultipleChoiceField(
        label="Serviços oferecidos na agência virtual e no totem",
        choices=[(s.code, s.label) for s in domain.AGENCY_SERVICES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Um serviço desmarcado some do menu e dos links, e o endereço dele responde "
        "“não encontrado” (também na API do cidadão). Entrar, o início do imóvel e os dados do imóvel "
        "estão sempre disponíveis.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["request_types"].choices = [(t.code, t.label) for t in protocol_types("service")]

    def clean_due_day_options(self) -> list[int]:
        return _int_list(self.cleaned_data["due_day_options"])

    def clean_units(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["units"].splitlines() if line.strip()]

    @classmethod
    def initial_from(cls, agency: AgencySettings) -> dict[str, Any]:
        return {
            "sign_in_mode": agency.sign_in_mode,
            "sign_in_roles": list(agency.sign_in_roles),
            "due_day_options": ", ".join(str(d) for d in agency.due_day_options),
            "due_day_min_interval_days": agency.due_day_min_interval_days,
            "request_types": list(agency.request_types),
            "units": "\n".join(agency.units),
            "landing_text": agency.landing_text,
            "service_hours": agency.service_hours,
            "ombudsman_email": agency.ombudsman_email,
            "web_idle_minutes": agency.web_idle_minutes,
            "totem_idle_seconds": agency.totem_idle_seconds,
            "attachment_max_files": agency.attachment_max_files,
            "attachment_max_mb": agency.attachment_max_bytes / 1_000_000,
            "online_agreements": agency.online_agreements,
            "services": [c for c in domain.AGENCY_SERVICE_CODES if agency.offers(c)],
        }

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["attachment_max_bytes"] = int(data.pop("attachment_max_mb") * 1_000_000)
        offered = set(data.pop("services"))
        data["disabled_services"] = [c for c in domain.AGENCY_SERVICE_CODES if c not in offered]
        return data


class DocumentUpdateForm(forms.Form):
    new_document = forms.CharField(
        label="Novo CPF ou CNPJ", max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    name = forms.CharField(label="Nome do solicitante", max_length=200)
    phone = forms.CharField(
        label="Telefone para contato",
        max_length=20,
        help_text="Com DDD. Ex.: (15) 99999-1234",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label="E-mail do solicitante", max_length=254)
    attachments = MultipleFileField(
        label="Documento com o CPF/CNPJ (PDF, JPG ou PNG)",
        help_text="Foto ou PDF do documento de identidade, cartão do CNPJ ou comprovante da Receita Federal.",
    )
    description = forms.CharField(
        label="Observações", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
