from django.urls import path

from . import channels_views as v
from . import news_views

tickets_patterns = [
    path("emitir/<slug:unit>/", v.kiosk_view, name="kiosk"),
    path("painel/<slug:unit>/", v.panel_view, name="panel"),
    path("painel/<slug:unit>/estado", v.panel_state_view, name="panel_state"),
    path("chamar/", v.desk_call_view, name="call"),
    path("configurar/", v.tickets_settings_view, name="settings"),
    path("estatisticas/", news_views.ticket_stats_view, name="stats"),
    path("emitir/<slug:unit>/pulso", v.kiosk_pulse_view, name="kiosk_pulse"),
]

cti_patterns = [
    path("", v.cti_console_view, name="console"),
    path("chamada/", v.cti_call_view, name="call"),
    path("monitor/", v.cti_monitor_view, name="monitor"),
    path("faltas-de-agua/", v.outages_view, name="outages"),
    path("campanhas/", v.campaigns_view, name="campaigns"),
    path("configurar/", v.channel_settings_view, name="settings"),
]

news_patterns = [
    path("", news_views.news_view, name="list"),
]
