"""Staff pages under /atendimento/ (namespace "desk"): the protocol desk, which lives in
modules/service (ADR 0181), and the agency settings screen, which is the agency's."""

from django.urls import path

from modules.service.urls_desk import protocol_patterns

from . import views_desk

desk_patterns = [
    *protocol_patterns,
    path("agencia-virtual/", views_desk.settings_view, name="settings"),
]
