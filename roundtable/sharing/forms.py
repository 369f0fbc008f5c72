from django import forms

from roundtable.mapping.models import AccountStatus


class PopulationForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="e.g. EMEA customers over 50k")
    status = forms.ChoiceField(choices=[("", "Any status"), *AccountStatus.choices], required=False)
    countries = forms.CharField(
        max_length=400, required=False, help_text="ISO codes, comma-separated: DE, FR, GB"
    )
    industry = forms.CharField(max_length=120, required=False, help_text="contains, any case")
    min_amount = forms.CharField(
        max_length=30, required=False, label="Amount at least", help_text="e.g. 50000"
    )


class PrivateFilterForm(forms.Form):
    q = forms.CharField(max_length=200, required=False, label="Name or domain")
    owner = forms.UUIDField(required=False)
    status = forms.ChoiceField(choices=[("", "Any"), *AccountStatus.choices], required=False)
    country = forms.CharField(max_length=2, required=False)
    private = forms.ChoiceField(
        choices=[("", "Any"), ("yes", "Private"), ("no", "Not private")], required=False
    )


class RequestForm(forms.Form):
    domain = forms.CharField(
        max_length=253, label="Their website domain", help_text="e.g. acme.com"
    )
    message = forms.CharField(max_length=500, required=False, label="Message (optional)")


class MinCountForm(forms.Form):
    min_count = forms.IntegerField(
        min_value=1, max_value=100, label="Show counts below this as “fewer than N”"
    )
