"""Isolation by construction, checked over every route: a member of Acme who asks for anything
that belongs to Globex (by workspace slug or by an object's uuid) gets 404 or 403, from every page
and every API route, by GET and by POST. New routes and new workspace-owned models are covered
without editing this file."""

import functools
import importlib
import itertools
import json
import random
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import UUIDConverter
from django_scopes import scopes_disabled

from roundtable.api import api
from roundtable.core.models import WorkspaceOwned
from roundtable.workspaces import actions
from roundtable.workspaces.choices import Role
from tests.conftest import add_member, api_client, client_for, make_user

pytestmark = pytest.mark.django_db

# Workspace objects are reached only under /w/<ws>/ and /api/. Other routes are user-level
# (allauth's account pages, the site staff's admin) or carry a secret instead of an object id
# (the links in invitation emails).
WORKSPACE_PREFIXES = ("w/", "api/")
DENIED = {403, 404}


def leaf_routes(patterns=None, prefix=""):
    """(route text, {param: converter name}) for every URL pattern, includes flattened."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from leaf_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route.lstrip("^").rstrip("$"), getattr(entry.pattern, "converters", {})


def params_of(route: str) -> list[tuple[str, str]]:
    return re.findall(r"<(?:(\w+):)?(\w+)>", route)


def fill(route: str, values: dict) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


@functools.cache
def openapi_document() -> dict:
    return api.get_openapi_schema()


def openapi_path(route: str) -> str:
    return "/" + re.sub(r"<(\w+)>", r"{\1}", route)


def api_methods(route: str) -> list[str]:
    """The methods the API documents for a path (any other answers 405 and reveals nothing)."""
    operations = openapi_document()["paths"].get(openapi_path(route), {})
    return [m for m in ("get", "post", "put", "patch", "delete") if m in operations] or ["get"]


def example_body(route: str, method: str) -> dict:
    """A body that passes the API's validation, so the handler runs as far as its lookup."""
    document = openapi_document()
    operation = document["paths"].get(openapi_path(route), {}).get(method)
    if not operation or "requestBody" not in operation:
        return {}
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    return example_of(schema, document)


def example_of(schema: dict, document: dict):
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in schema:
        return example_of(schema["allOf"][0], document)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {
            name: example_of(sub, document) for name, sub in schema.get("properties", {}).items()
        }
    examples = {"string": "someone@example.com", "integer": 1, "number": 1, "boolean": True}
    return [] if kind == "array" else examples.get(kind, "x")


def workspace_objects(workspace):
    """Every row of every workspace-owned model that belongs to `workspace`."""
    rows = []
    with scopes_disabled():
        for model in apps.get_models():
            if issubclass(model, WorkspaceOwned):
                rows.extend(model.objects.filter(workspace=workspace))
    return rows


