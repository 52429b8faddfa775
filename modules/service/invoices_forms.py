"""Forms of the attendant's invoice pages (invoices_views)."""

from __future__ import annotations

from typing import Any

from django import forms

from modules.billing.services.single import EARLY, MISSED
from modules.debt.disconnection import PURPOSES


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
