from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "roundtable.imports"
    label = "imports"
    verbose_name = "Imports"
