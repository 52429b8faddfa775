"""Forms of the dívida ativa staff pages."""

from __future__ import annotations

from django import forms

from modules.registry.models import Neighbourhood

from .active_debt_selectors import REPORTS
from .active_debt_services import SETTINGS_FIELDS
from .models_active_debt import ActiveDebtSettings, NoticeKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CriteriaForm(forms.Form):
    due_from = forms.DateField(label="Vencimentos a partir de", widget=DATE)
    due_to = forms.DateField(label="Vencimentos até", widget=DATE)
    min_days_overdue = forms.IntegerField(label="Dias de atraso (mínimo)", min_value=1, max_value=3650)
    min_amount = forms.DecimalField(
        label="Débito mínimo por imóvel (R$)", max_digits=12, decimal_places=2, min_value=0, localize=True
    )
    neighbourhood = forms.ModelChoiceField(
        label="Bairro", queryset=Neighbourhood.objects.order_by("name"), required=False, empty_label="Todos"
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("due_from"), data.get("due_to")
        if start and end and end < start:
            self.add_error("due_to", "O fim do período não pode ser anterior ao início.")
        return data


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label="Tipo", choices=NoticeKind.choices)


class ReceiptForm(forms.Form):
    received_on = forms.DateField(label="Recebida em", widget=DATE)


class InstallmentsForm(forms.Form):
    down_payment = forms.DecimalField(
        label="Entrada (R$)", max_digits=12, decimal_places=2, min_value=0, localize=True, initial=0
    )
    installments = forms.IntegerField(label="Parcelas", min_value=1, max_value=240)


class FilingForm(forms.Form):
    court_number = forms.CharField(label="Nº do processo judicial", max_length=60)
    filed_on = forms.DateField(label="Ajuizada em", widget=DATE)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Motivo", max_length=500)


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label="Relatório", choices=list(REPORTS.items()))
    start = forms.DateField(label="De", widget=DATE)
    end = forms.DateField(label="Até", widget=DATE)


class ActiveDebtSettingsForm(forms.ModelForm):
    class Meta:
        model = ActiveDebtSettings
        fields = list(SETTINGS_FIELDS)
        localized_fields = ["min_amount"]
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "notice_text": forms.Textarea(attrs={"rows": 4}),
            "extrajudicial_text": forms.Textarea(attrs={"rows": 4}),
        }
