"""OpenAPI description of the citizen token, for drf-spectacular."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class CitizenTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[misc]
    target_class = "portal.apis.base.CitizenTokenAuthentication"
    name = "citizenBearerAuth"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Token do cidadão, de POST /agencia/api/v1/auth/token (vale 30 minutos)",
        }
