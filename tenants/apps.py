from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Concessionárias"

    def ready(self) -> None:
        from saas.middleware import connect_cache_invalidation

        connect_cache_invalidation()
