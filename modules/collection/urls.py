"""Staff pages of collection (arrecadação)."""

from django.urls import path

from . import views

app_name = "collection"

urlpatterns = [
    path("pagamentos/", views.payments_view, name="payments"),
    path("pagamentos/<int:pk>/", views.payment_view, name="payment"),
    path("revisao/", views.review_view, name="review"),
    path("revisao/<int:pk>/", views.review_resolve_view, name="review_resolve"),
    path("retornos/", views.return_files_view, name="return_files"),
]
