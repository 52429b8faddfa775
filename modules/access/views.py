"""Staff pages of access control: sign-in, own password, second factor, users, profiles, policy, audit."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from modules.common.audit_chain import audit_chain_verify
from modules.common.clock import current_tenant, tenant_zone
from modules.common.csv_export import csv_response
from modules.common.errors import DomainError
from modules.common.http import client_ip
from modules.common.models import AuditEntry
from modules.common.templatetags.audit_labels import action_label, object_label

from . import selectors
from .errors import AuthFailed
from .forms import (
    AuditFilterForm,
    CopyUserForm,
    LoginForm,
    PasswordChangeForm,
    PolicyForm,
    ProfileForm,
    TotpConfirmForm,
    UserForm,
)
from .functions import ACTION_LABELS, ACTIONS, CATALOGUE
from .models import PasswordPolicy, Profile, User
from .services.passwords import password_change
from .services.policy import policy_update
from .services.profiles import profile_save
from .services.second_factor import totp_begin, totp_confirm, totp_disable, totp_provisioning_uri
from .services.sign_in import access_denied_record, auth_authenticate, user_logout_record
from .services.users import (
    access_windows_set,
    user_copy,
    user_create,
    user_edit_allowed,
    user_reset_password,
    user_set_active,
    user_unlock,
    user_update,
)

PAGE_SIZES = (10, 25, 50, 100)


def function_required(function: str, action: str = "view") -> Callable[..., Any]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.can(function, action):  # type: ignore[union-attr]
                access_denied_record(user=request.user, function=function, action=action, path=request.path)
                return HttpResponseForbidden(render(request, "access/forbidden.html").content)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def page_of(request: HttpRequest, items: Any) -> tuple[Any, int]:
    try:
        size = int(request.GET.get("page_size", 25))
    except ValueError:
        size = 25
    size = size if size in PAGE_SIZES else 25
    return Paginator(items, size).get_page(request.GET.get("page")), size


def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("home")
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = auth_authenticate(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                otp=form.cleaned_data.get("otp", ""),
                ip=client_ip(request) or None,
            )
        except AuthFailed as exc:
            form.add_error(None, exc.message)
            status = exc.status  # 401, or 429 past the sign-in limits
        else:
            login(request, user, backend="modules.access.backends.PolicyBackend")
            request.session["last_activity"] = time.time()
            return redirect(next_url)
    return render(request, "access/login.html", {"form": form, "next": next_url}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        user_logout_record(user=request.user)
    logout(request)
    messages.info(request, "Você saiu do sistema.")
    return redirect("access:login")


@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    policy = PasswordPolicy.current()
    if request.method == "POST" and form.is_valid():
        try:
            password_change(
                user=request.user,
                current=form.cleaned_data["current_password"],  # type: ignore[arg-type]
                new=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
            messages.success(request, "Senha alterada com sucesso.")
            return redirect("home")
    return render(request, "access/password_change.html", {"form": form, "policy": policy})


@login_required
def totp_setup_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "disable":
        totp_disable(actor=user, user=user)
        messages.success(request, "Segundo fator desativado.")
        return redirect("access:totp")
    if request.method == "POST" and request.POST.get("action") == "begin":
        totp_begin(user=user)
        return redirect("access:totp")
    if request.method == "POST" and form.is_valid():
        try:
            totp_confirm(user=user, code=form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error("code", exc.message)
        else:
            messages.success(request, "Segundo fator ativado.")
            return redirect("home")
    qr_svg = ""
    if user.totp_secret and not user.totp_enabled:
        issuer = getattr(current_tenant(), "name", "Manancial")
        qr_svg = segno.make(totp_provisioning_uri(user, issuer)).svg_inline(scale=4)
    return render(request, "access/totp.html", {"form": form, "qr_svg": qr_svg, "secret": user.totp_secret})


@function_required("access.users")
def users_view(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        if not actor.is_admin:
            return HttpResponseForbidden(render(request, "access/forbidden.html").content)
        ids = [int(i) for i in request.POST.getlist("users") if i.isdigit()]
        active = request.POST.get("action") == "enable"
        try:
            changed = user_set_active(actor=actor, users=User.objects.filter(pk__in=ids), active=active)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, f"{changed} usuário(s) {'habilitado(s)' if active else 'desabilitado(s)'}."
            )
        return redirect(request.get_full_path())
    active_param = request.GET.get("active")
    qs = selectors.user_list(
        active=None if not active_param else active_param == "1", text=request.GET.get("q", "")
    )
    page, size = page_of(request, qs)
    return render(request, "access/users.html", {"page": page, "page_size": size, "page_sizes": PAGE_SIZES})


@function_required("access.users", "add")
def user_create_view(request: HttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, secret = user_create(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],  # type: ignore[arg-type]
                email=data["email"],
                is_admin=data["is_admin"],
                profiles=data["profiles"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                f"Usuário {user.username} criado. Senha provisória: {secret} "
                "(será exigida a troca no primeiro acesso).",
            )
            return redirect("access:user_edit", user.pk)
    return render(request, "access/user_form.html", {"form": form, "creating": True})


@function_required("access.users", "change")
def user_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    actor: User = request.user  # type: ignore[assignment]
    initial = {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "is_admin": user.is_admin,
        "profiles": user.profiles.all(),
        "password_expiry_days": user.password_expiry_days,
    }
    form = UserForm(request.POST or None, initial=initial)
    form.fields["username"].disabled = True
    if not user_edit_allowed(actor, privileged=True):
        # the same rule as the service: profiles and the administrator flag are an administrator's
        for name in ("is_admin", "profiles"):
            form.fields[name].disabled = True
            form.fields[name].help_text = "Somente administradores alteram este campo."
    action = request.POST.get("action", "save")
    try:
        if request.method == "POST" and action == "reset":
            secret = user_reset_password(actor=actor, user=user)
            messages.success(request, f"Nova senha provisória de {user.username}: {secret}")
            return redirect("access:user_edit", pk)
        if request.method == "POST" and action == "unlock":
            user_unlock(actor=actor, user=user)
            messages.success(request, "Usuário desbloqueado.")
            return redirect("access:user_edit", pk)
        if request.method == "POST" and action == "windows":
            windows = []
            for day in range(7):
                start, end = request.POST.get(f"start_{day}"), request.POST.get(f"end_{day}")
                if start and end:
                    windows.append((day, dt.time.fromisoformat(start), dt.time.fromisoformat(end)))
            access_windows_set(actor=actor, user=user, windows=windows)
            messages.success(request, "Horários de acesso atualizados.")
            return redirect("access:user_edit", pk)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            user_update(
                actor=actor,
                user=user,
                full_name=data["full_name"],
                email=data["email"],
                is_admin=data["is_admin"],
                profiles=data["profiles"],
                password_expiry_days=data["password_expiry_days"] or 0,
            )
            messages.success(request, "Usuário atualizado.")
            return redirect("access:user_edit", pk)
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "Horário inválido."))
    windows = {w.weekday: w for w in user.access_windows.all()}
    days = [
        (i, name, windows.get(i))
        for i, name in enumerate(["Segunda", "Terça", "Quarta", "Quinta", "Sexta", "Sábado", "Domingo"])
    ]
    attempts = user.loginattempt_set.order_by("-at")[:10]
    history = selectors.audit_search(object_type="access.user", object_id=str(user.pk))[:20]
    return render(
        request,
        "access/user_form.html",
        {
            "form": form,
            "target": user,
            "days": days,
            "attempts": attempts,
            "history": history,
            "locked": bool(user.locked_until and user.locked_until > timezone.now()),
        },
    )


@function_required("access.users", "add")
def user_copy_view(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(User, pk=pk)
    form = CopyUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, secret = user_copy(actor=request.user, source=source, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                f"Usuário {user.username} criado a partir de {source.username}. Senha provisória: {secret}",
            )
            return redirect("access:user_edit", user.pk)
    return render(request, "access/user_copy.html", {"form": form, "source": source})


@function_required("access.profiles")
def profiles_view(request: HttpRequest) -> HttpResponse:
    return render(request, "access/profiles.html", {"profiles": Profile.objects.prefetch_related("grants")})


@function_required("access.profiles", "change")
def profile_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    profile = get_object_or_404(Profile, pk=pk) if pk else None
    initial: dict[str, Any] = {}
    if profile:
        initial = {"name": profile.name, "description": profile.description, "read_only": profile.read_only}
        for g in profile.grants.all():
            for action, flag in zip(
                ACTIONS, (g.can_view, g.can_add, g.can_change, g.can_delete), strict=True
            ):
                initial[f"g__{g.function}__{action}"] = flag
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            profile = profile_save(
                actor=request.user,
                profile=profile,
                name=form.cleaned_data["name"],  # type: ignore[arg-type]
                description=form.cleaned_data["description"],
                read_only=form.cleaned_data["read_only"],
                grants=form.grants(),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Perfil salvo.")
            return redirect("access:profiles")
    rows = [(f, [(a, ACTION_LABELS[a], form[f"g__{f.code}__{a}"]) for a in ACTIONS]) for f in CATALOGUE]
    return render(
        request,
        "access/profile_form.html",
        {"form": form, "profile": profile, "rows": rows, "labels": [ACTION_LABELS[a] for a in ACTIONS]},
    )


@function_required("access.policy", "change")
def policy_view(request: HttpRequest) -> HttpResponse:
    form = PolicyForm(request.POST or None, instance=PasswordPolicy.current())
    if request.method == "POST" and form.is_valid():
        try:
            fields = dict(form.cleaned_data.items())
            policy_update(actor=request.user, **fields)  # type: ignore[arg-type]
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Política atualizada.")
            return redirect("access:policy")
    return render(request, "access/policy.html", {"form": form})


@function_required("common.audit")
def audit_view(request: HttpRequest) -> HttpResponse:
    """Search by user, function, object, period and field changed; `?formato=csv` downloads the
    rows found; `origem=legado` searches the previous system's imported log instead."""
    form = AuditFilterForm(request.GET or None)
    legacy = False
    entries: Any = selectors.audit_search()
    if form.is_valid():
        data = form.cleaned_data
        zone = tenant_zone()
        filters = {
            "actor": data["actor"],
            "action": data["action"],
            "object_type": data["object_type"],
            "object_id": data["object_id"],
            "since": dt.datetime.combine(data["since"], dt.time.min, zone) if data["since"] else None,
            "until": dt.datetime.combine(data["until"] + dt.timedelta(days=1), dt.time.min, zone)
            if data["until"]
            else None,
        }
        legacy = data["source"] == "legado"
        entries = (
            selectors.legacy_audit_search(**filters)
            if legacy
            else selectors.audit_search(**filters, field=data["field"])
        )
    elif form.is_bound:
        entries = selectors.audit_search().none()
    if request.GET.get("formato") == "csv":
        return _audit_csv(entries, legacy=legacy)
    page, size = page_of(request, entries)
    query = request.GET.copy()
    query.pop("page", None)
    csv_query = request.GET.copy()
    csv_query["formato"] = "csv"
    return render(
        request,
        "access/audit.html",
        {
            "form": form,
            "page": page,
            "page_size": size,
            "page_sizes": PAGE_SIZES,
            "query": query.urlencode(),
            "csv_query": csv_query.urlencode(),
            "legacy": legacy,
        },
    )


