"""Staff pages of debt, and the public certificate verification page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from modules.access.views import function_required
from modules.collection.models import PaymentDocument
from modules.common.errors import DomainError

from . import pdf, services
from .models import Certificate


def verify_view(request: HttpRequest) -> HttpResponse:
    """Public: anyone holding a code sees exactly what the certificate states, nothing more."""
    code = request.GET.get("codigo", "").strip()
    certificate, error = None, ""
    if code:
        try:
            certificate = services.certificate_verify(code)
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "debt/verify.html",
        {"code": code, "certificate": certificate, "error": error},
        status=404 if error else 200,
    )


@function_required("debt.certificates")
def certificate_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(Certificate, pk=pk)
    return HttpResponse(pdf.certificate_pdf(certificate), content_type="application/pdf")


@function_required("debt.position")
def statement_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(PaymentDocument, pk=pk)
    return HttpResponse(pdf.statement_pdf(document), content_type="application/pdf")
