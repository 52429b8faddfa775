from django.urls import path

from . import apis

urlpatterns = [
    path("settings/export", apis.SettingsExportApi.as_view(), name="api-settings-export"),
    path("settings/import", apis.SettingsImportApi.as_view(), name="api-settings-import"),
]
