from django import forms

from roundtable.imports.kinds import KINDS


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="The rows are")
    file = forms.FileField(label="CSV file", help_text="HubSpot, Salesforce or any CSV export")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.name, k.label) for k in KINDS.values()]


class MappingForm(forms.Form):
    """One select per field of the kind: which column of the file holds it."""

    def __init__(self, *args, kind, headers: list[str], mapping: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "— not in this file —")] + [(h, h) for h in headers if h]
        for spec in kind.fields:
            self.fields[spec.name] = forms.ChoiceField(
                label=spec.label + (" *" if spec.required else ""),
                choices=choices,
                required=False,
                initial=mapping.get(spec.name, ""),
                help_text=spec.help,
            )

    def chosen(self) -> dict[str, str]:
        return dict(self.cleaned_data)
