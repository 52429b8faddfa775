"""Staff page of the legacy registry import: upload the files, read the reconciliation."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from modules.access.views import function_required
from modules.common.clock import tenant_today

from .forms import ImportForm
from .services.files import import_directory_files


@function_required("registry.import", "add")
def import_view(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    reports = None
    if request.method == "POST" and form.is_valid():
        files = {name: f.read() for name, f in form.cleaned_data.items() if f}
        if not files:
            form.add_error(None, "Envie ao menos um arquivo.")
        else:
            reports = import_directory_files(actor=request.user, files=files, today=tenant_today())
    return render(request, "legacy/import.html", {"form": form, "reports": reports})
