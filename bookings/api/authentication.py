"""``Authorization: Bearer <token>``: the header every Graph client already sends."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from ..models import ApiToken

# Writing last_used_at on every request would turn each read into a write; once a minute is enough
# to tell an owner which tokens are in use.
LAST_USED_RESOLUTION_SECONDS = 60


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Access token is empty or malformed.")
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Access token is malformed.") from None
        token = ApiToken.objects.authenticate(raw)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Access token is invalid or has been revoked.")
        now = timezone.now()
        if (
            token.last_used_at is None
            or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS
        ):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'
