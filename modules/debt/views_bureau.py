"""Staff pages of the credit bureau listing (negativação): the policy, the listing (simulate, commit,
undo), the exchange with the bureau and its return files, and a property's records (also a panel of
the 360° property page)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from modules.access.views import function_required
from modules.common.clock import tenant_today
from modules.common.errors import DomainError
from modules.common.settings_pages import settings_page

from . import selectors_bureau, services_bureau
from .forms import BureauPolicyForm, BureauReturnForm
from .models_bureau import BureauMovement
from .selectors import property_get


def bureau_panel(prop: Any) -> tuple[str, dict[str, Any]]:
    """The 360° page's section: the property's listing records, newest first."""
    return "debt/_bureau_panel.html", {"records": selectors_bureau.property_records(prop.pk)[:5]}


def _save_policy(*, actor: Any, localities: str, **values: Any) -> Any:
    return services_bureau.bureau_policy_update(actor=actor, localities=localities, **values)


@require_http_methods(["GET", "POST"])
@function_required("debt.bureau")
def bureau_settings_view(request: HttpRequest) -> HttpResponse:
    policy = selectors_bureau.bureau_policy()
    initial = {name: getattr(policy, name) for name in selectors_bureau.POLICY_FIELDS}
    initial["localities"] = ", ".join(str(v) for v in policy.localities)
    return settings_page(
        request,
        function="debt.bureau",
        form_class=BureauPolicyForm,
        initial=initial,
        save=_save_policy,
        title="Política de negativação (SPC/Serasa)",
        saved_message="Política de negativação salva.",
        redirect_to="debt:bureau_settings",
        history_types=["debt.bureaupolicy"],
        help_text=(
            "Um imóvel é selecionado quando tem pelo menos o mínimo de faturas vencidas há o mínimo de dias, "
            "somando pelo menos o débito mínimo, dentro dos filtros marcados. Faturas parceladas, retidas ou "
            "em revisão ficam de fora. Cada lote guarda a cópia da política com que foi selecionado."
        ),
    )


def _day(raw: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError:
        return tenant_today()


@require_http_methods(["GET", "POST"])
@function_required("debt.bureau")
def bureau_listings_view(request: HttpRequest) -> HttpResponse:
    """Simulate the listing of a day (counts and amounts, nothing written), commit it, and see the
    committed listings and the movements exchanged with the bureau."""
    as_of = _day(request.POST.get("as_of") or request.GET.get("as_of"))
    if request.method == "POST":
        if not request.user.can("debt.bureau", "add"):  # type: ignore[union-attr]
            return HttpResponse(render(request, "access/forbidden.html").content, status=403)
        listing = services_bureau.bureau_listing_commit(actor=request.user, as_of=as_of)  # type: ignore[arg-type]
        messages.success(
            request,
            f"Lote {listing.pk} confirmado: {listing.count} aviso(s) prévio(s) emitido(s). As inclusões "
            "seguem ao birô quando o prazo do aviso terminar.",
        )
        return redirect("debt:bureau_listings")
    preview = selectors_bureau.bureau_preview(as_of)
    shown = preview.candidates[:50]
    accounts = selectors_bureau.account_numbers([c.property_id for c in shown])
    return render(
        request,
        "debt/bureau_listings.html",
        {
            "as_of": as_of,
            "preview": preview,
            "rows": [
                {**dataclasses.asdict(c), "account_number": accounts.get(c.property_id, "")} for c in shown
            ],
            "policy": selectors_bureau.bureau_policy(),
            "listings": selectors_bureau.listings(),
            "movements": list(BureauMovement.objects.all()[:20]),
            "can_add": request.user.can("debt.bureau", "add"),  # type: ignore[union-attr]
            "can_change": request.user.can("debt.bureau", "change"),  # type: ignore[union-attr]
            "return_form": BureauReturnForm(),
        },
    )


@require_POST
@function_required("debt.bureau", "delete")
def bureau_listing_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services_bureau.bureau_listing_undo(actor=request.user, listing_id=pk)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Lote {pk} desfeito: os avisos que ele emitiu foram removidos.")
    return redirect("debt:bureau_listings")


@require_POST
@function_required("debt.bureau", "change")
def bureau_run_view(request: HttpRequest) -> HttpResponse:
    result = services_bureau.bureau_run(actor=request.user, as_of=tenant_today())  # type: ignore[arg-type]
    if result.get("error"):
        messages.error(request, f"Movimento gerado, envio pendente: {result['error']}")
    elif result["movement"] is None and not result.get("returned"):
        messages.info(request, "Nada a enviar ao birô hoje.")
    else:
        messages.success(request, "Troca com o birô concluída: movimento enviado e retornos processados.")
    return redirect("debt:bureau_listings")


@require_POST
@function_required("debt.bureau", "change")
def bureau_return_view(request: HttpRequest) -> HttpResponse:
    form = BureauReturnForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Escolha o arquivo de retorno.")
        return redirect("debt:bureau_listings")
    try:
        content = form.cleaned_data["file"].read().decode("utf-8")
        movement = services_bureau.bureau_return_process(actor=request.user, content=content)  # type: ignore[arg-type]
    except UnicodeDecodeError:
        messages.error(request, "O arquivo de retorno deve estar em UTF-8.")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Retorno do movimento {movement.pk} processado.")
    return redirect("debt:bureau_listings")


@function_required("debt.bureau")
def bureau_property_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A property's records with every line sent and the bureau's answer, and the audit trail."""
    prop = property_get(pk)
    return render(
        request,
        "debt/bureau_property.html",
        {
            "p": prop,
            "records": selectors_bureau.property_records(pk),
            "history": selectors_bureau.property_bureau_history(pk),
            "heading": "Negativação do imóvel",
            "tab": "bureau",
        },
    )
