from django.apps import AppConfig


class MappingConfig(AppConfig):
    name = "roundtable.mapping"
    label = "mapping"
    verbose_name = "Account mapping"

    def ready(self) -> None:
        from roundtable.mapping import accounts_import  # noqa: F401  (registers the import kind)
