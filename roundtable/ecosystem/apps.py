from django.apps import AppConfig


class EcosystemConfig(AppConfig):
    name = "roundtable.ecosystem"
    label = "ecosystem"
    verbose_name = "Ecosystem"

    def ready(self) -> None:
        from roundtable.ecosystem import (  # noqa: F401  (connect signals, register import kinds)
            importers,
            receivers,
        )
