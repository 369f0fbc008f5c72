from django.apps import AppConfig


class MappingConfig(AppConfig):
    name = "roundtable.mapping"
    label = "mapping"
    verbose_name = "Account mapping"

    def ready(self) -> None:
        from roundtable.ecosystem.exports import EXPORTS
        from roundtable.mapping import accounts_import  # noqa: F401  (registers the import kind)
        from roundtable.mapping.exports import AccountFilter, export_accounts

        # `roundtable export accounts`: every kind the import engine reads can be exported.
        EXPORTS["accounts"] = (AccountFilter, export_accounts)
