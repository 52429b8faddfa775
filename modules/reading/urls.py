from django.urls import path

from . import views

app_name = "reading"

urlpatterns = [
    path("analise/", views.review_view, name="review"),
    path("importar/", views.import_view, name="import"),
    path("cronograma/", views.schedule_view, name="schedule"),
]
