"""schemathesis reads our OpenAPI document and throws generated requests at every operation:
each answer must be one the document declares, and never a 500."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import status_code_conformance

from roundtable.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def token(cast):
    from roundtable.workspaces import actions

    return actions.create_api_token(cast.acme, user=cast.alice, name="schemathesis").secret


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_as_documented(case, token):
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500
    case.validate_response(response, checks=[status_code_conformance])
