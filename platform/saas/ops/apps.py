from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "saas.ops"
    label = "ops"
    verbose_name = "Operações do fornecedor"

    def ready(self) -> None:
        # the host cache is the control plane's (saas.middleware); a change to a tenant or a domain
        # clears it. Connected here, not in the tenants app: tenants never imports saas
        from saas.middleware import connect_cache_invalidation

        connect_cache_invalidation()

        from modules.common.audit import register_labels

        register_labels(actions={"tenant.template_apply": "Configuração do modelo importada"})
