"""One filter for the pair list: the page, its htmx fragment, the API and the CSV export."""

from django import forms

METHOD_CHOICES = [("", "All methods"), ("domain", "Domain"), ("name", "Name"),
                  ("fuzzy", "Fuzzy"), ("confirmed", "Confirmed")]  # fmt: skip


class PairFilterForm(forms.Form):
    """One filter for the pair list page, its htmx fragment, the API and the CSV export."""

    method = forms.ChoiceField(required=False, choices=METHOD_CHOICES)

    def apply(self, pairs):
        if self.is_valid() and self.cleaned_data["method"]:
            return pairs.filter(method=self.cleaned_data["method"])
        return pairs
