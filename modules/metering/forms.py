from __future__ import annotations

from django import forms

from .domain import meters as rules
from .models import Calibration

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeterForm(forms.Form):
    number = forms.CharField(label="Número", max_length=20)
    manufacturer = forms.CharField(label="Fabricante", max_length=60)
    model = forms.CharField(label="Modelo", max_length=60, required=False)
    capacity = forms.DecimalField(label="Capacidade (m³/h)", max_digits=6, decimal_places=2)
    diameter_mm = forms.IntegerField(label="Diâmetro (mm)", min_value=1)
    metrological_class = forms.ChoiceField(
        label="Classe metrológica", choices=[(c, c) for c in rules.METROLOGICAL_CLASSES]
    )
    manufacture_year = forms.IntegerField(label="Ano de fabricação")
    calibrated_on = forms.DateField(label="Data da aferição", required=False, widget=DATE)
    acquired_on = forms.DateField(label="Data de aquisição", required=False, widget=DATE)
    invoice_number = forms.CharField(label="Nota fiscal", max_length=30, required=False)


class CalibrationForm(forms.Form):
    on = forms.DateField(label="Data da aferição", widget=DATE)
    requester = forms.ChoiceField(label="Solicitante", choices=Calibration.Requester.choices)
    result = forms.ChoiceField(label="Resultado", choices=Calibration.Result.choices)
    error_qmin = forms.DecimalField(label="Erro em Qmín (%)", required=False, max_digits=6, decimal_places=2)
    error_qt = forms.DecimalField(label="Erro em Qt (%)", required=False, max_digits=6, decimal_places=2)
    error_qmax = forms.DecimalField(label="Erro em Qmáx (%)", required=False, max_digits=6, decimal_places=2)
    laboratory = forms.CharField(label="Laboratório", required=False, max_length=120)
    photo = forms.FileField(label="Foto", required=False)


class MeteringPolicyForm(forms.Form):
    validity_years = forms.IntegerField(
        label="Validade da aferição (anos)",
        help_text="Inmetro: 5 anos. Define a data de vencimento de cada hidrômetro (de 1 a 10).",
    )
    alert_days = forms.IntegerField(
        label="Antecedência do alerta de vencimento (dias)",
        help_text="A lista “Aferição vencendo” mostra os hidrômetros que vencem neste prazo (de 0 a 365).",
    )
    photo_max_px = forms.IntegerField(
        label="Maior lado da foto guardada (pixels)",
        help_text="Fotos de aferição são reduzidas a este tamanho ao serem guardadas (de 640 a 4000).",
    )
    photo_quality = forms.IntegerField(
        label="Qualidade JPEG da foto guardada (%)",
        help_text="Quanto maior, melhor a imagem e maior o arquivo (de 50 a 95).",
    )
