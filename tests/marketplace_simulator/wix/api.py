"""Wix simulator plumbing: error bodies and the request guard (authentication, per-site rate limit)."""
import time

from ..server import Response


def wix_error(status, message, code=None, field=None):
    """Wix error body: ``message`` + ``details`` (application or validation error)."""
    if field:
        details = {"validationError": {"fieldViolations": [
            {"field": field, "description": message, "violatedRule": "VALIDATION"}]}}
    else:
        details = {"applicationError": {"code": code or "ERROR", "description": message, "data": {}}}
    return Response(status, {"message": message, "details": details})



def guard(app, state, request):
    """Authentication, then the per-site rate limit."""
    if request.headers.get("wix-account-id") and request.headers.get("wix-site-id"):
        return wix_error(400, "Send either wix-site-id or wix-account-id, not both", "INVALID_HEADERS")
    if request.headers.get("authorization") != state["api_key"]:
        return wix_error(401, "UNAUTHENTICATED: invalid API key", "UNAUTHENTICATED")
    if request.headers.get("wix-site-id") != state["site_id"]:
        return wix_error(403, "PERMISSION_DENIED: the API key has no access to this site", "PERMISSION_DENIED")
    now = time.monotonic()
    with app.lock:
        calls = state["calls"]
        while calls and calls[0] <= now - 60:
            calls.popleft()
        if len(calls) >= state["rate_limit"]:
            return wix_error(429, "Too Many Requests: rate limit exceeded for this app instance",
                             "RATE_LIMIT_EXCEEDED")
        calls.append(now)
    return None
