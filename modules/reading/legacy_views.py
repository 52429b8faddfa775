"""Staff page of the legacy reading import (S12.8-01): the occurrence list and the reading history
with their occurrences, each file all or nothing, with the reconciliation per occurrence code."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from modules.access.views import function_required
from modules.common.clock import tenant_today

from .services.legacy import import_reading_files


class LegacyReadingsForm(forms.Form):
    occurrences = forms.FileField(label="ocorrências (occurrences.csv)", required=False)
    readings = forms.FileField(label="histórico de leituras (readings.csv)", required=False)


@function_required("registry.import", "add")
def legacy_import_view(request: HttpRequest) -> HttpResponse:
    form = LegacyReadingsForm(request.POST or None, request.FILES or None)
    reports = None
    if request.method == "POST" and form.is_valid():
        files = {name: f.read() for name, f in form.cleaned_data.items() if f}
        if not files:
            form.add_error(None, "Envie ao menos um arquivo.")
        else:
            reports = import_reading_files(actor=request.user, files=files, today=tenant_today())
    return render(request, "reading/legacy_import.html", {"form": form, "reports": reports})
