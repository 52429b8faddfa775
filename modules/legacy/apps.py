from django.apps import AppConfig


class LegacyConfig(AppConfig):
    """Imports from legacy systems (today the registry's CSV files). No models: it writes through the
    modules below it. The staff function it answers to, "registry.import", stays in the registry's
    catalogue (the Cadastro menu)."""

    name = "modules.legacy"
    label = "legacy"
    verbose_name = "Importação de sistemas legados"
