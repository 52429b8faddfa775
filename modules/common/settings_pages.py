"""The one shape of a settings page for a utility's single-row settings (billing, debt, …): the
function's view grant shows the form (disabled without the change grant), the change grant saves it
through the module's named service, and the page lists who changed what and when (the audit rows).

A module's view is a few lines: it names its form, its service and its audit object type."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render

from .errors import DomainError
from .selectors import change_history


def settings_page(
    request: HttpRequest,
    *,
    function: str,
    form_class: type[forms.BaseForm],
    initial: Mapping[str, Any] | None = None,
    instance: Any = None,
    save: Callable[..., Any],
    title: str,
    saved_message: str,
    redirect_to: str,
    history_types: Iterable[str],
    help_text: str = "",
    template: str = "common/settings_page.html",
    extra: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """Render and save a settings form; `save(actor=user, **cleaned_data)` is the module's service,
    whose DomainError lands on its field (or on the form when it names none)."""
    can_change = request.user.can(function, "change")
    if request.method == "POST" and not can_change:
        return HttpResponseForbidden(render(request, "access/forbidden.html").content)
    kwargs: dict[str, Any] = {"data": request.POST or None}
    if instance is not None:
        kwargs["instance"] = instance
    else:
        kwargs["initial"] = dict(initial or {})
    form = form_class(**kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            save(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, saved_message)
            return redirect(redirect_to)
    if not can_change:
        for field in form.fields.values():
            field.disabled = True
    context = {
        "form": form,
        "can_change": can_change,
        "title": title,
        "help_text": help_text,
        "history": change_history(object_types=history_types),
        **(extra or {}),
    }
    return render(request, template, context, status=400 if request.method == "POST" else 200)
