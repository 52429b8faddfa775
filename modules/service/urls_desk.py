"""The protocol desk's pages under /atendimento/ (namespace "desk", mounted with the agency settings
page by portal/urls_desk.py so the URLs users know stay the same)."""

from django.urls import path

from . import protocol_views

protocol_patterns = [
    path("protocolos/", protocol_views.requests_view, name="requests"),
    path("protocolos/balcao/", protocol_views.counter_request_view, name="request_new"),
    path("protocolos/<str:protocol>/", protocol_views.request_view, name="request"),
    path(
        "protocolos/<str:protocol>/anexos/<int:attachment_id>/",
        protocol_views.attachment_view,
        name="attachment",
    ),
    path(
        "protocolos/<str:protocol>/<slug:action>/", protocol_views.request_action_view, name="request_action"
    ),
]
