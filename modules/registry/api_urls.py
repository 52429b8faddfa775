from django.urls import path

from . import apis, apis_reference

urlpatterns = [
    path("customers", apis.CustomerListCreateApi.as_view(), name="api-customers"),
    path("customers/<int:pk>", apis.CustomerDetailApi.as_view(), name="api-customer"),
    path("properties", apis.PropertyListCreateApi.as_view(), name="api-properties"),
    path("properties/<int:pk>", apis.PropertyDetailApi.as_view(), name="api-property"),
    path(
        "properties/<int:pk>/categories", apis.PropertyCategoriesApi.as_view(), name="api-property-categories"
    ),
    path("properties/<int:pk>/relations", apis.PropertyRelationApi.as_view(), name="api-property-relations"),
    path(
        "properties/<int:pk>/connections",
        apis.PropertyConnectionApi.as_view(),
        name="api-property-connections",
    ),
    path("properties/<int:pk>/history", apis.PropertyHistoryApi.as_view(), name="api-property-history"),
    path(
        "connections/<int:pk>/situation",
        apis.ConnectionSituationApi.as_view(),
        name="api-connection-situation",
    ),
    *apis_reference.urlpatterns,
]

# location (h-location): a unit's setor/quadra/lote and a route re-sequenced from them
from . import apis_location  # noqa: E402

urlpatterns += [
    path(
        "properties/<int:pk>/location",
        apis_location.PropertyLocationApi.as_view(),
        name="api-property-location",
    ),
    path(
        "routes/<int:pk>/resequence", apis_location.RouteResequenceApi.as_view(), name="api-route-resequence"
    ),
]
