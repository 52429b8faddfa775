"""Staff pages of the agency under /atendimento/ (namespace "desk"): protocols and settings."""

from django.urls import path

from . import views_desk

desk_patterns = [
    path("protocolos/", views_desk.requests_view, name="requests"),
    path("protocolos/balcao/", views_desk.counter_request_view, name="request_new"),
    path("protocolos/<str:protocol>/", views_desk.request_view, name="request"),
    path(
        "protocolos/<str:protocol>/anexos/<int:attachment_id>/",
        views_desk.attachment_view,
        name="attachment",
    ),
    path("protocolos/<str:protocol>/<slug:action>/", views_desk.request_action_view, name="request_action"),
    path("agencia-virtual/", views_desk.settings_view, name="settings"),
]
