"""The sharing policy, as a property: for any two workspaces' accounts, populations, private
marks and sharing settings, every page and API response the receiver can reach shows (a) no
account outside the overlap, (b) no private account, (c) no hidden population, (d) no count
below the sender's minimum — read from the rendered HTML, CSV and JSON text, not from objects."""

import itertools
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roundtable.ecosystem.actions import ensure_our_organization
from roundtable.mapping.models import Account
from roundtable.sharing import actions
from roundtable.sharing.models import Connection
from tests.conftest import api_client, client_for
from tests.sharing.factories import make_workspace

pytestmark = pytest.mark.django_db

STATUSES = ["customer", "prospect", "opportunity"]
LEVELS = ["hidden", "counts", "records"]
FIELDS = ["domain", "owner", "status", "country", "industry", "amount"]
# A small universe of company keys, so that overlaps are frequent: (domain, name, country).
KEYS = [
    ("d0.example", "alpha", "US"),
    ("d1.example", "beta", ""),
    ("", "gamma", "DE"),
    ("", "gamma", "FR"),
    ("", "delta", ""),
    ("d5.example", "delta", "US"),
]

account = st.tuples(
    st.integers(0, len(KEYS) - 1), st.sampled_from(STATUSES), st.booleans(), st.integers(0, 9)
)
share = st.tuples(st.sampled_from(LEVELS), st.lists(st.sampled_from(FIELDS), unique=True))
world = st.fixed_dictionaries(
    {
        "a": st.lists(account, max_size=8),
        "b": st.lists(account, max_size=8),
        "custom": st.lists(st.sampled_from(["", *STATUSES]), max_size=2),
        "shares": st.lists(share, min_size=5, max_size=5),
        "min_count": st.integers(1, 3),
    }
)
counter = itertools.count()


def matches(a, b) -> bool:
    (ad, an, ac), (bd, bn, bc) = KEYS[a[0]], KEYS[b[0]]
    if ad and ad == bd:
        return True
    return (not ad or not bd) and an == bn and (not ac or not bc or ac == bc)


def store(workspace, rows, prefix) -> list:
    owner = ensure_our_organization(workspace)
    with scope(workspace=workspace):
        Account.objects.bulk_create(
            Account(
                workspace=workspace, owner=owner, import_key=f"{prefix}{i}",
                name=f"q{prefix}{i}z", domain=KEYS[k][0], normalized_name=KEYS[k][1],
                country_code=KEYS[k][2], status=status, private=private, amount=amount * 100,
            )
            for i, (k, status, private, amount) in enumerate(rows)
        )  # fmt: skip