def populate_functions():
    """Each `tests/<app>/factories.py` may define `populate_workspace(workspace, owner)` that
    creates at least one row of each of that app's workspace-owned models."""
    found = []
    for path in sorted(Path(__file__).parent.glob("*/factories.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.factories")
        if hasattr(module, "populate_workspace"):
            found.append(module.populate_workspace)
    return found


@pytest.fixture
def globex_world(cast):
    """Globex holds at least one row of every kind the app knows."""
    dave = make_user("dave@globex.example")
    add_member(cast.globex, dave, Role.SALES)
    actions.invite_teammate(
        cast.globex, email="x@globex.example", role=Role.SALES, inviter=cast.charlie
    )
    actions.create_api_token(cast.globex, user=cast.charlie, name="globex script")
    for populate in populate_functions():
        populate(cast.globex, cast.charlie)
    rows = workspace_objects(cast.globex)
    missing = [
        model.__name__
        for model in apps.get_models()
        if issubclass(model, WorkspaceOwned) and not any(isinstance(r, model) for r in rows)
    ]
    assert not missing, f"add rows of {missing} in tests/<app>/factories.py populate_workspace"
    return rows


def test_every_route_refuses_another_workspaces_objects(cast, globex_world):
    web = client_for(cast.alice)
    api = api_client(cast.alice, cast.acme)
    # One row of each model: whatever model a route's parameter names, one of these is it.
    one_per_model = {type(row): row for row in globex_world}
    foreign_uuids = [row.uuid for row in one_per_model.values()]
    checked = 0
    failures = []
    for route, converters in leaf_routes():
        if not route.startswith(WORKSPACE_PREFIXES):
            continue
        params = [name for _conv, name in params_of(route)]
        object_params = [p for p in params if p != "ws"]
        for name in object_params:
            # Pages name objects by uuid; every API path parameter names an object.
            is_object = route.startswith("api/") or isinstance(converters[name], UUIDConverter)
            assert is_object, f"{route}: is <{name}> a workspace object? Extend this test."
        if not params:
            continue
        client: Client = api if route.startswith("api/") else web
        slugs = ["globex", "acme"] if "ws" in params else [None]
        for slug in slugs:
            choices = list(itertools.product(foreign_uuids, repeat=len(object_params)))
            if slug == "globex" or len(choices) > 40:
                # Another workspace's slug fails before any object is looked up: a few combos
                # say as much as all of them; routes with two objects get a fixed sample.
                choices = random.Random(route).sample(choices, min(len(choices), 3 if slug else 40))
            for combo in choices:
                if slug == "acme" and not object_params:
                    continue  # Acme's own page without a foreign object: nothing foreign asked
                values = {"ws": slug, **dict(zip(object_params, combo, strict=True))}
                url = fill(route, values)
                methods = api_methods(route) if client is api else ("get", "post")
                for method in methods:
                    if method == "get":
                        response = client.get(url)
                    else:
                        body = example_body(route, method) if route.startswith("api/") else {}
                        response = getattr(client, method)(
                            url, json.dumps(body), content_type="application/json"
                        )
                    checked += 1
                    if response.status_code == 405:
                        continue  # the route does not answer this method: nothing revealed
                    if response.status_code not in DENIED:
                        failures.append(f"{method.upper()} {url} → {response.status_code}")
    assert not failures, "\n".join(failures)
    assert checked > 50, "the walk found too few routes: is the URL walk broken?"


def test_the_walk_sees_workspace_and_api_routes():
    routes = [route for route, _ in leaf_routes()]
    assert any(r.startswith("w/<slug:ws>/settings/teammates/<uuid:member>") for r in routes)
    assert any(r.startswith("api/v1/teammates/") for r in routes)


def test_a_member_of_one_workspace_cannot_list_anothers_teammates_by_api(cast):
    charlie_api = api_client(cast.charlie, cast.globex)
    emails = {t["email"] for t in charlie_api.get("/api/v1/teammates").json()}
    assert emails == {"charlie@globex.example"}


def test_queries_outside_a_workspace_scope_fail_closed(cast):
    from django_scopes.exceptions import ScopeError

    from roundtable.workspaces.models import Membership

    with pytest.raises(ScopeError):
        list(Membership.objects.all())


# Guests: a partner person who accepted a Circle invitation reaches that Circle and nothing else.

# The API's own documentation is public: it describes routes, not a workspace's data.
PUBLIC_DOCUMENTS = {"api/v1/openapi.json", "api/v1/docs", "api/docs"}
# (method, route) a guest may use, with their own Circle wherever the route names one.
GUEST_OPEN = {
    ("get", "w/<slug:ws>/"),  # the dashboard sends guests to their Circles
    ("get", "w/<slug:ws>/circles/"),
    ("get", "w/<slug:ws>/circles/<uuid:circle>/"),
    ("get", "w/<slug:ws>/circles/<uuid:circle>/sheet.csv"),
    ("get", "api/v1/me"),
    ("get", "api/v1/circles"),
    ("get", "api/v1/circles/<uuid>"),
    ("get", "api/v1/circles/<uuid>/members"),
}


def acme_state(workspace) -> set:
    """Every workspace-owned row as (model, id, last update), but the audit log and tokens'
    last-use stamps, which record the walk itself."""
    from roundtable.workspaces.models import ApiToken, AuditEvent

    return {
        (type(row).__name__, row.pk, row.updated_at)
        for row in workspace_objects(workspace)
        if not isinstance(row, AuditEvent | ApiToken)
    }


def guest_body(route: str, method: str) -> dict:
    """A valid JSON body, or none for operations that take files (multipart uploads)."""
    try:
        return example_body(route, method)
    except KeyError:
        return {}


def test_a_guest_of_one_circle_reaches_that_circle_and_nothing_else(cast):
    from roundtable.circles import actions as circles
    from roundtable.circles.models import Circle
    from tests.circles.factories import make_circle, make_person, member_of
    from tests.ecosystem.factories import make_partner

    for populate in populate_functions():
        populate(cast.acme, cast.alice)
    partner = make_partner(cast.acme, "Guest Partner", "guest-partner.example")
    person = make_person(cast.acme, partner, "Gus", "Guest", "gus@guest-partner.example")
    mine = make_circle(cast.acme, cast.alice, name="Gus's Circle", people=[person])
    issued = circles.invite(member_of(mine, person), inviter=cast.alice)
    gus = make_user("gus@guest-partner.example")
    circles.accept(issued.token, user=gus)
    web, api = client_for(gus), api_client(gus, cast.acme)
    # Acme's own objects: one of each model, and both the guest's Circle and another one.
    rows = workspace_objects(cast.acme)
    others = [row for row in rows if isinstance(row, Circle) and row.pk != mine.pk]
    assert others, "the Circles factory should have made a Circle the guest is not in"
    one_per_model = {type(row): row for row in rows if not isinstance(row, Circle)}
    other_uuids = [row.uuid for row in one_per_model.values()]
    before = acme_state(cast.acme)
    failures, opened, checked = [], 0, 0
    for route, _converters in leaf_routes():
        if not route.startswith(("w/", "api/")) or route in PUBLIC_DOCUMENTS:
            continue  # not a workspace page or API route (accounts, admin, emailed links)
        params = [name for _conv, name in params_of(route)]
        is_api = route.startswith("api/")
        object_params = [p for p in params if p != "ws"]
        # Both Circles always; a sample of the other objects (a page that is not theirs answers
        # a guest 404 before any lookup, whatever the object).
        sample = random.Random(route).sample(other_uuids, min(6, len(other_uuids)))
        uuids = [mine.uuid, others[0].uuid, *sample]
        choices = list(itertools.product(uuids, repeat=len(object_params)))
        if len(choices) > 12:
            choices = random.Random(route).sample(choices, 12) + [(mine.uuid,) * len(object_params)]
        client: Client = api if is_api else web
        methods = api_methods(route) if is_api else ("get", "post")
        for combo in dict.fromkeys(choices):
            values = {"ws": "acme", **dict(zip(object_params, combo, strict=True))}
            url = fill(route, values)
            own = all(value == mine.uuid for value in combo)
            for method in methods:
                if method == "get":
                    response = client.get(url)
                else:
                    body = guest_body(route, method) if is_api else {}
                    response = getattr(client, method)(
                        url, json.dumps(body), content_type="application/json"
                    )
                checked += 1
                status = response.status_code
                if (method, route) in GUEST_OPEN and own:
                    opened += 1
                    if status not in {200, 302}:
                        failures.append(f"{method.upper()} {url} → {status}, expected 200/302")
                elif status == 405:
                    continue  # the route does not answer this method: nothing revealed
                elif route == "w/<slug:ws>/" and status == 302:
                    continue  # the dashboard's redirect to the guest's Circles list
                elif status == 422 and is_api:
                    continue  # a body the schema refuses before the role check: nothing ran
                elif not is_api and status != 404:
                    # Every page but theirs answers like one that does not exist: a guest
                    # cannot tell "closed to you" from "no such thing".
                    failures.append(f"{method.upper()} {url} → {status}, expected 404")
                elif is_api and route.startswith("api/v1/circles/") and combo[0] != mine.uuid:
                    if status != 404:  # another Circle, by any API route: as if it did not exist
                        failures.append(f"{method.upper()} {url} → {status}, expected 404")
                elif status not in DENIED:
                    failures.append(f"{method.upper()} {url} → {status}")
    assert not failures, "\n".join(failures)
    assert acme_state(cast.acme) == before, "a guest's request changed the workspace"
    assert opened >= len(GUEST_OPEN), "the guest's own Circle routes were not all walked"
    assert checked > 200
