from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "roundtable.workspaces"
    label = "workspaces"
    verbose_name = "Workspaces"

    def ready(self) -> None:
        from roundtable.workspaces import receivers  # noqa: F401  (connects the audit signals)
