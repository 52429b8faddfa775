"""Sign-in (VA-06) and sign-out of the agency and the totem, and the signed-in citizen's start page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from modules.common.errors import DomainError
from modules.common.forms import form_error
from modules.common.http import client_ip

from .. import domain
from ..auth import (
    DocumentNotRegistered,
    SignInFailed,
    SignInThrottled,
    citizen_sign_in,
    session_end,
    session_start,
)
from ..forms import SignInForm
from ..models import AgencySettings
from .base import citizen_required, is_totem, page_url, render_page
from .channels import document_alert_context


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    agency = AgencySettings.current()
    request.agency = agency  # type: ignore[attr-defined]
    needs_document = agency.sign_in_mode == domain.SignInMode.ACCOUNT_CHECK_DIGIT_AND_DOCUMENT
    form = SignInForm(request.POST or None, needs_document=needs_document)
    status = 200
    document_alert = None
    if request.method == "POST" and form.is_valid():
        try:
            grant = citizen_sign_in(
                account=form.cleaned_data["account"],
                document=form.cleaned_data.get("document", ""),
                ip=client_ip(request),
                channel="totem" if is_totem(request) else "web",
            )
        except SignInThrottled as exc:
            form.add_error(None, exc.message)
            status = 429
        except SignInFailed as exc:
            form.add_error(None, exc.message)
            status = 400
        except DocumentNotRegistered as exc:  # VA-07: no session, the way to get it registered instead
            document_alert = document_alert_context(request, agency, exc)
            status = exc.status
        except DomainError as exc:
            form_error(form, exc)
            status = 400
        else:
            session_start(request, grant)
            return redirect(page_url(request, "property_home", grant.signed_property_id))
    elif request.method == "POST":
        status = 400
    return render_page(
        request,
        "portal/sign_in.html",
        {
            "form": form,
            "needs_document": needs_document,
            "service_types": domain.SERVICE_REQUEST_TYPES[:5],
            "document_alert": document_alert,
        },
        status=status,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    session_end(request)
    if request.POST.get("reason") == "idle":
        messages.info(request, "Sua sessão foi encerrada por inatividade.")
    else:
        messages.success(request, "Você saiu da agência virtual.")
    return redirect(page_url(request, "sign_in"))


@require_GET
@citizen_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect(page_url(request, "property_home", request.grant.signed_property_id))  # type: ignore[attr-defined]
