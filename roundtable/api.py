"""The REST API root: /api/v1/, bearer tokens, one error format, one router per app."""

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from roundtable.circles.api import router as circles_router
from roundtable.ecosystem.api import router as ecosystem_router
from roundtable.ecosystem.konnections_api import router as konnections_router
from roundtable.imports.api import router as imports_router
from roundtable.mapping.api import router as mapping_router
from roundtable.sharing.api import router as sharing_router
from roundtable.workspaces.api import router as workspaces_router


class WorkspaceToken(HttpBearer):
    """TenancyMiddleware has already checked the token and scoped the request to its workspace."""

    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        return request.api_token


api = NinjaAPI(
    title="Roundtable API",
    version="1",
    description=(
        "Partner ecosystem and Circles. Authenticate with `Authorization: Bearer <token>`; "
        "create tokens under Settings → API tokens. Every call acts in the token's workspace."
    ),
    auth=WorkspaceToken(),
    urls_namespace="api-1",
    docs_url="/docs",
)


def validation_detail(error: ValidationError) -> list[dict]:
    if hasattr(error, "error_dict"):
        return [
            {"loc": ["body", field], "msg": " ".join(messages), "type": "value_error"}
            for field, messages in error.message_dict.items()
        ]
    return [{"loc": ["body"], "msg": " ".join(error.messages), "type": "value_error"}]


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    return api.create_response(request, {"detail": validation_detail(exc)}, status=422)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    # RFC 6750: a 401 names the scheme the client should use.
    response = api.create_response(request, {"detail": "Unauthorized"}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="roundtable"'
    return response


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Not allowed."}, status=403)


api.add_router("/", workspaces_router)
api.add_router("/", ecosystem_router)
api.add_router("/", konnections_router)
api.add_router("/", imports_router)
api.add_router("/", mapping_router)
api.add_router("/", circles_router)
api.add_router("/", sharing_router)
