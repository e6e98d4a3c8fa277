"""Octopia simulator plumbing: the guarded API routes, the token endpoint, JSON helpers."""
import secrets
import time

from ..server import Response, problem
from .constants import API_PREFIX, QUOTA_MESSAGE, RECORDED_HEADERS, TOKEN_PATH


def _json_body(request):
    try:
        return request.json(), None
    except ValueError:
        return None, problem(400, "Bad Request", "The request body is not valid JSON.")


def _validation(detail, errors):
    return problem(400, "Validation Failed", detail, errors)


def guarded_api(app, state):
    """The ``@api(method, path)`` route decorator of ``state``: quota, bearer token and SellerId checks."""
    def api(method, path):
        """Route under /seller/v2 with quota, bearer token and SellerId checks."""
        def decorator(handler):
            def guarded(request):
                with state.lock:
                    state.api_calls += 1
                    calls = state.api_calls
                    state.seen_headers.append({k: request.headers.get(k, "") for k in RECORDED_HEADERS})
                if state.quota is not None and calls > state.quota:
                    return Response(403, {"statusCode": 403,
                                          "message": QUOTA_MESSAGE.format(delay=state.quota_delay)})
                auth = request.headers.get("authorization", "")
                token = auth[7:] if auth.lower().startswith("bearer ") else ""
                with state.lock:
                    expiry = state.tokens.get(token)
                if not token or expiry is None:
                    return problem(401, "Unauthorized", "Bearer token missing or invalid.")
                if expiry <= time.time():
                    return problem(401, "Unauthorized", "The access token has expired.")
                seller = request.headers.get("sellerid", "")
                if not seller:
                    return problem(403, "Forbidden", "The SellerId header is required.")
                if seller != state.seller_id:
                    return problem(403, "Forbidden", f"The client is not allowed to act for seller {seller}.")
                return handler(request)
            app.route(method, API_PREFIX + path)(guarded)
            return handler
        return decorator
    return api


def order_or_404(state, order_id):
    order = state.orders.get(order_id)
    if order is None:
        return None, problem(404, "Not Found", f"Order {order_id} not found.")
    return order, None


def register_token(app, state):
    """The Keycloak client-credentials token endpoint."""
    @app.route("POST", TOKEN_PATH)
    def token(request):
        form = request.form()
        with state.lock:
            state.token_requests += 1
        if form.get("grant_type") != "client_credentials":
            return Response(400, {"error": "unsupported_grant_type",
                                  "error_description": "Unsupported grant_type"})
        if form.get("client_id") != state.client_id or form.get("client_secret") != state.client_secret:
            return Response(401, {"error": "unauthorized_client",
                                  "error_description": "Invalid client or Invalid client credentials"})
        value = "eyJhbGciOiJSUzI1NiJ9." + secrets.token_urlsafe(24)
        with state.lock:
            state.tokens[value] = time.time() + state.expires_in
        return Response(200, {"access_token": value, "expires_in": state.expires_in, "refresh_expires_in": 0,
                              "token_type": "Bearer", "not-before-policy": 0, "scope": "profile email"})
