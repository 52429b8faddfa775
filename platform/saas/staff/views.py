from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from modules.common.models import AuditEntry


@login_required
def home(request: HttpRequest) -> HttpResponse:
    recent = AuditEntry.objects.filter(actor_id=request.user.pk).order_by("-at")[:8]
    return render(request, "staff/home.html", {"recent": recent})
