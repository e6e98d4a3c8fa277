"""Shopify simulator: the client-credentials grant of Dev Dashboard apps.

``POST /admin/oauth/access_token`` with ``grant_type=client_credentials``, ``client_id`` and
``client_secret`` (form or JSON body) answers ``{"access_token", "scope", "expires_in"}`` as
documented (shopify.dev, "Using the client credentials grant"); a wrong client answers 400.
"""
import time

from ..server import Response
from .api import _state

SCOPES = "read_orders,write_orders,read_fulfillments,write_fulfillments,read_merchant_managed_fulfillment_orders," \
         "write_merchant_managed_fulfillment_orders,read_customers,read_inventory,write_inventory"


def _fields(request):
    if "json" in request.headers.get("content-type", ""):
        body = request.json()
        return body if isinstance(body, dict) else {}
    return request.form()


def register_oauth(app):
    @app.route("POST", r"/admin/oauth/access_token")
    def access_token(request):
        state = _state(app)
        fields = _fields(request)
        if fields.get("grant_type") != "client_credentials":
            return Response(400, {"error": "unsupported_grant_type"})
        if (fields.get("client_id"), fields.get("client_secret")) != (state["client_id"], state["client_secret"]):
            return Response(400, {"error": "invalid_client",
                                  "error_description": "Client authentication failed"})
        with app.lock:
            state["issued"] += 1
            token = f"shpat_cc_{state['issued']:06d}"
            state["tokens"][token] = time.time() + state["token_lifetime"]
        return Response(200, {"access_token": token, "scope": SCOPES, "expires_in": state["token_lifetime"]})

    return app


def expire_tokens(app):
    """Every issued token expires now (as 24 hours later): the next call with one answers 401."""
    with app.lock:
        tokens = _state(app)["tokens"]
        for token in tokens:
            tokens[token] = 0.0
