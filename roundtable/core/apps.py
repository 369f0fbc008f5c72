from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "roundtable.core"
    label = "core"
    verbose_name = "Roundtable core"

    def ready(self):
        from roundtable.core import checks  # noqa: F401  (registers the deploy checks)
