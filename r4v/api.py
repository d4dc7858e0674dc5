"""The one API router, which every app registers its viewsets on; and the token endpoint.

Apps call `router.register` from their `AppConfig.ready` (their `api.register_routes`), so the
kit imports no app; INSTALLED_APPS' order is the order of the API root's index.
"""

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.routers import APIRootView, DefaultRouter
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from .api_errors import ErrorSerializer
from .lockout import LoginLocked, login_authenticate
from .mfa import token_by_password_allowed
from .services import api_token_create

# The name of a token asked for without one.
DEFAULT_TOKEN_NAME = "api"


class PublicAPIRootView(APIRootView):
    # The index of the API is as public as the reads it lists.
    permission_classes = [AllowAny]


class Router(DefaultRouter):
    APIRootView = PublicAPIRootView

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        # Objects looked up by id take digits only: "/tasks/null,null/" is a 404 from the
        # router, not a ValueError from the database. Lookups by code set their own regex.
        if getattr(viewset, "lookup_field", "pk") in ("pk", "id") and not hasattr(
            viewset, "lookup_value_regex"
        ):
            viewset.lookup_value_regex = "[0-9]{1,19}"
        return super().get_lookup_regex(viewset, lookup_prefix)


router = Router()


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True)
    name = serializers.CharField(
        max_length=100,
        required=False,
        default=DEFAULT_TOKEN_NAME,
        help_text=_(
            "What the token is for. A new token with a name you already use replaces that "
            "token, so give each script its own name."
        ),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text=_("Send it as `Authorization: Token <token>`. Shown once: it is not stored.")
    )
    name = serializers.CharField()
    expires_at = serializers.DateTimeField(help_text=_("After this the token stops working."))


class TokenThrottle(AnonRateThrottle):
    """Password guessing, per client address."""

    rate = "10/minute"


class LoginLockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "login_locked"

    def __init__(self, locked: LoginLocked):
        super().__init__(locked.message)
        # DRF's handler turns `wait` into the Retry-After header.
        self.wait = locked.retry_after


class TokenObtainView(APIView):
    """Exchange an e-mail and password for a new API token, valid for a limited time."""

    # No session authentication here: the endpoint is for scripts, and it must not need CSRF.
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @extend_schema(
        summary=_("Obtain an API token"),
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(ErrorSerializer, description=_("Wrong e-mail or password.")),
            429: OpenApiResponse(
                ErrorSerializer,
                description=_(
                    "Too many attempts from this address, or too many failed log-ins for "
                    "this account; the Retry-After header says how many seconds to wait."
                ),
            ),
        },
        parameters=[
            OpenApiParameter(
                "Retry-After",
                OpenApiTypes.INT,
                OpenApiParameter.HEADER,
                description=_("Seconds to wait before trying again."),
                response=[429],
            )
        ],
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            user = login_authenticate(request, email=data["email"], password=data["password"])
        except LoginLocked as locked:
            raise LoginLockedOut(locked) from None
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Unable to log in with this e-mail and password.")]}
            )
        # A password alone does not make a token for an account with a second factor, or one
        # that must have it: those create tokens on the API token page, after the code.
        if not token_by_password_allowed(user):
            raise exceptions.PermissionDenied(
                _("This account uses two-step verification: create tokens on your API token page.")
            )
        token, key = api_token_create(user=user, name=data["name"])
        body = {"token": key, "name": token.name, "expires_at": token.expires_at}
        # 200, not 201: scripts written against the first version of this endpoint check for it.
        return Response(TokenSerializer(body).data)


def api_not_found(request):
    """The JSON 404 for paths under /api/v1/ that no route matches."""
    return JsonResponse({"code": "not_found", "detail": _("Not found.")}, status=404)
