"""Forms of the attendant's invoice pages (invoices_views)."""

from __future__ import annotations

from typing import Any

from django import forms

from modules.billing.services.single import EARLY, MISSED
from modules.debt.disconnection import PURPOSES
from modules.registry.models import Property


class BillSendForm(forms.Form):
    bills = forms.TypedMultipleChoiceField(coerce=int, label="Faturas", widget=forms.CheckboxSelectMultiple)
    to = forms.CharField(
        label="E-mail ou celular",
        required=False,
        max_length=200,
        help_text="Vazio: o e-mail ou o celular cadastrado de quem recebe as faturas.",
    )

    def __init__(self, *args: Any, bill_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bills"].choices = [(pk, str(pk)) for pk in bill_ids]


class SingleIssueForm(forms.Form):
    reference = forms.RegexField(label="Referência (AAAA-MM)", regex=r"^\d{4}-(0[1-9]|1[0-2])$")
    kind = forms.ChoiceField(
        label="Emissão",
        widget=forms.RadioSelect,
        choices=[
            (EARLY, "Antecipada: antes do faturamento do grupo"),
            (MISSED, "Fatura que o faturamento do grupo não gerou"),
        ],
    )
    reason = forms.CharField(
        label="Motivo (parecer)", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class CutPermissionForm(forms.Form):
    cut_notice_allowed = forms.BooleanField(label="Permite aviso de corte", required=False)
    cut_order_allowed = forms.BooleanField(label="Permite ordem de corte", required=False)


class CutCandidatesForm(forms.Form):
    purpose = forms.ChoiceField(label="Finalidade", choices=list(PURPOSES.items()))
    days = forms.IntegerField(label="Dias de atraso, no mínimo", min_value=0, max_value=3650, initial=30)


class DueDayStaffForm(forms.Form):
    day = forms.TypedChoiceField(label="Dia de vencimento alternativo", coerce=int)
    reason = forms.CharField(label="Motivo", max_length=500)

    def __init__(self, *args: Any, days: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = [(d, f"dia {d}") for d in days]


class RouteMoveForm(forms.Form):
    route = forms.TypedChoiceField(label="Rota de leitura", coerce=int)
    route_sequence = forms.IntegerField(label="Sequência na rota", min_value=1)
    reason = forms.CharField(label="Motivo", max_length=500, required=False)

    def __init__(self, *args: Any, routes: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["route"].choices = routes


class PropertyDataForm(forms.Form):
    municipal_registration = forms.CharField(
        label="Inscrição imobiliária municipal", max_length=30, required=False
    )
    built_area = forms.DecimalField(
        label="Área construída (m²)", max_digits=10, decimal_places=2, min_value=0, required=False
    )
    residents = forms.IntegerField(label="Moradores", min_value=0, max_value=32767, required=False)
    has_water_tank = forms.BooleanField(label="Caixa d'água", required=False)
    has_cistern = forms.BooleanField(label="Cisterna", required=False)
    has_own_source = forms.BooleanField(label="Fonte própria (poço)", required=False)
    # location (h-location): the rest of seed 001 3.2.13.10.10
    building_status = forms.ChoiceField(
        label="Situação da edificação", choices=Property.BuildingStatus.choices, required=False
    )
    street_paving = forms.ChoiceField(
        label="Pavimento da rua", choices=Property.StreetPaving.choices, required=False
    )
    sidewalk_paving = forms.ChoiceField(
        label="Pavimento da calçada", choices=Property.SidewalkPaving.choices, required=False
    )


class ConnectionDataForm(forms.Form):
    diameter_mm = forms.IntegerField(
        label="Diâmetro do ramal (mm)", min_value=1, max_value=1000, required=False
    )
    material = forms.CharField(label="Material do ramal", max_length=40, required=False)
    depth_m = forms.DecimalField(
        label="Profundidade (m)", max_digits=5, decimal_places=2, min_value=0, required=False
    )
    street_pavement = forms.CharField(label="Pavimento da rua", max_length=40, required=False)
    sidewalk_pavement = forms.CharField(label="Pavimento da calçada", max_length=40, required=False)
    installation_notes = forms.CharField(
        label="Observações da instalação", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
