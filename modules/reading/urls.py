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

# reading in the field: batches, readers and devices, the live monitor (ADR 0200)
from . import batches_views  # noqa: E402

urlpatterns += [
    path("cargas/", batches_views.batches_view, name="batches"),
    path("cargas/<int:pk>/", batches_views.batch_view, name="batch"),
    path(
        "cargas/<int:pk>/rotas/<int:route>/arquivo/", batches_views.collector_file_view, name="collector_file"
    ),
    path("leituristas/", batches_views.readers_view, name="readers"),
    path("acompanhamento/", batches_views.monitor_view, name="monitor"),
    path("ocorrencias/", batches_views.occurrences_view, name="occurrences"),
]

# the routes' reading order (seed 001 3.2.4.1/.3/.10/.11)
from . import routes_views  # noqa: E402

urlpatterns += [
    path("roteiros/", routes_views.routes_view, name="routes"),
    path("roteiros/<int:pk>/", routes_views.route_view, name="route"),
]

# the reader's phone app (h-reader, ADR 0227)
from . import reader_views  # noqa: E402

urlpatterns += [
    path("app/", reader_views.reader_app_view, name="reader_app"),
    path("app/sw.js", reader_views.reader_service_worker_view, name="reader_service_worker"),
    path("app/manifest.webmanifest", reader_views.reader_manifest_view, name="reader_manifest"),
]

# the legacy system's occurrences and reading history (S12.8-01)
from . import legacy_views  # noqa: E402

urlpatterns += [path("legado/", legacy_views.legacy_import_view, name="legacy_import")]
