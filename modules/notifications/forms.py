from __future__ import annotations

from django import forms

from .domain import events as ev
from .models import Delivery


class DeliveryFilterForm(forms.Form):
    account = forms.CharField(label="Matrícula", required=False, max_length=12)
    event = forms.ChoiceField(
        label="Aviso", required=False, choices=[("", "Todos"), *ev.EVENT_LABELS.items()]
    )
    channel = forms.ChoiceField(
        label="Canal", required=False, choices=[("", "Todos"), *ev.CHANNEL_LABELS.items()]
    )
    status = forms.ChoiceField(
        label="Situação", required=False, choices=[("", "Todas"), *Delivery.Status.choices]
    )


class SettingsForm(forms.Form):
    offered_events = forms.MultipleChoiceField(
        label="Avisos oferecidos aos cidadãos",
        choices=list(ev.EVENT_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    due_soon_days = forms.IntegerField(
        label="Lembrete de vencimento: quantos dias antes", min_value=1, max_value=30
    )
    debt_notice_days = forms.IntegerField(
        label="Aviso de débito: quantos dias após o vencimento", min_value=1, max_value=90
    )
    whatsapp_base_url = forms.URLField(
        label="WhatsApp: endereço do provedor", required=False, assume_scheme="https"
    )
    whatsapp_token = forms.CharField(
        label="WhatsApp: chave de acesso",
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Deixe em branco para manter a chave atual.",
    )
    vapid_subject = forms.CharField(
        label="Notificação no aplicativo: contato do remetente",
        required=False,
        max_length=200,
        help_text="mailto:ti@concessionaria.gov.br — o serviço de push usa para falar com a concessionária.",
    )
