from __future__ import annotations

from django import forms

from modules.registry.models import BillingGroup


class TariffImportForm(forms.Form):
    json_text = forms.CharField(
        label="Tarifa (JSON)", widget=forms.Textarea(attrs={"rows": 18}), required=False
    )
    json_file = forms.FileField(label="ou arquivo JSON exportado", required=False)


class SimulatorForm(forms.Form):
    category = forms.CharField(label="Categoria", max_length=20, initial="RES")
    dwelling_units = forms.IntegerField(label="Economias", min_value=1, initial=1)
    consumption_m3 = forms.IntegerField(label="Consumo (m³)", min_value=0, initial=10)
    reference = forms.RegexField(label="Referência (AAAA-MM)", regex=r"^\d{4}-\d{2}$", required=False)
    tariff = forms.IntegerField(label="Versão de tarifa (id, opcional: rascunho)", required=False)


class RunForm(forms.Form):
    group = forms.ModelChoiceField(label="Grupo", queryset=BillingGroup.objects.all())
    reference = forms.RegexField(label="Referência (AAAA-MM)", regex=r"^\d{4}-\d{2}$")


class RebillForm(forms.Form):
    reason = forms.CharField(label="Motivo", max_length=500)
    consumption_m3 = forms.IntegerField(label="Consumo corrigido (m³, opcional)", min_value=0, required=False)


class CompareForm(forms.Form):
    proposed = forms.IntegerField(label="Versão proposta (id)")
    base = forms.IntegerField(label="Versão base (id; vazio = a vigente no mês)", required=False)
    reference = forms.RegexField(label="Mês de consumo real (AAAA-MM)", regex=r"^\d{4}-\d{2}$")


class BillingSettingsForm(forms.Form):
    min_days_after_issue = forms.IntegerField(
        label="Prazo mínimo entre a emissão e o vencimento (dias)",
        help_text="Nenhuma fatura vence antes deste prazo após a emissão (de 1 a 30 dias).",
    )
    history_months = forms.IntegerField(
        label="Meses de histórico de consumo na fatura",
        help_text="Quantos meses o gráfico de consumo da fatura mostra (de 6 a 24).",
    )
