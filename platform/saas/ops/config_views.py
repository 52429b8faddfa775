"""Ops console forms for what the API already offers: a utility's first administrator, its data and
branding, and its service contract. Each calls the same service as the API, so the rules, the
messages and the audit are the same; a refused field is shown next to that field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from modules.common.errors import DomainError
from saas.sla import selectors as sla_selectors
from saas.sla import services as sla_services
from saas.sla.domain.priorities import PRIORITIES
from saas.sla.models import Contract
from tenants import admins, provisioning
from tenants.models import Tenant

from .apis import tenant_sign_in_url


def _tenant(schema: str) -> Tenant:
    return get_object_or_404(Tenant.objects.exclude(schema_name="public"), schema_name=schema)


def _show(form: forms.Form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _page(
    request: HttpRequest, tenant: Tenant, form: forms.Form, title: str, submit: str, **extra: Any
) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    context = {"t": tenant, "form": form, "title": title, "submit": submit, **extra}
    return render(request, "ops/tenant_config_form.html", context, status=status)


# --- first administrator ------------------------------------------------------------------------------


class AdminForm(forms.Form):
    username = forms.CharField(label="Usuário", max_length=150)
    name = forms.CharField(label="Nome completo", max_length=200)
    email = forms.EmailField(label="E-mail (recebe o convite)")
    temporary_password = forms.CharField(
        label="Senha provisória",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Segue a política de senhas da concessionária; informe-a à pessoa por outro canal. "
        "No primeiro acesso o sistema exige a troca.",
    )


@login_required
def tenant_admin(request: HttpRequest, schema: str) -> HttpResponse:
    tenant = _tenant(schema)
    form = AdminForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = admins.tenant_admin_create(
                actor=request.user,  # type: ignore[arg-type]
                tenant=tenant,
                request=admins.AdminRequest(**form.cleaned_data),
                sign_in_url=tenant_sign_in_url(request, tenant),
            )
        except DomainError as exc:
            _show(form, exc)
        else:
            messages.success(
                request, f"Administrador {user.username} criado; convite enviado para {user.email}."
            )
            return redirect("ops:tenant", schema)
    return _page(
        request,
        tenant,
        form,
        "Administrador da concessionária",
        "Criar e enviar convite",
        intro=f"O acesso será em {tenant_sign_in_url(request, tenant)}.",
    )


# --- data and branding --------------------------------------------------------------------------------


class BrandingForm(forms.ModelForm):
    website = forms.URLField(label="Site", required=False, assume_scheme="https")
    reason = forms.CharField(label="Motivo da alteração", max_length=250, required=False)

    class Meta:
        model = Tenant
        fields = ["name", "timezone", *provisioning.BRANDING_FIELDS]
        widgets = {
            "logo_svg": forms.Textarea(attrs={"rows": 4}),
            "privacy_notice": forms.Textarea(attrs={"rows": 4}),
            "terms_of_use": forms.Textarea(attrs={"rows": 4}),
            "primary_color": forms.TextInput(attrs={"type": "color"}),
            "secondary_color": forms.TextInput(attrs={"type": "color"}),
        }


@login_required
def tenant_branding(request: HttpRequest, schema: str) -> HttpResponse:
    tenant = _tenant(schema)
    # a separate instance: the form writes into it while validating, `tenant` keeps the saved values
    form = BrandingForm(request.POST or None, instance=Tenant.objects.get(pk=tenant.pk))
    if request.method == "POST" and form.is_valid():
        changes = {
            name: form.cleaned_data[name]
            for name in BrandingForm.Meta.fields
            if form.cleaned_data[name] != getattr(tenant, name)
        }
        try:
            provisioning.tenant_update_branding(
                actor=request.user,  # type: ignore[arg-type]
                tenant=tenant,
                changes=changes,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            _show(form, exc)
        else:
            messages.success(request, "Dados da concessionária salvos." if changes else "Nada foi alterado.")
            return redirect("ops:tenant", schema)
    return _page(request, tenant, form, "Dados e identidade visual", "Salvar")


# --- service contract ---------------------------------------------------------------------------------


class ContractForm(forms.Form):
    monthly_value = forms.CharField(label="Valor mensal do serviço (R$)", help_text="ex.: 18500.00")
    start_date = forms.DateField(label="Início do contrato", widget=forms.DateInput(attrs={"type": "date"}))
    availability_target = forms.DecimalField(
        label="Disponibilidade mínima (%)", max_digits=6, decimal_places=3, min_value=0, max_value=100
    )
    annual_downtime_minutes = forms.IntegerField(label="Indisponibilidade máxima anual (min)", min_value=0)
    response_minutes = forms.IntegerField(label="Prazo de atendimento (min)", min_value=1)
    maintenance_excluded = forms.BooleanField(
        label="Janelas de manutenção acordadas não contam como indisponibilidade", required=False
    )
    reason = forms.CharField(label="Motivo da alteração", max_length=250, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for priority in PRIORITIES:  # one field per priority: the contract's resolution deadlines
            self.fields[f"resolution_{priority.level}"] = forms.IntegerField(
                label=f"Prazo de solução, prioridade {priority.level} – {priority.name} (h)",
                min_value=1,
                required=False,
                help_text="vazio: sem prazo" if priority.level == len(PRIORITIES) - 1 else "",
            )


def _contract_initial(contract: Contract | None, tenant: Tenant) -> dict[str, Any]:
    if contract is None:
        fresh = Contract(tenant=tenant)
        return {
            "availability_target": fresh.availability_target,
            "annual_downtime_minutes": fresh.annual_downtime_minutes,
            "response_minutes": fresh.response_minutes,
            "start_date": timezone.localdate(timezone=sla_selectors.zone_of(tenant)),
            **{f"resolution_{k}": v for k, v in fresh.resolution_hours.items()},
        }
    return {
        "monthly_value": contract.monthly_value,
        "start_date": contract.start_date,
        "availability_target": contract.availability_target,
        "annual_downtime_minutes": contract.annual_downtime_minutes,
        "response_minutes": contract.response_minutes,
        "maintenance_excluded": contract.maintenance_excluded,
        **{f"resolution_{k}": v for k, v in contract.resolution_hours.items()},
    }


@login_required
def tenant_contract(request: HttpRequest, schema: str) -> HttpResponse:
    tenant = _tenant(schema)
    contract = Contract.objects.filter(tenant=tenant).first()
    form = ContractForm(request.POST or None, initial=_contract_initial(contract, tenant))
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        reason = values.pop("reason")
        values["resolution_hours"] = {str(p.level): values.pop(f"resolution_{p.level}") for p in PRIORITIES}
        try:
            sla_services.contract_set(
                actor=request.user,  # type: ignore[arg-type]
                tenant=tenant,
                today=timezone.localdate(timezone=sla_selectors.zone_of(tenant)),
                reason=reason,
                **values,
            )
        except DomainError as exc:
            if exc.field == "resolution_hours":
                form.add_error(None, exc.message)
            else:
                _show(form, exc)
        else:
            messages.success(request, "Contrato salvo.")
            return redirect("ops:tenant_sla", schema)
    return _page(request, tenant, form, "Contrato de serviço", "Salvar contrato")
