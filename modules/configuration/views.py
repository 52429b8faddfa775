"""The staff page "Configuração como documento": download the utility's settings as one JSON file,
upload one, see its differences grouped by section, confirm to apply them all at once."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render

from modules.access.views import function_required
from modules.common.clock import current_tenant, tenant_today
from modules.common.errors import DomainError
from modules.common.selectors import change_history

from . import sections, selectors, services

FUNCTION = "configuration.document"
MAX_BYTES = 5_000_000
KIND_LABELS = {"add": "incluído", "change": "alterado", "remove": "removido"}


class UploadForm(forms.Form):
    document = forms.FileField(
        label="Documento de configuração (JSON)",
        help_text="Um arquivo baixado nesta página, desta ou de outra concessionária.",
    )


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "sim" if value else "não"
    if isinstance(value, str):
        return value or "(vazio)"
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


def _read(upload: Any) -> tuple[Any, str]:
    """The uploaded document and its text; DomainError-like problems as a pt-BR message."""
    if upload.size > MAX_BYTES:
        raise ValueError("O arquivo passa de 5 MB: não é um documento de configuração.")
    try:
        text = upload.read().decode("utf-8-sig")
        return json.loads(text), text
    except UnicodeDecodeError as exc:
        raise ValueError("O arquivo não está em UTF-8: envie o JSON baixado do Manancial.") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(f"O arquivo não é um JSON válido (linha {exc.lineno}, coluna {exc.colno}).") from exc


def _preview(result: services.ImportResult) -> list[dict[str, Any]]:
    return [
        {
            "key": key,
            "title": title,
            "changes": [
                {
                    "path": c.path,
                    "kind": c.kind,
                    "kind_label": KIND_LABELS.get(c.kind, c.kind),
                    "before": _shown(c.before),
                    "after": _shown(c.after),
                }
                for c in changes
            ],
        }
        for key, title, changes in result.by_section()
    ]


@function_required(FUNCTION)
def document_view(request: HttpRequest) -> HttpResponse:
    can_change = request.user.can(FUNCTION, "change")  # type: ignore[union-attr]
    if request.method == "POST" and not can_change:
        return HttpResponseForbidden(render(request, "access/forbidden.html").content)
    form = UploadForm()
    context: dict[str, Any] = {"can_change": can_change}
    status = 200
    if request.method == "POST" and request.POST.get("action") == "apply":
        text = request.POST.get("document_text", "")
        try:
            result = services.settings_import(
                actor=request.user,  # type: ignore[arg-type]
                document=json.loads(text),
                expected=request.POST.get("fingerprint", ""),
                origin="página Configuração como documento",
            )
        except (DomainError, json.JSONDecodeError) as exc:
            context["error"] = getattr(exc, "message", "O documento enviado não é um JSON válido.")
            context["error_field"] = getattr(exc, "field", None)
            status = 400
        else:
            n = len(result.changes)
            messages.success(
                request,
                f"Configuração importada: {n} {'alteração aplicada' if n == 1 else 'alterações aplicadas'}.",
            )
            return redirect("configuration:document")
    elif request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document, text = _read(form.cleaned_data["document"])
                result = services.settings_import(
                    actor=request.user,  # type: ignore[arg-type]
                    document=document,
                    dry_run=True,
                )
            except ValueError as exc:
                form.add_error("document", str(exc))
            except DomainError as exc:
                where = f" (em {exc.field})" if exc.field else ""
                form.add_error("document", f"{exc.message}{where}")
            else:
                context.update(
                    preview=_preview(result),
                    total=len(result.changes),
                    fingerprint=result.fingerprint,
                    document_text=text,
                    filename=form.cleaned_data["document"].name,
                )
        if form.errors:
            status = 400
    context.update(
        form=form,
        sections=[(s.key, s.title) for s in sections.all_sections()],
        history=change_history(object_types=["configuration.document"]),
    )
    return render(request, "configuration/document.html", context, status=status)


@function_required(FUNCTION)
def document_download_view(request: HttpRequest) -> HttpResponse:
    tenant = current_tenant()
    name = f"configuracao-{tenant.schema_name if tenant else 'concessionaria'}-{tenant_today():%Y-%m-%d}.json"
    body = json.dumps(selectors.document_export(), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
