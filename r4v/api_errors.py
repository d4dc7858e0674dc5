"""The API's errors: one exception handler, so every error body is {"code", "detail"[, "errors"]},
one schema class that documents that body on every refusal an operation can answer, and one way
for an action to read its input (a 400 naming the fields, through the handler)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError


class ErrorSerializer(serializers.Serializer):
    """The body of every refusal, for the schema."""

    code = serializers.CharField(help_text=gettext_lazy("Stable code for clients."))
    detail = serializers.CharField(help_text=gettext_lazy("Message for people."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=gettext_lazy("Messages per input field, when the input was refused."),
    )


def validated_input(serializer_class, request, **context) -> dict:
    """The action's input, validated by `serializer_class`, or a ValidationError (a 400)."""
    serializer = serializer_class(data=request.data, context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _field_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            field: [m for e in errors for m in e.messages]
            for field, errors in error.error_dict.items()
        }
    return {"non_field_errors": error.messages}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "detail": exc.detail}
        if exc.field:
            body["errors"] = {exc.field: [exc.detail]}
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        return Response(
            {"code": "invalid", "detail": _("Invalid input."), "errors": _field_errors(exc)},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, IntegrityError):
        # Services validate first, so this is a race lost to a concurrent writer.
        return Response(
            {
                "code": "conflict",
                "detail": _("The record was changed by someone else; reload and try again."),
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = (
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        response.data = {"code": "invalid", "detail": _("Invalid input."), "errors": errors}
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {
            "code": codes if isinstance(codes, str) else "error",
            "detail": str(exc.detail),
        }
    return response


ERROR_MEANINGS = {
    400: gettext_lazy("Invalid input; `errors` names the fields."),
    401: gettext_lazy("Not logged in, or an unknown token: send `Authorization: Token <key>`."),
    403: gettext_lazy("You may see this but not do this to it."),
    404: gettext_lazy("Not found, or outside your scope."),
    409: gettext_lazy("Changed by someone else at the same moment; reload and try again."),
    429: gettext_lazy("Too many requests; wait a minute and try again."),
}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, with the refusals each operation can answer documented.

    Derived from the view, so a new endpoint is documented as it behaves without repeating a
    list of codes beside each action; a code an `@extend_schema` names keeps its description.
    """

    def _error_codes(self) -> list[int]:
        view = self.view
        writes = self.method not in SAFE_METHODS
        authenticates = bool(view.authentication_classes)
        codes = []
        # Lists read filters and pagination from the query string; writes read a body.
        if writes or self._is_list_view():
            codes.append(400)
        # A wrong token is refused on public reads too, before any permission is checked.
        if authenticates:
            codes.append(401)
        if writes and authenticates:
            codes.append(403)
        if "{" in self.path:
            codes.append(404)
        if writes:
            codes.append(409)
        if view.throttle_classes:
            codes.append(429)
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=ERROR_MEANINGS[code]),
                    str(code),
                    direction=direction,
                )
        if self.method == "GET" and self._get_parameters_of_kind("query"):
            # The web server (gunicorn: 4,094 bytes) refuses a longer request line before the
            # app sees it, with its own page, not the error body.
            responses.setdefault(
                "414", {"description": str(gettext_lazy("The address is too long."))}
            )
        return responses

    def _get_parameters_of_kind(self, kind: str) -> bool:
        return any(p.get("in") == kind for p in self._get_parameters())
