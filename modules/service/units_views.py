"""Staff pages of service beyond the property: street search and a street's orders (with its map),
commercial customers (lookup, one screen with orders, standalone charges and offsetting), paying
bodies (lookup, one screen with centralised units and invoices), sewer release letters, an order's
split with dependency and the one-action reconnection order from the property's screen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from modules.access.views import function_required
from modules.collection.models import PaymentDocument
from modules.common.clock import tenant_today
from modules.common.errors import DomainError
from modules.common.selectors import change_history
from modules.registry.models import City, Customer, Property, Street

from . import units_pdf
from .models import CentralizedInvoice, ServiceCode, ServiceOrder, SewerReleaseLetter
from .services import orders, units, units_bodies, units_letters
from .units_selectors import (
    body_overview,
    customer_overview,
    osm_links,
    street_get,
    street_search,
    target_orders,
)


def _forbidden(request: HttpRequest) -> HttpResponse:
    return HttpResponseForbidden(render(request, "access/forbidden.html").content)


def _fail(form: forms.Form, exc: DomainError) -> None:
    field = (exc.field or "").split(".")[0].split("[")[0]
    form.add_error(field if field in form.fields else None, exc.message)


class TargetOrderForm(forms.Form):
    code = forms.ModelChoiceField(
        label="Serviço",
        queryset=ServiceCode.objects.filter(is_active=True).order_by("code"),
        to_field_name="code",
    )
    description = forms.CharField(
        label="Descrição da solicitação",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


def _open_for(request: HttpRequest, form: TargetOrderForm, **target: int) -> ServiceOrder | None:
    if not request.user.can("service.orders", "add"):  # type: ignore[union-attr]
        form.add_error(None, "Seu perfil não permite abrir ordens de serviço.")
        return None
    if not form.is_valid():
        return None
    try:
        order = orders.order_open(
            actor=request.user,
            code=form.cleaned_data["code"].code,
            description=form.cleaned_data["description"],
            **target,  # type: ignore[arg-type]
        )
    except DomainError as exc:
        _fail(form, exc)
        return None
    messages.success(request, f"Ordem de serviço {order.label} aberta.")
    return order


# --- streets -------------------------------------------------------------------------------------


@function_required("service.orders")
def streets_view(request: HttpRequest) -> HttpResponse:
    q = request.GET
    searched = any(
        q.get(k) for k in ("code", "state", "city", "neighbourhood", "street_type", "title", "name")
    )
    rows = list(street_search(q)[:100]) if searched else []
    return render(
        request,
        "service/units/streets.html",
        {
            "q": q,
            "rows": rows,
            "searched": searched,
            "states": sorted(set(City.objects.values_list("state", flat=True))),
            "types": sorted(set(Street.objects.values_list("street_type", flat=True))),
        },
    )


def _street_svg(street: Street) -> dict[str, Any] | None:
    """A small locator drawn here (no outside request, the page's policy allows none): the street's
    point and the georeferenced properties on it, in a 320×200 box."""
    if street.latitude is None or street.longitude is None:
        return None
    pts = list(
        Property.objects.filter(street=street, latitude__isnull=False, longitude__isnull=False).values_list(
            "latitude", "longitude", "number"
        )[:200]
    )
    lats = [street.latitude, *[p[0] for p in pts]]
    lons = [street.longitude, *[p[1] for p in pts]]
    span = max(max(lats) - min(lats), max(lons) - min(lons), Decimal("0.002"))
    lat0, lon0 = (max(lats) + min(lats)) / 2, (max(lons) + min(lons)) / 2

    def xy(lat: Decimal, lon: Decimal) -> tuple[int, int]:
        x = 160 + int((lon - lon0) / span * 260)
        y = 100 - int((lat - lat0) / span * 160)
        return x, y

    cx, cy = xy(street.latitude, street.longitude)
    return {
        "cx": cx,
        "cy": cy,
        "properties": [{"x": xy(a, b)[0], "y": xy(a, b)[1], "n": n} for a, b, n in pts],
    }


@function_required("service.orders")
def street_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        street = street_get(pk)
    except DomainError:
        raise Http404 from None
    form = TargetOrderForm(request.POST or None)
    if request.method == "POST":
        order = _open_for(request, form, street_id=street.pk)
        if order is not None:
            return redirect("service:order", order.pk)
    return render(
        request,
        "service/units/street.html",
        {
            "s": street,
            "orders": target_orders(street_id=street.pk)[:100],
            "form": form,
            "map": osm_links(street),
            "svg": _street_svg(street),
        },
        status=400 if form.errors else 200,
    )


# --- commercial customers ------------------------------------------------------------------------


class RegisterForm(forms.Form):
    customer = forms.CharField(label="CPF/CNPJ do cliente já cadastrado", max_length=18)


class NewCommercialCustomerForm(forms.Form):
    """3.2.13.12.1: a customer not yet in the registry, registered and given the id in one step."""

    name = forms.CharField(label="Nome ou razão social", max_length=200)
    cpf_cnpj = forms.CharField(label="CPF/CNPJ", max_length=18)
    phone = forms.CharField(label="Telefone", max_length=20, required=False)
    email = forms.EmailField(label="E-mail", required=False)
    mail_street = forms.CharField(label="Endereço", max_length=200, required=False)
    mail_number = forms.CharField(label="Número", max_length=20, required=False)
    mail_complement = forms.CharField(label="Complemento", max_length=60, required=False)
    mail_neighbourhood = forms.CharField(label="Bairro", max_length=120, required=False)
    mail_city = forms.CharField(label="Município", max_length=120, required=False)
    mail_state = forms.CharField(label="UF", max_length=2, required=False)
    mail_cep = forms.CharField(label="CEP", max_length=9, required=False)


@function_required("service.orders")
def commercial_customers_view(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")
    creating = request.method == "POST" and request.POST.get("action") == "create"
    form = RegisterForm(request.POST if request.method == "POST" and not creating else None)
    new_form = NewCommercialCustomerForm(request.POST if creating else None)
    if creating and new_form.is_valid():
        try:
            customer = units_bodies.commercial_customer_create(actor=request.user, **new_form.cleaned_data)
        except DomainError as exc:
            _fail(new_form, exc)
        else:
            messages.success(request, f"Cliente comercial {customer.commercial_id}: {customer.name}.")
            return redirect("service:commercial_customer", customer.pk)
    if not creating and request.method == "POST" and form.is_valid():
        from modules.registry.domain.text import only_digits

        customer = Customer.objects.filter(cpf_cnpj=only_digits(form.cleaned_data["customer"])).first()
        if customer is None:
            form.add_error(
                "customer", "Nenhum cliente com este CPF/CNPJ: cadastre-o antes em Cadastro › Clientes."
            )
        else:
            try:
                customer = units_bodies.commercial_customer_register(
                    actor=request.user, customer_id=customer.pk
                )
            except DomainError as exc:
                _fail(form, exc)
            else:
                messages.success(request, f"Cliente comercial {customer.commercial_id}: {customer.name}.")
                return redirect("service:commercial_customer", customer.pk)
    return render(
        request,
        "service/units/commercial_customers.html",
        {
            "q": text,
            "rows": units_bodies.commercial_customer_search(text),
            "form": form,
            "new_form": new_form,
        },
        status=400 if form.errors or new_form.errors else 200,
    )


class DueDateForm(forms.Form):
    due_date = forms.DateField(label="Novo vencimento", widget=forms.DateInput(attrs={"type": "date"}))
    annotation = forms.CharField(label="Anotação", max_length=300)


class AnnotationForm(forms.Form):
    annotation = forms.CharField(label="Anotação", max_length=300)


def _document_action(request: HttpRequest, doc_kind: str) -> tuple[str, forms.Form | None]:
    """Due-date change or cancellation of a standalone charge posted from the customer's screen."""
    action = request.POST.get("action", "")
    pk = request.POST.get("document", "")
    if not pk.isdigit():
        return action, None
    form: forms.Form = DueDateForm(request.POST) if action == "due" else AnnotationForm(request.POST)
    if not form.is_valid():
        return action, form
    try:
        if action == "due":
            units_bodies.standalone_due_date_change(
                actor=request.user, document_id=int(pk), **form.cleaned_data
            )
            messages.success(request, "Vencimento alterado: novo documento emitido.")
        elif action == "cancel":
            units_bodies.standalone_cancel(actor=request.user, document_id=int(pk), **form.cleaned_data)
            messages.success(request, "Documento cancelado.")
    except DomainError as exc:
        _fail(form, exc)
        return action, form
    return action, None


@function_required("service.orders")
def commercial_customer_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        view = customer_overview(pk)
    except DomainError:
        raise Http404 from None
    form = TargetOrderForm(request.POST if request.POST.get("action") == "open" else None)
    failed: forms.Form | None = None
    if request.method == "POST":
        if request.POST.get("action") == "open":
            order = _open_for(request, form, customer_id=pk)
            if order is not None:
                return redirect("service:order", order.pk)
        else:
            if not request.user.can("service.orders", "change"):  # type: ignore[union-attr]
                return _forbidden(request)
            _, failed = _document_action(request, PaymentDocument.Kind.SERVICE_CHARGE)
            if failed is None:
                return redirect("service:commercial_customer", pk)
    return render(
        request,
        "service/units/commercial_customer.html",
        {
            "v": view,
            "c": view.customer,
            "form": form,
            "failed": failed,
            "due_form": DueDateForm(),
            "annotation_form": AnnotationForm(),
        },
        status=400 if form.errors or failed else 200,
    )


@function_required("service.orders")
def document_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    doc = (
        PaymentDocument.objects.filter(pk=pk, kind=PaymentDocument.Kind.SERVICE_CHARGE)
        .select_related("customer")
        .first()
    )
    if doc is None:
        raise Http404
    return _pdf(units_pdf.standalone_pdf(doc), f"cobranca-{doc.pk}.pdf")


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# --- paying bodies -------------------------------------------------------------------------------


class BodyForm(forms.Form):
    name = forms.CharField(label="Nome do órgão", max_length=200)
    cnpj = forms.CharField(label="CNPJ", max_length=18, required=False)
    email = forms.EmailField(label="E-mail", required=False)
    phone = forms.CharField(label="Telefone", max_length=20, required=False)
    address = forms.CharField(label="Endereço", max_length=200, required=False)
    due_day = forms.IntegerField(label="Dia de vencimento", min_value=1, max_value=28, initial=10)
    # h-bill (ADR 0221): withheld on the grouped invoice; needs the CNPJ
    federal_retention_percent = forms.DecimalField(
        label="Retenção de tributos federais (%)", max_digits=5, decimal_places=2, required=False
    )
    municipal_retention_percent = forms.DecimalField(
        label="Retenção de tributo municipal (%)", max_digits=5, decimal_places=2, required=False
    )


@function_required("service.paying_bodies")
def paying_bodies_view(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")
    form = BodyForm(request.POST or None)
    if request.method == "POST":
        if not request.user.can("service.paying_bodies", "add"):  # type: ignore[union-attr]
            return _forbidden(request)
        if form.is_valid():
            try:
                body = units_bodies.paying_body_create(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                _fail(form, exc)
            else:
                messages.success(request, f"Órgão pagador {body.code} cadastrado.")
                return redirect("service:paying_body", body.pk)
    return render(
        request,
        "service/units/paying_bodies.html",
        {"q": text, "rows": units_bodies.paying_body_search(text), "form": form},
        status=400 if form.errors else 200,
    )


class MemberForm(forms.Form):
    account = forms.CharField(label="Matrícula do imóvel", max_length=12)
    start = forms.DateField(label="Desde", widget=forms.DateInput(attrs={"type": "date"}))


class InvoiceForm(forms.Form):
    reference = forms.CharField(label="Referência (MM/AAAA)", max_length=7)
    due_date = forms.DateField(
        label="Vencimento", widget=forms.DateInput(attrs={"type": "date"}), required=False
    )

    def clean_reference(self) -> dt.date:
        raw = self.cleaned_data["reference"].strip()
        try:
            month, year = (int(x) for x in raw.split("/"))
            return dt.date(year, month, 1)
        except ValueError:
            raise forms.ValidationError("Informe a referência como MM/AAAA.") from None


@function_required("service.paying_bodies")
def paying_body_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        view = body_overview(pk)
    except DomainError:
        raise Http404 from None
    action = request.POST.get("action", "")
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        if not request.user.can("service.paying_bodies", "change"):  # type: ignore[union-attr]
            return _forbidden(request)
        form_class = {"member": MemberForm, "invoice": InvoiceForm, "due": DueDateForm}.get(action)
        form = form_class(request.POST) if form_class else None
        if form is not None and form.is_valid():
            try:
                _body_action(request, pk, action, form.cleaned_data)
            except DomainError as exc:
                _fail(form, exc)
            else:
                return redirect("service:paying_body", pk)
        if form is not None:
            bound[action] = form
        elif action == "end" and request.POST.get("member", "").isdigit():
            try:
                units_bodies.paying_body_member_end(
                    actor=request.user, member_id=int(request.POST["member"]), end=tenant_today()
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            return redirect("service:paying_body", pk)
    return render(
        request,
        "service/units/paying_body.html",
        {
            "v": view,
            "b": view.body,
            "member_form": bound.get("member") or MemberForm(initial={"start": tenant_today()}),
            "invoice_form": bound.get("invoice") or InvoiceForm(),
            "due_form": bound.get("due") or DueDateForm(),
            "history": change_history(object_types=["service.payingbody", "service.centralizedinvoice"]),
        },
        status=400 if bound else 200,
    )


def _body_action(request: HttpRequest, pk: int, action: str, data: dict[str, Any]) -> None:
    if action == "member":
        units_bodies.paying_body_member_add(
            actor=request.user, body_id=pk, account_number=data["account"], start=data["start"]
        )
        messages.success(request, "Imóvel centralizado no órgão.")
    elif action == "invoice":
        invoice = units_bodies.centralized_invoice_issue(
            actor=request.user, body_id=pk, reference=data["reference"], due_date=data["due_date"]
        )
        messages.success(request, f"Fatura centralizada de {invoice.reference:%m/%Y} emitida.")
    elif action == "due":
        invoice_id = request.POST.get("invoice", "")
        if (
            not invoice_id.isdigit()
            or not CentralizedInvoice.objects.filter(pk=invoice_id, body_id=pk).exists()
        ):
            raise Http404
        units_bodies.centralized_invoice_due_date_change(
            actor=request.user,
            invoice_id=int(invoice_id),
            due_date=data["due_date"],
            annotation=data["annotation"],
        )
        messages.success(request, "Vencimento alterado: novo documento emitido.")


@function_required("service.paying_bodies")
def centralized_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = CentralizedInvoice.objects.select_related("body", "document").filter(pk=pk).first()
    if invoice is None:
        raise Http404
    detailed = request.GET.get("detalhada") == "1"
    suffix = "-detalhada" if detailed else ""
    name = f"fatura-centralizada-{invoice.body.code}-{invoice.reference:%Y-%m}{suffix}.pdf"
    return _pdf(units_pdf.centralized_pdf(invoice, detailed=detailed), name)


# --- sewer release letters -----------------------------------------------------------------------


class LetterForm(forms.Form):
    order = forms.CharField(label="OS de disponibilidade de esgoto (AAAA/NNNNNN)", max_length=12)
    deadline = forms.DateField(label="Prazo para ligar", widget=forms.DateInput(attrs={"type": "date"}))
    fine = forms.DecimalField(
        label="Multa se não ligar (R$)", max_digits=12, decimal_places=2, min_value=Decimal("0")
    )


def _order_by_label(label: str) -> ServiceOrder | None:
    year, _, number = label.strip().partition("/")
    if not (year.isdigit() and number.isdigit()):
        return None
    return ServiceOrder.objects.filter(year=int(year), number=int(number)).first()


@function_required("service.orders")
def sewer_letters_view(request: HttpRequest) -> HttpResponse:
    form = LetterForm(request.POST or None, initial={"order": request.GET.get("os", "")})
    if request.method == "POST":
        if not request.user.can("service.orders", "add"):  # type: ignore[union-attr]
            return _forbidden(request)
        if form.is_valid():
            order = _order_by_label(form.cleaned_data["order"])
            if order is None:
                form.add_error("order", "Ordem de serviço não encontrada.")
            else:
                try:
                    letter = units_letters.sewer_letter_issue(
                        actor=request.user,
                        order_id=order.pk,
                        deadline=form.cleaned_data["deadline"],
                        fine=form.cleaned_data["fine"],
                    )
                except DomainError as exc:
                    _fail(form, exc)
                else:
                    messages.success(request, f"Carta de liberação nº {letter.number} emitida.")
                    return redirect("service:sewer_letters")
    letters = SewerReleaseLetter.objects.select_related("property", "order").order_by("-number")[:200]
    return render(
        request,
        "service/units/sewer_letters.html",
        {"letters": letters, "form": form, "today": tenant_today()},
        status=400 if form.errors else 200,
    )


@function_required("service.orders")
def sewer_letter_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    letter = SewerReleaseLetter.objects.select_related("property__street", "order").filter(pk=pk).first()
    if letter is None:
        raise Http404
    return _pdf(units_pdf.sewer_letter_pdf(letter), f"carta-liberacao-esgoto-{letter.number}.pdf")


# --- order split, reconnection -------------------------------------------------------------------


@require_POST
@function_required("service.orders", "change")
def order_split_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        child = units.order_split(
            actor=request.user,
            order_id=pk,
            code=request.POST.get("code", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("service:order", pk)
    messages.success(request, f"Desdobrada: OS {child.label}; esta ordem depende dela.")
    return redirect("service:order", pk)


@require_POST
@function_required("service.orders", "add")
def reconnection_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One action from the property's screen (S10.8-01)."""
    try:
        order = units.open_reconnection_order(actor=request.user, property_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("service:desk_property", pk)
    messages.success(request, f"Religação: OS {order.label}.")
    return redirect("service:order", order.pk)
