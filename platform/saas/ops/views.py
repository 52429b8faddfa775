"""The vendor's ops console: tenants, their provisioning and health."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from modules.common.errors import DomainError
from modules.common.models import AuditEntry
from tenants import provisioning
from tenants.healing import provisioning_health
from tenants.models import ProvisioningState, Tenant
from tenants.tasks import provision_tenant_task


class TenantForm(forms.Form):
    schema = forms.CharField(
        label="Esquema (identificador)",
        max_length=40,
        help_text="Letras minúsculas, dígitos e '_'; ex.: saae_sorocaba",
    )
    name = forms.CharField(label="Nome", max_length=120)
    domain = forms.CharField(label="Domínio", max_length=253, help_text="ex.: sorocaba.manancial.com.br")
    timezone = forms.CharField(label="Fuso horário", initial="America/Sao_Paulo", max_length=60)
    cnpj = forms.CharField(label="CNPJ", required=False, max_length=18)
    template = forms.ChoiceField(
        label="A partir do modelo de",
        required=False,
        help_text="A nova concessionária começa com toda a configuração da escolhida (tarifas, "
        "categorias, políticas, agência virtual…), importada ao fim da implantação. Sem clientes.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = Tenant.objects.exclude(schema_name="public").filter(
            provisioning_state=ProvisioningState.ACTIVE
        )
        self.fields["template"].choices = [("", "Nenhum: os valores iniciais do sistema")] + [  # type: ignore[attr-defined]
            (t.schema_name, f"{t.name} ({t.schema_name})") for t in active.order_by("name")
        ]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    tenants = Tenant.objects.exclude(schema_name="public").prefetch_related("domains").order_by("name")
    counts = {state: 0 for state, _ in ProvisioningState.choices}
    for tenant in tenants:
        counts[tenant.provisioning_state] += 1
    summary = [(state, label, counts[state]) for state, label in ProvisioningState.choices]
    return render(request, "ops/home.html", {"tenants": tenants, "summary": summary})


@login_required
def tenant_create(request: HttpRequest) -> HttpResponse:
    form = TenantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tenant = provisioning.tenant_request(
                actor=request.user,
                request=provisioning.TenantRequest(  # type: ignore[arg-type]
                    schema_name=data["schema"],
                    name=data["name"],
                    domain=data["domain"],
                    timezone=data["timezone"],
                    cnpj=data["cnpj"],
                    template=data["template"],
                ),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"Implantação de {tenant.name} solicitada.")
            return redirect("ops:tenant", tenant.schema_name)
    return render(request, "ops/tenant_form.html", {"form": form})


@login_required
def tenant_detail(request: HttpRequest, schema: str) -> HttpResponse:
    tenant = get_object_or_404(Tenant.objects.exclude(schema_name="public"), schema_name=schema)
    health = provisioning_health(tenant)
    if request.method == "POST" and request.POST.get("action") == "retry":
        if health.retry_allowed:  # not while a worker may still be on it: the button is hidden then
            provision_tenant_task.delay(tenant.pk)
            messages.info(request, "Nova tentativa de implantação enviada.")
        elif health.running:
            messages.error(request, "A implantação ainda está em andamento: aguarde o fim ou a falha.")
        return redirect("ops:tenant", schema)
    domain_error = ""
    if request.method == "POST" and request.POST.get("action") in ("domain_add", "domain_remove"):
        host = request.POST.get("domain", "")
        try:
            if request.POST["action"] == "domain_add":
                added = provisioning.tenant_domain_add(actor=request.user, tenant=tenant, host=host)  # type: ignore[arg-type]
                messages.success(
                    request,
                    f"Domínio {added.domain} adicionado. Falta o Ingress servi-lo: "
                    "ingress.customHosts no Helm (docs/agency-deployment.md).",
                )
            else:
                provisioning.tenant_domain_remove(actor=request.user, tenant=tenant, host=host)  # type: ignore[arg-type]
                messages.success(request, f"Domínio {host} removido.")
        except DomainError as exc:
            domain_error = exc.message
        else:
            return redirect("ops:tenant", schema)
    history = AuditEntry.objects.filter(object_type="tenants.tenant", object_id=str(tenant.pk))[:20]
    steps = [
        (s, label, _step_status(tenant, s))
        for s, label in ProvisioningState.choices
        if s != ProvisioningState.FAILED
    ]
    return render(
        request,
        "ops/tenant_detail.html",
        {
            "t": tenant,
            "health": health,
            "history": history,
            "steps": steps,
            "domains": tenant.domains.order_by("-is_primary", "domain"),
            "domain_error": domain_error,
            "posted_domain": request.POST.get("domain", "") if domain_error else "",
        },
        status=400 if domain_error else 200,
    )


def _step_status(tenant: Tenant, state: str) -> str:
    order = list(provisioning.ORDER)
    current = tenant.provisioning_state
    if current == ProvisioningState.FAILED:
        current = tenant.provisioning_resume_from or ProvisioningState.REQUESTED
        if state == current:
            return "failed"
    index, at = order.index(state), order.index(current)
    return "done" if index <= at else "pending"
