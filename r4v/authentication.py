"""The API's token authentication: `Authorization: Token <key>`, checked against a digest."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from . import tokens
from .models import ApiToken
from .services import api_token_mark_used


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's header parsing (and its OpenAPI description); our keys, expiry and owner checks."""

    keyword = "Token"
    model = ApiToken

    def authenticate_credentials(self, key):
        token = tokens.token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(
                _("This token has expired; create a new one on your API token page.")
            )
        user = token.user
        # An account whose password was disabled in the admin has no credential to act with.
        if not user.is_active or not user.has_usable_password():
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        api_token_mark_used(token=token)
        return user, token