def in_population(row, population) -> bool:
    return not population.status or row[1] == population.status


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=world)
def test_the_receiver_sees_only_what_the_sender_shares(cast, data):
    n = next(counter)
    a_ws, a_user = make_workspace(f"Viewer {n}", f"viewer{n}.example", f"v{n}@viewer.example")
    b_ws, b_user = make_workspace(f"Sender {n}", f"sender{n}.example", f"s{n}@sender.example")
    store(a_ws, data["a"], "a")
    store(b_ws, data["b"], "b")
    for j, status in enumerate(data["custom"]):
        actions.save_population(b_ws, name=f"popq{j}x", status=status, user=b_user)
    actions.set_min_count(b_ws, data["min_count"], user=b_user)
    connection = Connection.objects.create(
        requester=a_ws, recipient=b_ws, status="accepted",
        expires_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    b_pops = actions.our_populations(b_ws)
    shared = {}
    for population, (level, fields) in zip(b_pops, data["shares"], strict=False):
        actions.set_share(b_ws, connection, population.uuid, level, fields, user=b_user)
        if level != "hidden":
            shared[population.uuid] = population
    hidden = [p for p in b_pops if p.uuid not in shared]
    minimum = data["min_count"]

    # What the receiver can reach: the matrix as page, fragment, CSV and JSON, the lists, and
    # every cell it may open as page, CSV and JSON.
    web, api = client_for(a_user), api_client(a_user, a_ws)
    base = f"/w/{a_ws.slug}/overlaps/with/{connection.uuid}/"
    matrix_json = api.get(f"/api/v1/overlaps/{connection.uuid}").json()
    texts = {
        "page": web.get(base).content.decode(),
        "fragment": web.get(base, headers={"HX-Request": "true"}).content.decode(),
        "csv": b"".join(web.get(base + "export.csv").streaming_content).decode(),
        "json": json.dumps(matrix_json),
        "overview": web.get(f"/w/{a_ws.slug}/overlaps/").content.decode(),
        "connection": web.get(
            f"/w/{a_ws.slug}/overlaps/connections/{connection.uuid}/"
        ).content.decode(),
        "connections": api.get("/api/v1/connections").content.decode(),
    }
    for cell in matrix_json["cells"]:
        if cell["openable"]:
            part = f"{cell['ours']}/{cell['theirs']}"
            texts[f"cell {part}"] = web.get(f"{base}{part}/").content.decode()
            texts[f"cell csv {part}"] = b"".join(
                web.get(f"{base}{part}/export.csv").streaming_content
            ).decode()
            texts[f"cell json {part}"] = api.get(
                f"/api/v1/overlaps/{connection.uuid}/cells/{part}"
            ).content.decode()

    live_a = [r for r in data["a"] if not r[2]]
    live_b = [r for r in data["b"] if not r[2]]
    overlapping_b = {f"qb{i}z" for i, b in enumerate(data["b"])
                     if not b[2] and any(matches(a, b) for a in live_a)}  # fmt: skip
    overlapping_a = {f"qa{i}z" for i, a in enumerate(data["a"])
                     if not a[2] and any(matches(a, b) for b in live_b)}  # fmt: skip
    private = {f"qa{i}z" for i, a in enumerate(data["a"]) if a[2]}
    private |= {f"qb{i}z" for i, b in enumerate(data["b"]) if b[2]}
    for where, text in texts.items():
        shown = set(re.findall(r"\bq[ab]\d+z\b", text))
        # (a) no account outside the overlap, of either side.
        assert shown <= overlapping_a | overlapping_b, (where, shown)
        # (b) no private account.
        assert not shown & private, (where, shown & private)
        # (c) no hidden population, by name or uuid.
        for population in hidden:
            assert str(population.uuid) not in text, (where, population.name)
            if population.name.startswith("popq"):
                assert population.name not in text, (where, population.name)

    # (c) the columns are exactly the shared populations; (d) no count below the minimum.
    assert {c["uuid"] for c in matrix_json["columns"]} == {str(u) for u in shared}
    assert matrix_json["hidden"] == len(hidden)
    columns = re.findall(r'data-testid="column">([^<]*)', texts["page"])
    assert columns == [c["name"] for c in matrix_json["columns"]]
    cells = re.findall(r'data-testid="cell">(?:<a [^>]*>)?([^<]*)', texts["page"])
    csv_cells = [cell for line in texts["csv"].splitlines()[1:] for cell in line.split(",")[1:]]
    for text in [*cells, *csv_cells, *(c["text"] for c in matrix_json["cells"])]:
        assert text == f"fewer than {minimum}" or int(text.replace(",", "")) >= minimum, text
    rows = {r["uuid"]: r["name"] for r in matrix_json["rows"]}
    a_pops = {str(p.uuid): p for p in actions.our_populations(a_ws)}
    for cell in matrix_json["cells"]:
        population = shared[next(u for u in shared if str(u) == cell["theirs"])]
        expected = sum(
            1 for a in live_a
            if in_population(a, a_pops[cell["ours"]])
            and any(matches(a, b) for b in live_b if in_population(b, population))
        )  # fmt: skip
        if expected < minimum:
            assert cell["count"] is None, (rows[cell["ours"]], cell)
            assert not cell["openable"], (rows[cell["ours"]], cell)
        else:
            assert cell["count"] == expected, (rows[cell["ours"]], population.name, cell)
        for key, text in texts.items():
            if key.startswith("cell json") and cell["ours"] in key and cell["theirs"] in key:
                assert json.loads(text)["total"] == expected >= minimum
