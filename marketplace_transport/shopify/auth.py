"""Shopify access tokens: a static Admin API token (legacy custom apps) or the client-credentials
grant of Dev Dashboard apps (``POST /admin/oauth/access_token``, tokens expiring after ~24 h).

Request and answer as documented (shopify.dev/docs/apps/build/authentication-authorization/
access-tokens/client-credentials-grant): form fields ``grant_type=client_credentials``,
``client_id``, ``client_secret``; answer ``{"access_token", "scope", "expires_in"}`` (seconds).
The token lives in ``config.token_store`` (on the Odoo channel: manager-only fields) and is renewed
before it expires, at most once per run; a 401 renews it once, then the error is raised.
"""
import logging

from marketplace_transport import AuthenticationError, RemoteError, TemporaryError

_logger = logging.getLogger(__name__)

TOKEN_PATH = "/admin/oauth/access_token"
CLIENT_CREDENTIALS = "client_credentials"
STATIC = "static"
#: a token from an earlier run is renewed when it has less than this left (seconds)
TOKEN_RENEW_MARGIN = 3600


class ShopifyAuthMixin:
    """Token of the run; expects ``self.http``, ``self.config``, ``self.clock``, ``self.option``."""

    _token_requested = False
    _renewed_after_401 = False

    @property
    def auth_mode(self):
        return self.option("auth_mode", STATIC)

    def _access_token(self, force=False):
        if self.auth_mode != CLIENT_CREDENTIALS:
            return self._static_token()
        token, expires_at = self.config.token_store.get()
        remaining = (expires_at or 0) - self.clock()
        if token and not force and (remaining > TOKEN_RENEW_MARGIN or (self._token_requested and remaining > 0)):
            return token
        if self._token_requested and not force:
            return token  # one token request per run: the next run renews it
        return self._request_token()

    def _static_token(self):
        token = self.config.credentials.get("secret")
        if not token:
            raise AuthenticationError("Shopify: set the Admin API access token (shpat_...) on the channel.",
                                      code="credentials_missing", params={"marketplace": "Shopify"})
        return token

    def _request_token(self):
        client_id = self.config.credentials.get("login")
        secret = self.config.credentials.get("secret")
        if not client_id or not secret:
            raise AuthenticationError("Shopify: set the app's client id and client secret on the channel.",
                                      code="credentials_missing", params={"marketplace": "Shopify"})
        self._token_requested = True
        data = {"grant_type": CLIENT_CREDENTIALS, "client_id": client_id, "client_secret": secret}
        try:
            response = self.http.request("POST", TOKEN_PATH, operation="get access token", data=data,
                                         headers={"Accept": "application/json"}, expected=(200,), retry=False)
        except RemoteError as exc:  # 400 for an unknown client or an app not installed on the shop
            raise AuthenticationError(f"Shopify refused the client credentials: {exc.message}",
                                      status=exc.status) from exc
        try:
            body = response.json()
            token, expires_in = body["access_token"], float(body.get("expires_in") or 0)
        except (ValueError, KeyError, TypeError) as exc:
            raise TemporaryError("get access token: malformed token answer from Shopify") from exc
        self.granted_scopes = body.get("scope") or ""
        self.config.token_store.set(token, self.clock() + expires_in)
        return token

    def _authorized(self, send):
        """``send(token)``; a 401 with client credentials renews the token once per run."""
        try:
            return send(self._access_token())
        except AuthenticationError as exc:
            if exc.status != 401 or self.auth_mode != CLIENT_CREDENTIALS or self._renewed_after_401:
                raise
            self._renewed_after_401 = True
            _logger.info("Shopify answered 401: renewing the access token once")
            return send(self._access_token(force=True))
