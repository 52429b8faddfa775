from django.urls import path

from . import apis, apis_numbering, apis_reference, apis_rental

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
    # rental contracts and alternative addresses (h-rental)
    path(
        "properties/<int:pk>/rental-contracts",
        apis_rental.PropertyContractsApi.as_view(),
        name="api-property-rental-contracts",
    ),
    path(
        "rental-contracts/<int:pk>/end", apis_rental.ContractEndApi.as_view(), name="api-rental-contract-end"
    ),
    path(
        "properties/<int:pk>/responsible",
        apis_rental.PropertyResponsibleApi.as_view(),
        name="api-property-responsible",
    ),
    path(
        "properties/<int:pk>/addresses",
        apis_rental.PropertyAddressesApi.as_view(),
        name="api-property-addresses",
    ),
    path(
        "properties/<int:pk>/addresses/<int:address_id>",
        apis_rental.PropertyAddressApi.as_view(),
        name="api-property-address",
    ),
    path(
        "properties/<int:pk>/addresses/<int:address_id>/swap",
        apis_rental.PropertyAddressSwapApi.as_view(),
        name="api-property-address-swap",
    ),
    path(
        "properties/<int:pk>/addresses/<int:address_id>/deactivate",
        apis_rental.PropertyAddressDeactivateApi.as_view(),
        name="api-property-address-deactivate",
    ),
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
    # R-05 (ADR 0225): the matrícula's check-digit rule
    path("registry/numbering", apis_numbering.NumberingApi.as_view(), name="api-registry-numbering"),
]
