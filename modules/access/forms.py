from __future__ import annotations

from typing import Any

from django import forms

from .functions import CATALOGUE
from .models import PasswordPolicy, Profile, User
from .services.policy import POLICY_FIELDS


class LoginForm(forms.Form):
    username = forms.CharField(
        label="Usuário",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label="Senha", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    otp = forms.CharField(
        label="Código do segundo fator (se ativado)",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(
        label="Senha atual",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label="Nova senha",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "data-strength": "1"}),
    )
    confirm_password = forms.CharField(
        label="Confirme a nova senha",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("new_password") != data.get("confirm_password"):
            self.add_error("confirm_password", "A confirmação não confere com a nova senha.")
        return data


class UserForm(forms.Form):
    username = forms.CharField(label="Usuário", max_length=150)
    full_name = forms.CharField(label="Nome completo", max_length=200)
    email = forms.EmailField(label="E-mail", required=False)
    is_admin = forms.BooleanField(label="Administrador", required=False)
    profiles = forms.ModelMultipleChoiceField(
        label="Perfis",
        queryset=Profile.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    password_expiry_days = forms.IntegerField(
        label="Validade da senha (dias; vazio = política)", required=False, min_value=0
    )


class CopyUserForm(forms.Form):
    username = forms.CharField(label="Novo usuário", max_length=150)
    full_name = forms.CharField(label="Nome completo", max_length=200)
    email = forms.EmailField(label="E-mail", required=False)


class ProfileForm(forms.Form):
    name = forms.CharField(label="Nome", max_length=100)
    description = forms.CharField(label="Descrição", max_length=250, required=False)
    read_only = forms.BooleanField(label="Somente consulta", required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for function in CATALOGUE:
            for action in ("view", "add", "change", "delete"):
                self.fields[f"g__{function.code}__{action}"] = forms.BooleanField(required=False)

    def grants(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for key, value in self.cleaned_data.items():
            if key.startswith("g__") and value:
                _, code, action = key.split("__")
                result.setdefault(code, []).append(action)
        return result


class PolicyForm(forms.ModelForm):
    class Meta:
        model = PasswordPolicy
        fields = list(POLICY_FIELDS)


class TotpConfirmForm(forms.Form):
    code = forms.CharField(label="Código de 6 dígitos", max_length=6, min_length=6)


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="Usuário", required=False)
    action = forms.CharField(label="Ação", required=False)
    object_type = forms.CharField(label="Tipo de objeto", required=False)
    object_id = forms.CharField(label="Identificador", required=False)
    since = forms.DateField(label="De", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="Até", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    field = forms.CharField(label="Campo alterado", required=False)
    source = forms.ChoiceField(
        label="Origem",
        required=False,
        choices=[("", "Manancial"), ("legado", "Sistema anterior (importado)")],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", "A data final é anterior à inicial.")
        return data


def user_choices() -> list[tuple[int, str]]:
    return [(u.pk, u.username) for u in User.objects.all()]
