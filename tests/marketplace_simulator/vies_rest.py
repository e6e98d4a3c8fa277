"""VIES REST API simulator ("VIES on-the-Web"), beside the SOAP one and on the same :class:`ViesState`.

Shapes from the Commission's contract ``tests/fixtures/vies/swagger_publicVAT.yaml``:

- ``POST /taxation_customs/vies/rest-api/check-vat-number`` (and ``/check-vat-test-service``) with a
  ``CheckVatRequest`` JSON -> ``CheckVatResponse`` (``countryCode``, ``vatNumber``, ``requestDate``,
  ``valid``, ``requestIdentifier``, ``name``, ``address``);
- errors: ``CommonResponse`` ``{"actionSucceed": false, "errorWrappers": [{"error", "message"}]}`` with
  HTTP 400 (input) or 500 (the others), or HTTP 200 when ``state.rest_errors_with_200`` (the behaviour
  public clients report, ``REST_INFERRED`` in the client);
- ``GET /taxation_customs/vies/rest-api/check-status`` -> ``{"vow": {"available"}, "countries": [...]}``.
"""
from datetime import UTC, datetime

from .server import Response

REST_PATH = "/taxation_customs/vies/rest-api"
INPUT_ERRORS = {"INVALID_INPUT", "INVALID_REQUESTER_INFO", "VAT_BLOCKED"}


def _error(state, code):
    status = 200 if state.rest_errors_with_200 else (400 if code in INPUT_ERRORS else 500)
    return Response(status, {"actionSucceed": False, "errorWrappers": [{"error": code, "message": code}]})


def _answer(answer):
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return Response(200, {
        "countryCode": answer["country"], "vatNumber": answer["number"], "requestDate": now,
        "valid": answer["valid"], "requestIdentifier": answer["identifier"], "name": answer["name"],
        "address": answer["address"], "traderNameMatch": "NOT_PROCESSED",
    })


def register_rest(app, state):
    """Add the REST routes to ``app`` (called by ``vies.register``)."""
    from .vies import VIES_PREFIXES, decide

    def check(request):
        try:
            body = request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return _error(state, "INVALID_INPUT")
        requester = str(body.get("requesterMemberStateCode") or "").upper() + str(
            body.get("requesterNumber") or "").upper()
        fault, answer = decide(state, "rest", str(body.get("countryCode") or ""), str(body.get("vatNumber") or ""),
                               requester)
        return _error(state, fault) if fault else _answer(answer)

    app.route("POST", rf"{REST_PATH}/check-vat-number")(check)
    app.route("POST", rf"{REST_PATH}/check-vat-test-service")(check)

    @app.route("GET", rf"{REST_PATH}/check-status")
    def status(_request):
        down = state.down_code is not None
        countries = [{"countryCode": code, "availability": "Unavailable" if down or code in state.country_faults
                      else "Available"} for code in sorted(VIES_PREFIXES)]
        return Response(200, {"vow": {"available": not down}, "countries": countries})
