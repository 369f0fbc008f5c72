"""`roundtable overlaps list|matrix|refresh`."""

import pytest
from django.core.management import CommandError, call_command

from roundtable.ecosystem.actions import ensure_our_organization
from tests.ecosystem.factories import make_partner
from tests.sharing.factories import OUR_ROWS, THEIR_ROWS, import_rows

pytestmark = pytest.mark.django_db


def test_list_matrix_and_refresh(cast, capsys):
    partner = make_partner(cast.acme, "Partner Agency", "partner-agency.example")
    import_rows(cast.acme, ensure_our_organization(cast.acme), OUR_ROWS)
    import_rows(cast.acme, partner, THEIR_ROWS)

    call_command("overlaps", "list", "--workspace", "acme")
    listed = capsys.readouterr().out
    call_command("overlaps", "matrix", str(partner.uuid), "--workspace", "acme", "--format", "csv")
    matrix = capsys.readouterr().out
    call_command("overlaps", "refresh", "--workspace", "acme")

    assert "Partner Agency" in listed
    assert str(partner.uuid) in listed
    assert "customers in common" in listed.splitlines()[0]
    partner_line = next(line for line in listed.splitlines() if "Partner Agency" in line)
    assert partner_line.split()[-4:-1] == ["1", "1", "5,000"]
    assert matrix.splitlines()[0] == "our population,Customers,Prospects,Open opportunities"
    assert matrix.splitlines()[1] == "Customers,1,0,0"
    assert "Partner Agency: 18 cells" in capsys.readouterr().err
    with pytest.raises(CommandError, match="No partner or connection"):
        call_command("overlaps", "matrix", "not-a-uuid", "--workspace", "acme")
