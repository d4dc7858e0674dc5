"""The one API router: every app registers its viewsets here; and the token endpoint."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.routers import APIRootView, DefaultRouter
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from meetings.api import register as register_meetings
from sectors import api as sectors_api
from sectors.serializers import ErrorSerializer


class PublicAPIRootView(APIRootView):
    # The index of the API is as public as the reads it lists.
    permission_classes = [AllowAny]


class Router(DefaultRouter):
    APIRootView = PublicAPIRootView


router = Router()
router.register("countries", sectors_api.CountryViewSet, basename="country")
router.register("platforms", sectors_api.PlatformViewSet, basename="platform")
router.register("sectors", sectors_api.SectorViewSet, basename="sector")
router.register("platform-sectors", sectors_api.PlatformSectorViewSet, basename="platform-sector")
router.register("organizations", sectors_api.OrganizationViewSet, basename="organization")
router.register("co-leads", sectors_api.CoLeadViewSet, basename="co-lead")
router.register("co-coordinators", sectors_api.CoCoordinatorViewSet, basename="co-coordinator")
router.register("partners", sectors_api.PartnerViewSet, basename="partner")
router.register("change-notices", sectors_api.ChangeNoticeViewSet, basename="change-notice")
register_meetings(router)


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send it as `Authorization: Token <token>`."))


class TokenThrottle(AnonRateThrottle):
    """Password guessing, per client address."""

    rate = "10/minute"


class TokenObtainView(APIView):
    """Exchange an e-mail and password for the user's API token (the same one on every call)."""

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
                ErrorSerializer, description=_("Too many attempts; wait a minute.")
            ),
        },
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=serializer.validated_data["email"],
            password=serializer.validated_data["password"],
        )
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Unable to log in with this e-mail and password.")]}
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