def _audit_csv(entries: Any, *, legacy: bool) -> HttpResponse:
    zone = tenant_zone()
    if legacy:
        return csv_response(
            "auditoria-legado.csv",
            ["Origem", "Quando", "Usuário", "IP", "Estação", "Ação", "Objeto", "Identificador", "Detalhe"],
            (
                [
                    f"legado: {e.batch.source}",
                    e.at.astimezone(zone).strftime("%d/%m/%Y %H:%M:%S"),
                    e.actor,
                    e.ip,
                    e.workstation,
                    e.action,
                    e.object_type,
                    e.object_id,
                    e.detail,
                ]
                for e in entries.iterator(chunk_size=2000)
            ),
        )
    return csv_response(
        "auditoria.csv",
        [
            "Sequência",
            "Quando",
            "Usuário",
            "IP",
            "Estação",
            "Ação",
            "Objeto",
            "Identificador",
            "Antes",
            "Depois",
            "Motivo",
            "Hash",
        ],
        (
            [
                e.seal.seq if hasattr(e, "seal") else None,
                e.at.astimezone(zone).strftime("%d/%m/%Y %H:%M:%S"),
                e.actor,
                e.ip,
                e.workstation,
                action_label(e.action),
                object_label(e.object_type),
                e.object_id,
                json.dumps(e.before, ensure_ascii=False) if e.before is not None else "",
                json.dumps(e.after, ensure_ascii=False) if e.after is not None else "",
                e.reason,
                e.seal.row_hash if hasattr(e, "seal") else "",
            ]
            for e in entries.iterator(chunk_size=2000)
        ),
    )


@function_required("common.audit")
def audit_verify_view(request: HttpRequest) -> HttpResponse:
    """Recompute the chain on request and show the first broken row, if any."""
    report = audit_chain_verify() if request.method == "POST" else None
    entry = None
    if report is not None and report.first_break is not None and report.first_break.entry_id:
        entry = AuditEntry.objects.filter(pk=report.first_break.entry_id).first()
    return render(request, "access/audit_verify.html", {"report": report, "entry": entry})
