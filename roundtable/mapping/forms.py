from django import forms

from roundtable.ecosystem.models import Organization
from roundtable.mapping.models import AccountStatus

POPULATIONS = [("", "All accounts"), *AccountStatus.choices]


class FilesForm(forms.Form):
    left = forms.FileField(label="Your export (left)", help_text="HubSpot, Salesforce or plain CSV")
    right = forms.FileField(label="Their export (right)")
    fuzzy = forms.BooleanField(
        required=False, initial=True, label="Also match similar names (lower confidence)"
    )


class AccountSetsForm(forms.Form):
    left_owner = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label="Left: accounts of"
    )
    left_status = forms.ChoiceField(choices=POPULATIONS, required=False, label="population")
    right_owner = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label="Right: accounts of"
    )
    right_status = forms.ChoiceField(choices=POPULATIONS, required=False, label="population")
    fuzzy = forms.BooleanField(required=False, initial=True, label="Also match similar names")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owners = Organization.objects.filter(accounts__isnull=False).distinct().order_by("name")
        self.fields["left_owner"].queryset = owners
        self.fields["right_owner"].queryset = owners
        self.fields["left_owner"].to_field_name = "uuid"
        self.fields["right_owner"].to_field_name = "uuid"


class AliasForm(forms.Form):
    alias = forms.CharField(max_length=500, label="Alias domain", help_text="e.g. acme-corp.de")
    domain = forms.CharField(max_length=500, label="is the company at", help_text="e.g. acme.com")
