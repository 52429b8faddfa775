from django.urls import path

from . import views

app_name = "configuration"

urlpatterns = [
    path("", views.document_view, name="document"),
    path("configuracao.json", views.document_download_view, name="document_download"),
]
