from django.apps import AppConfig


class EcosystemConfig(AppConfig):
    name = "roundtable.ecosystem"
    label = "ecosystem"
    verbose_name = "Ecosystem"

    def ready(self) -> None:
        from roundtable.ecosystem import receivers  # noqa: F401  (our own organization)
