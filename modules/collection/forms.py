"""Forms of the collection staff pages (filters, uploads, review decisions)."""

from __future__ import annotations

from django import forms

from .models import CollectingAgent, Payment

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PaymentFilterForm(forms.Form):
    q = forms.CharField(
        label="Matrícula, código de barras ou autenticação",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "ex.: 1234567 ou os 44/48 dígitos"}),
    )
    paid_from = forms.DateField(label="Pago de", required=False, widget=DATE)
    paid_to = forms.DateField(label="até", required=False, widget=DATE)
    agent = forms.ModelChoiceField(
        label="Agente", required=False, queryset=CollectingAgent.objects.all(), empty_label="Todos"
    )
    status = forms.ChoiceField(
        label="Situação", required=False, choices=[("", "Todas"), *Payment.Status.choices]
    )
    return_file = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("paid_from"), data.get("paid_to")
        if start and end and start > end:
            self.add_error("paid_to", "A data final é anterior à inicial.")
        return data


class ReturnFileUploadForm(forms.Form):
    file = forms.FileField(
        label="Arquivo retorno (FEBRABAN, registros A/G/Z de 150 posições)",
        widget=forms.ClearableFileInput(attrs={"accept": ".ret,.txt,.RET,.TXT"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Justificativa",
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "obrigatória; fica na auditoria"}),
    )
