from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "modules.collection"
    label = "collection"
    verbose_name = "Arrecadação"

    def ready(self) -> None:
        from modules.access.functions import Function, register
        from modules.billing.hooks import register_item_source

        from .late_items import late_charge_items

        register(
            Function("collection.payments", "Pagamentos, baixas e estornos", "Arrecadação"),
            Function("collection.return_files", "Arquivos retorno (FEBRABAN)", "Arrecadação"),
            Function("collection.gateway", "Cobranças Pagar.me (PIX, boleto, cartão)", "Arrecadação"),
            Function("collection.settings", "Agentes, acréscimos e índices", "Arrecadação"),
        )
        register_item_source("collection.late_charge", late_charge_items)
