"""Forms of a unit's location and of a route's re-sequencing (views_location)."""

from __future__ import annotations

from typing import Any

from django import forms

from .services.location import MAX_STEP
from .services.sequencing import DEFAULT_STEP


class LocationForm(forms.Form):
    inscription = forms.CharField(
        label="Nova inscrição",
        max_length=40,
        required=False,
        help_text="com ou sem os dígitos verificadores (ex.: 001.002.0034.0056.000-95), "
        "ou preencha os campos abaixo",
    )
    locality = forms.IntegerField(label="Localidade", min_value=0, required=False)
    sector = forms.IntegerField(label="Setor", min_value=0, required=False)
    block = forms.IntegerField(label="Quadra", min_value=0, required=False)
    lot = forms.IntegerField(label="Lote", min_value=0, required=False)
    sublot = forms.IntegerField(label="Sublote", min_value=0, required=False)
    reason = forms.CharField(label="Motivo", max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("inscription") or "").strip():
            for name in ("locality", "sector", "block", "lot"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, "Informe a inscrição ou este campo.")
        return data


class ResequenceForm(forms.Form):
    step = forms.IntegerField(
        label="Passo da sequência",
        min_value=1,
        max_value=MAX_STEP,
        initial=DEFAULT_STEP,
        help_text="10 numera 10, 20, 30 …, deixando lugar para imóveis cadastrados depois",
    )
    reason = forms.CharField(label="Motivo", max_length=200, required=False)
