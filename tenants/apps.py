from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Concessionárias"

    def ready(self) -> None:
        from modules.common.audit import register_labels

        register_labels(
            actions={
                "tenant.admin_create": "Administrador da concessionária criado",
                "tenant.provision_retry": "Implantação retomada",
            }
        )
