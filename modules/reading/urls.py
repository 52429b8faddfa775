from django.urls import path

from . import views

app_name = "reading"

urlpatterns = [
    path("analise/", views.review_view, name="review"),
    path("importar/", views.import_view, name="import"),
    path("cronograma/", views.schedule_view, name="schedule"),
    path("cronograma/<int:pk>/ajustar/", views.schedule_adjust_view, name="schedule_adjust"),
    path("cronograma/configuracao/", views.schedule_settings_list_view, name="schedule_settings"),
    path("cronograma/configuracao/<int:code>/", views.schedule_settings_view, name="schedule_settings_group"),
    path("regulamento/", views.regulation_view, name="regulation"),
]
