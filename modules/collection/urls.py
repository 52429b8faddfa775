"""Staff pages of collection (arrecadação)."""

from django.urls import path

from . import settings_views, views

app_name = "collection"

urlpatterns = [
    path("pagamentos/", views.payments_view, name="payments"),
    path("pagamentos/<int:pk>/", views.payment_view, name="payment"),
    path("revisao/", views.review_view, name="review"),
    path("revisao/<int:pk>/", views.review_resolve_view, name="review_resolve"),
    path("retornos/", views.return_files_view, name="return_files"),
    path("configuracoes/agentes/", settings_views.agents_view, name="settings_agents"),
    path("configuracoes/agentes/novo/", settings_views.agent_create_view, name="settings_agent_create"),
    path("configuracoes/agentes/<int:pk>/", settings_views.agent_edit_view, name="settings_agent"),
    path("configuracoes/indices/", settings_views.indexes_view, name="settings_indexes"),
    path("configuracoes/indices/<str:code>/", settings_views.index_view, name="settings_index"),
    path("configuracoes/acrescimos/", settings_views.policies_view, name="settings_policies"),
]
