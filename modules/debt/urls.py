from django.urls import path

from . import views

app_name = "debt"

urlpatterns = [
    path("certidoes/<int:pk>.pdf", views.certificate_pdf_view, name="certificate_pdf"),
    path("documentos/<int:pk>.pdf", views.statement_pdf_view, name="statement_pdf"),
]
