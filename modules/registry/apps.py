from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "modules.registry"
    label = "registry"
    verbose_name = "Cadastro"

    def ready(self) -> None:
        from modules.access.functions import Function, register

        register(
            Function("registry.customers", "Clientes", "Cadastro"),
            Function("registry.properties", "Imóveis e ligações", "Cadastro"),
            Function("registry.economies", "Alterar economias", "Cadastro"),
            Function("registry.reference", "Tabelas do cadastro", "Cadastro"),
            Function("registry.import", "Importação de cadastro legado", "Cadastro"),
        )
