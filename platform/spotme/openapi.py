"""The OpenAPI schema tells the truth about what every endpoint can answer (drf-spectacular hooks).

Every operation can answer the API's one error shape (spotme.api.exception_handler) with 400, 401,
403, 404, 405, 409 and 429, and one that takes a body also with 415 (a media type it does not
parse); times of day are local wall-clock times (no offset), which the "time" format of OpenAPI
(RFC 3339, offset required) would wrongly promise."""

from __future__ import annotations

ERROR = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error of the API, in the user's language (Malay by default).",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, for people."},
        "code": {"type": "string", "description": "What went wrong, for programs."},
        "fields": {
            "type": "object",
            "description": "Per field (or `non_field_errors`), its messages.",
            "additionalProperties": {},
        },
    },
    "required": ["detail", "code"],
}
ERROR_STATUSES = {
    "400": "The request is not valid (body, query or path).",
    "401": "Not authenticated, or the session or token has expired.",
    "403": "Not allowed for this user (or CSRF check failed).",
    "404": "No such object here (or not visible to this user).",
    "405": "Method not allowed.",
    "409": "The object is in a state that does not allow this.",
    "429": "Too many requests: try again later.",
}
LOCAL_TIME = {
    "type": "string",
    "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$",
    "description": "Local time of day in the agency's time zone (HH:MM[:SS]), without an offset.",
    "example": "08:00:00",
}
# Only for operations with a request body: a body in a media type the endpoint does not parse.
BODY_ERROR_STATUSES = {"415": "The body's media type is not accepted here (send a JSON object)."}
METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}


def _local_times(node) -> None:
    """Replace `format: time` (which requires an offset) by the local-time pattern, everywhere."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("type") == "string" and item.get("format") == "time":
                item.pop("format")
                for key, value in LOCAL_TIME.items():
                    item.setdefault(key, value)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _is_error(content: dict) -> bool:
    schema = content.get("application/json", {}).get("schema", {})
    return schema.get("$ref") == f"#/components/schemas/{ERROR}"


def document_errors(result, generator, request, public):
    """Postprocessing hook: the error responses of every operation, and local times."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR] = ERROR_SCHEMA
    error_ref = {"$ref": f"#/components/schemas/{ERROR}"}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            statuses = dict(ERROR_STATUSES)
            if "requestBody" in operation:
                statuses.update(BODY_ERROR_STATUSES)
            for status, description in statuses.items():
                response = responses.get(status)
                if response is None:
                    responses[status] = {
                        "description": description,
                        "content": {"application/json": {"schema": error_ref}},
                    }
                    continue
                content = response.setdefault("content", {})
                if _is_error(content):
                    continue
                # A response of its own (e.g. an upload's batch with row errors) or the usual error.
                own = content.get("application/json", {}).get("schema")
                schema = {"anyOf": [own, error_ref]} if own else error_ref
                content["application/json"] = {"schema": schema}
    _local_times(result)
    return result
