"""Accounts as CSV: `roundtable export accounts`, in the columns the accounts import reads back.

The columns are a contract with `roundtable import accounts` (an export re-imports cleanly, for
the same owner or another) and with users' scripts: keep them stable. Rows stream in chunks.
"""

from collections.abc import Iterator

from django import forms
from django.core.exceptions import ValidationError
from django_scopes import get_scope

from roundtable.mapping.accounts_import import find_owner
from roundtable.mapping.models import Account, AccountStatus

CHUNK = 2000
ACCOUNT_COLUMNS = [
    "name", "domain", "website", "country", "status", "salesperson", "amount", "stage",
    "industry", "employees", "external_id",
]  # fmt: skip


class AccountFilter(forms.Form):
    """Which accounts an export holds: one owner's (ours when blank), one population, one
    import source."""

    owner = forms.CharField(required=False, help_text="organization: uuid, domain or name")
    status = forms.ChoiceField(required=False, choices=[("", "All"), *AccountStatus.choices])
    source = forms.CharField(required=False, max_length=40)

    def clean_owner(self):
        # The command opens the workspace's scope before it builds the form.
        workspace = get_scope()["workspace"]
        try:
            return find_owner(workspace, self.cleaned_data["owner"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["owner"]) from None

    def accounts(self):
        data = self.cleaned_data
        accounts = Account.objects.of_owner(data["owner"]).in_population(data["status"])
        if data["source"]:
            accounts = accounts.filter(source=data["source"].strip().lower())
        return accounts


def account_rows(queryset) -> Iterator[list]:
    for account in queryset.iterator(chunk_size=CHUNK):
        yield [
            account.name,
            account.domain,
            account.website,
            account.country,
            account.status,
            account.salesperson,
            "" if account.amount is None else f"{account.amount:.2f}",
            account.stage,
            account.industry,
            "" if account.employees is None else account.employees,
            account.external_id,
        ]


def export_accounts(form: AccountFilter):
    return ACCOUNT_COLUMNS, account_rows(form.accounts().order_by("name", "id"))
