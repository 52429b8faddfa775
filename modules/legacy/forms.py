from __future__ import annotations

from django import forms


class ImportForm(forms.Form):
    customers = forms.FileField(label="clientes (customers.csv)", required=False)
    properties = forms.FileField(label="imóveis (properties.csv)", required=False)
    meters = forms.FileField(label="hidrômetros (meters.csv)", required=False)
