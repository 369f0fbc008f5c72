from django.apps import AppConfig


class MappingConfig(AppConfig):
    name = "roundtable.mapping"
    label = "mapping"
    verbose_name = "Account mapping"
