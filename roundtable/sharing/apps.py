from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "roundtable.sharing"
    label = "sharing"
    verbose_name = "Overlaps and sharing"

    def ready(self) -> None:
        from roundtable.sharing import receivers  # noqa: F401  (refresh overlaps after imports)
