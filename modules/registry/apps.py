from django.apps import AppConfig

VERBS = {
    "create": "cadastrad",
    "update": "alterad",
    "deactivate": "desativad",
    "reactivate": "reativad",
    "remove": "removid",
}


def reference_action_labels() -> dict[str, str]:
    """ "Localidade cadastrada", "Setor alterado" … for every action of every reference table."""
    from .tables import TABLES

    labels = {"registry.route_reorder": "Ordem das rotas alterada"}
    for table in TABLES.values():
        for verb, stem in VERBS.items():
            ending = "a" if table.feminine else "o"
            labels[f"{table.action}_{verb}"] = f"{table.singular.capitalize()} {stem}{ending}"
    return labels


def reference_object_labels() -> dict[str, str]:
    from .tables import TABLES

    return {table.action: table.singular.capitalize() for table in TABLES.values()}


class RegistryConfig(AppConfig):
    name = "modules.registry"
    label = "registry"
    verbose_name = "Cadastro"

    def ready(self) -> None:
        from modules.common.audit import register_labels

        register_labels(
            actions={
                "registry.customer_create": "Cliente cadastrado",
                "registry.customer_update": "Cliente alterado",
                "registry.customer_document_register": "CPF/CNPJ do cliente registrado",
                "registry.customer_document_change": "CPF/CNPJ do cliente alterado",
                "registry.property_create": "Imóvel cadastrado",
                "registry.property_update": "Imóvel alterado",
                "registry.property_economies": "Economias alteradas",
                "registry.property_status": "Situação do imóvel alterada",
                "registry.relation_start": "Vínculo de cliente iniciado",
                "registry.relation_end": "Vínculo de cliente encerrado",
                "registry.connection_create": "Ligação cadastrada",
                "registry.connection_update": "Ligação alterada",
                "registry.connection_situation": "Situação da ligação alterada",
                "registry.street_create": "Logradouro cadastrado",
                "registry.neighbourhood_create": "Bairro cadastrado",
            },
            objects={
                "registry.customer": "Cliente",
                "registry.property": "Imóvel",
                "registry.serviceconnection": "Ligação",
                "registry.propertyrelation": "Vínculo",
                "registry.street": "Logradouro",
                "registry.neighbourhood": "Bairro",
            },
        )
        register_labels(
            actions=reference_action_labels(),
            objects=reference_object_labels(),
            fields={"routes": "Ordem das rotas", "active": "Ativo"},
        )
        from modules.access.field_rights import register_fields
        from modules.access.functions import Function, register
        from modules.access.scoping import register_scope_check

        from .scopes import locality_exists, sector_exists

        # S4.1-02 (§3.3): the fields a profile may be given as its own; the rest follow the function grant
        register_fields("registry.customer", {"name": "nome do munícipe"})
        register_fields(
            "registry.property",
            {
                "street": "logradouro (roteiro)",
                "number": "número",
                "complement": "complemento de entrega",
                "status": "situação da ligação",
                "categories": "tipo de categoria",
                "economies": "número de economias",
                "route": "roteirização (rota de leitura)",
                "route_sequence": "sequência na rota",
                "billing_group": "grupo de faturamento",
            },
        )
        register_scope_check("locality", locality_exists)
        register_scope_check("sector", sector_exists)
        register(
            Function("registry.customers", "Clientes", "Cadastro"),
            Function("registry.properties", "Imóveis e ligações", "Cadastro"),
            Function("registry.economies", "Alterar economias", "Cadastro"),
            Function("registry.reference", "Tabelas do cadastro (território e logradouros)", "Cadastro"),
            Function(
                "registry.classification", "Categorias, planos de utilização, grupos e rotas", "Cadastro"
            ),
            Function("registry.import", "Importação de cadastro legado", "Cadastro"),
        )
        # rental contracts and alternative addresses (h-rental)
        register_labels(
            actions={
                "registry.rental_contract_register": "Contrato de locação registrado",
                "registry.rental_contract_end": "Contrato de locação encerrado",
                "registry.address_add": "Endereço alternativo cadastrado",
                "registry.address_change": "Endereço alternativo alterado",
                "registry.address_deactivate": "Endereço alternativo desativado",
                "registry.address_swap": "Endereço alternativo passou a principal",
            },
            objects={
                "registry.rentalcontract": "Contrato de locação",
                "registry.propertyaddress": "Endereço",
            },
            fields={
                "contract": "Contrato",
                "tenant": "Inquilino",
                "documents": "Documentos conferidos",
                "ended_on": "Encerrado em",
                "address": "Endereço",
                "text": "Endereço",
                "delivery": "Entrega das faturas",
            },
        )
        from .panels import register_panel
        from .views_rental import rental_panel

        register_panel(rental_panel)
        _location_labels()


def _location_labels() -> None:
    """Audit labels of the location changes (h-location), registered by `ready`."""
    from modules.common.audit import register_labels

    register_labels(
        actions={
            "registry.property_location": "Localização do imóvel alterada",
            "registry.route_resequence": "Rota re-sequenciada pela quadra e lote",
        }
    )
