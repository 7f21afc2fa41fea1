"""The OpenAPI schema documents the error answers every operation can give (core.api.exceptions)."""

from drf_spectacular.utils import OpenApiResponse

ERROR = {
    "type": "object",
    "description": "Every error except a 400 for bad input: a sentence and a code.",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, for a person to read."},
        "code": {"type": "string", "description": "e.g. not_authenticated, not_found, throttled"},
        "retry_after": {"type": "integer", "description": "429 only: seconds to wait."},
    },
    "required": ["detail", "code"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": (
        "Bad input: each field (by its path, e.g. answers → left_out) with its messages; "
        "`non_field_errors` for the request as a whole."
    ),
    "additionalProperties": True,
}
ERROR_DESCRIPTIONS = {
    "400": ("ValidationError", "Bad input: the fields and what is wrong with them."),
    "401": ("Error", "Not signed in (no or an unknown token)."),
    "403": ("Error", "Signed in, but not allowed."),
    "404": ("Error", "Not found, not visible to the caller, or a page past the end."),
    "405": ("Error", "The method is not allowed here."),
    "409": ("Error", "The request cannot be done as things stand; `detail` says why."),
    "415": ("Error", "The body is in a form this operation does not read (send JSON)."),
    "429": ("Error", "Too many requests, or the sign-in is locked; see retry_after."),
}


def error_response(description: str) -> OpenApiResponse:
    """An error answer an operation documents beyond the ones every operation has (a 409)."""
    return OpenApiResponse(response={"$ref": "#/components/schemas/Error"}, description=description)


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: what every operation shares. The error answers,
    and optional query parameters that may be sent empty (`?kind=`): the API takes an empty
    optional parameter as not given, as a web form's empty field."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    schemas["ValidationError"] = VALIDATION_ERROR
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
            codes = ["401", "403", "405", "429"]
            if method in {"post", "put", "patch"} or operation.get("parameters"):
                codes.append("400")
            if "requestBody" in operation:
                codes.append("415")
            names = {p.get("name") for p in operation.get("parameters", [])}
            # A record that is not there, or a page past the end of a list.
            if "{" in path or "page" in names:
                codes.append("404")
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                component, description = ERROR_DESCRIPTIONS[code]
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/{component}"}
                            }
                        },
                    },
                )
    return result
