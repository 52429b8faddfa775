"""Staff pages of new connections (seed002 §8, ADR 0183): the requests, the counter's new request
with its document checklist, a request with every step of its workflow and the action of the step
it is on, and the workflows with their steps."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from modules.access.views import function_required
from modules.common.clock import tenant_zone
from modules.common.errors import DomainError
from modules.common.selectors import change_history
from modules.metering.models import Meter
from modules.registry.models import BillingGroup, Neighbourhood, Route, Street

from .domain.connections import AREAS
from .models import PendingCharge, Team
from .models_connections import ConnectionRequest, WorkflowDefinition, WorkflowInstance, WorkflowStep
from .services import connections as cx
from .services import connections2 as cx2
from .services import orders


class RequestForm(forms.Form):
    citizen_name = forms.CharField(label="Munícipe", max_length=150, required=False)
    requester_name = forms.CharField(
        label="Requerente (em branco: o munícipe)", max_length=150, required=False
    )
    requester_document = forms.CharField(label="CPF/CNPJ", max_length=18)
    requester_rg = forms.CharField(label="RG", max_length=20, required=False)
    phone = forms.CharField(label="Telefone", max_length=20, required=False)
    phone_is_owner = forms.BooleanField(label="O telefone é do requerente", required=False, initial=True)
    kind = forms.ChoiceField(label="Tipo de ligação", choices=ConnectionRequest.Kind.choices)
    street = forms.ModelChoiceField(label="Logradouro do local de execução", queryset=Street.objects.none())
    street_number = forms.CharField(label="Número", max_length=10)
    sector = forms.IntegerField(label="Setor (do logradouro)", min_value=0, required=False)
    without_cdc = forms.BooleanField(
        label="Só esgoto sem CDC (esgoto independente, poço, TEE): vincular ao CDC depois", required=False
    )
    service_type = forms.ChoiceField(label="Faturamento (tipo de serviço do CDC)", choices=(), required=False)
    collection_form = forms.ChoiceField(label="Forma de cobrança", choices=())
    neighbourhood = forms.ModelChoiceField(
        label="Bairro", queryset=Neighbourhood.objects.none(), required=False
    )
    municipal_inscription = forms.CharField(label="Inscrição municipal", max_length=30, required=False)
    block = forms.IntegerField(label="Quadra", min_value=0, required=False)
    lot = forms.IntegerField(label="Lote", min_value=0, required=False)
    billing_group = forms.ModelChoiceField(
        label="Grupo de faturamento", queryset=BillingGroup.objects.none(), required=False
    )
    route = forms.ModelChoiceField(label="Rota", queryset=Route.objects.none(), required=False)
    documents = forms.MultipleChoiceField(
        label="Documentos conferidos", choices=(), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, kind: str = "water", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = Street.objects.filter(active=True).order_by("name")  # type: ignore[attr-defined]
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["billing_group"].queryset = BillingGroup.objects.order_by("code")  # type: ignore[attr-defined]
        self.fields["route"].queryset = Route.objects.select_related("group").order_by("group__code", "code")  # type: ignore[attr-defined]
        self.fields["documents"].choices = [(d, d) for d in cx.checklist(kind)]  # type: ignore[attr-defined]
        self.fields["service_type"].choices = [("", "Conforme o tipo de ligação"), *cx2.values("billing")]  # type: ignore[attr-defined]
        self.fields["collection_form"].choices = cx2.values("collection")  # type: ignore[attr-defined]


def _fail(form: forms.Form, exc: DomainError) -> None:
    aliases = {"cpf_cnpj": "requester_document", "neighbourhood": "neighbourhood"}
    field = aliases.get(exc.field or "", exc.field or "")
    form.add_error(field if field in form.fields else None, exc.message)


@function_required("service.orders")
def requests_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    rows = ConnectionRequest.objects.select_related("street", "target")
    if status:
        rows = rows.filter(status=status)
    return render(
        request,
        "service/connections/list.html",
        {"rows": rows[:200], "status": status, "statuses": ConnectionRequest.Status.choices},
    )


@function_required("service.orders", "add")
def request_new_view(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind") or request.GET.get("kind") or "water"
    initial: dict[str, Any] = {"kind": kind}
    street_q = request.GET.get("street_q", "").strip()
    hits = cx2.street_search(street_q) if street_q else []
    if hits:  # S8.1-04: the street searched pre-fills its setor
        initial["street"] = hits[0].street.pk
        initial["sector"] = hits[0].sector.code if hits[0].sector else None
    form = RequestForm(request.POST or None, kind=kind, initial=initial)
    definition = None
    with contextlib.suppress(DomainError):
        definition = cx.workflow_for(kind if kind in ConnectionRequest.Kind.values else "water")
    context = {
        "form": form,
        "street_q": street_q,
        "hits": hits,
        "kind": kind,
        "kinds": ConnectionRequest.Kind.choices,
        "definition": definition,
        "area_label": AREAS.get(definition.area, "") if definition else "",
        "services": cx2.type_services(definition) if definition else [],
    }
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            req = cx.request_register(
                actor=request.user,  # type: ignore[arg-type]
                data=cx.RequestInput(
                    requester_name=d["requester_name"],
                    requester_document=d["requester_document"],
                    requester_rg=d["requester_rg"],
                    phone=d["phone"],
                    phone_is_owner=d["phone_is_owner"],
                    citizen_name=d["citizen_name"],
                    street_id=d["street"].pk,
                    street_number=d["street_number"],
                    kind=d["kind"],
                    neighbourhood_id=d["neighbourhood"].pk if d["neighbourhood"] else 0,
                    municipal_inscription=d["municipal_inscription"],
                    block=d["block"] or 0,
                    lot=d["lot"] or 0,
                    billing_group_id=d["billing_group"].pk if d["billing_group"] else 0,
                    route_id=d["route"].pk if d["route"] else 0,
                    documents=list(d["documents"]),
                    without_cdc=d["without_cdc"],
                    service_type=d["service_type"],
                    collection_form=d["collection_form"],
                ),
            )
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, f"Pedido {req.label} registrado; OS de viabilidade aberta.")
            return redirect("service:connection", req.pk)
    return render(request, "service/connections/new.html", context)


def _aware(value: str) -> dt.datetime:
    if not value:
        return timezone.now()
    return dt.datetime.fromisoformat(value).replace(tzinfo=tenant_zone())


def _act(request: HttpRequest, req: ConnectionRequest, action: str) -> str:
    actor: Any = request.user
    post = request.POST
    if action == "feasibility":
        executed = post.get("executed") == "1"
        assert req.feasibility_order_id is not None
        orders.order_close(
            actor=actor,
            order_id=req.feasibility_order_id,
            executed=executed,
            executed_at=_aware(post.get("executed_at", "")),
            team_id=int(post["team"]) if post.get("team") else None,
            reason=post.get("reason", ""),
        )
        return "Viabilidade registrada."
    if action == "settle":
        cx.request_settle(
            actor=actor,
            request_id=req.pk,
            settlement=post.get("settlement", ""),
            installments=int(post.get("installments") or 1),
        )
        return "Taxa acertada."
    if action == "payment":
        cx.request_confirm_payment(actor=actor, request_id=req.pk)
        return "Pagamento confirmado; OS de execução aberta."
    if action == "complete":
        cx.request_complete(
            actor=actor,
            request_id=req.pk,
            team_id=int(post["team"]) if post.get("team") else 0,
            executed_at=_aware(post.get("executed_at", "")),
            meter_id=int(post.get("meter") or 0),
            initial_reading=int(post.get("initial_reading") or 0),
        )
        return "Ligação concluída e ativa."
    if action == "activate":
        cx2.request_activate(
            actor=actor,
            request_id=req.pk,
            usage=post.get("usage", ""),
            service_type=post.get("service_type", ""),
            economies=int(post["economies"]) if post.get("economies") else None,
            collection_form=post.get("collection_form", ""),
        )
        return "Ligação ativada."
    if action == "link":
        cx2.request_link(actor=actor, request_id=req.pk, property_id=int(post.get("property") or 0))
        return "Pedido vinculado ao CDC."
    if action == "cancel":
        cx.request_cancel(actor=actor, request_id=req.pk, reason=post.get("reason", ""))
        return "Pedido cancelado."
    return "Nada a fazer."


@function_required("service.orders")
def request_view(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(
        ConnectionRequest.objects.select_related("street", "target", "feasibility_order", "execution_order"),
        pk=pk,
    )
    if request.method == "POST":
        if not request.user.can("service.orders", "change"):  # type: ignore[union-attr]
            messages.error(request, "Você não tem permissão para alterar pedidos de ligação.")
            return redirect("service:connection", req.pk)
        try:
            text = _act(request, req, request.POST.get("action", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
        except (ValueError, KeyError):
            messages.error(request, "Preencha os campos da etapa.")
        else:
            messages.success(request, text)
        return redirect("service:connection", req.pk)
    instance = WorkflowInstance.objects.select_related("definition").filter(request=req).first()
    steps = list(instance.definition.steps.all()) if instance else []
    charges = PendingCharge.objects.filter(order_id=req.execution_order_id) if req.execution_order_id else []
    max_installments = 1
    if instance is not None:
        code = instance.definition.steps.filter(checkpoint="execution").values_list("service_code", flat=True)
        from .models import ServiceCode

        sc = ServiceCode.objects.filter(code__in=list(code)).first()
        max_installments = max(1, sc.max_installments or 1) if sc else 1
    return render(
        request,
        "service/connections/detail.html",
        {
            "r": req,
            "instance": instance,
            "steps": steps,
            "teams": Team.objects.filter(is_active=True).order_by("name"),
            "meters": Meter.objects.filter(status="stock").order_by("number")[:50],
            "charges": charges,
            "installment_range": range(1, max_installments + 1),
            "area_label": AREAS.get(instance.definition.area, "") if instance else "",
            "boletos": cx2.request_documents(req),
            "usages": cx2.values("usage"),
            "service_types": cx2.values("billing"),
            "collection_forms": cx2.values("collection"),
            "economies": req.target.economies_total if req.target else 1,
            "now": timezone.now().astimezone(tenant_zone()).strftime("%Y-%m-%dT%H:%M"),
        },
    )


@function_required("service.codes")
def workflows_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action", "")
        if not request.user.can("service.codes", "change"):  # type: ignore[union-attr]
            messages.error(request, "Você não tem permissão para alterar fluxos.")
        elif action in ("type", "street_sector", "attribute"):
            try:
                if action == "attribute":
                    cx2.attribute_value_save(
                        actor=request.user,  # type: ignore[arg-type]
                        attribute=request.POST.get("attribute", ""),
                        code=request.POST.get("code", ""),
                        label=request.POST.get("label", ""),
                        active=request.POST.get("active") == "1",
                    )
                elif action == "type":
                    cx2.type_configure(
                        actor=request.user,  # type: ignore[arg-type]
                        definition_id=int(request.POST.get("definition") or 0),
                        area=request.POST.get("area", ""),
                        codes=request.POST.get("services", "").replace(";", ",").split(","),
                    )
                else:
                    cx2.street_sector_set(
                        actor=request.user,  # type: ignore[arg-type]
                        street_id=int(request.POST.get("street") or 0),
                        sector_id=int(request.POST.get("sector") or 0),
                    )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "Configuração salva.")
        else:
            try:
                cx.workflow_step_update(
                    actor=request.user,  # type: ignore[arg-type]
                    step_id=int(request.POST.get("step") or 0),
                    title=request.POST.get("title", ""),
                    service_code=request.POST.get("service_code", ""),
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "Etapa atualizada.")
        return redirect("service:connection_workflows")
    from modules.registry.models import Sector

    from .models_connections2 import ConnectionAttributeValue, StreetSector

    definitions = list(WorkflowDefinition.objects.prefetch_related("steps", "services__code"))
    for d in definitions:
        d.services_text = ", ".join(s.code.code for s in d.services.all())  # type: ignore[attr-defined]
        d.services_priced = cx2.type_services(d)  # type: ignore[attr-defined]
    return render(
        request,
        "service/connections/workflows.html",
        {
            "definitions": definitions,
            "history": change_history(
                object_types=[
                    "service.workflowdefinition",
                    "service.workflowstep",
                    "service.streetsector",
                    "service.connectiontypeservice",
                    "service.connectionattributevalue",
                ]
            ),
            "checkpoints": dict(WorkflowStep.Checkpoint.choices),
            "areas": list(AREAS.items()),
            "streets": Street.objects.filter(active=True).order_by("name")[:500],
            "sectors": Sector.objects.filter(active=True).select_related("locality"),
            "attribute_lists": [
                (code, label, cx2.values(code)) for code, label in ConnectionAttributeValue.Attribute.choices
            ],
            "attribute_choices": [c for c in ConnectionAttributeValue.Attribute.choices if c[0] != "usage"],
            "street_sectors": StreetSector.objects.select_related("street", "sector__locality").order_by(
                "street__name"
            )[:200],
        },
    )
