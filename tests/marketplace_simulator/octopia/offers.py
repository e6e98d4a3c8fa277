"""Octopia simulator: JSON offer packages and their validation."""
import copy
import secrets

from ..server import Response, problem
from .api import _json_body, _validation, guarded_api
from .constants import API_PREFIX, MAX_OFFERS_PER_CALL, MAX_OFFERS_PER_PACKAGE, MAX_PAGE_SIZE, OFFER_CONDITIONS
from .generator import gtin_is_valid, iso


def register_offer_packages(app, state):  # noqa: C901 - one closure per documented endpoint
    """JSON offer packages: create, add offer requests, submit, poll, read results."""
    api = guarded_api(app, state)

    @api("POST", "/offer-packages")
    def create_package(request):
        body, error = _json_body(request)
        if error:
            return error
        package_type = body.get("packageType") if isinstance(body, dict) else None
        if package_type not in ("Upsert", "Update", "Delete"):
            return _validation("One or more validation errors occurred.",
                               {"packageType": ["packageType must be Upsert, Update or Delete."]})
        channel = request.headers.get("saleschannelid", "")
        if not channel:
            return problem(400, "Bad Request", "The salesChannelId header is required.")
        package_id = secrets.token_hex(12)
        with state.lock:
            state.packages[package_id] = {
                "id": package_id, "packageType": package_type, "state": "WaitingForCompletion",
                "salesChannelId": channel, "createdAt": iso(state.now()), "requests": [], "polls": 0,
                "results": None}
        return Response(201, headers={"Content-Location": f"{API_PREFIX}/offer-packages/{package_id}"})

    def _package_or_404(package_id):
        package = state.packages.get(package_id)
        if package is None:
            return None, problem(404, "Not Found", f"Offer package {package_id} not found.")
        return package, None

    @api("POST", r"/offer-packages/(?P<package_id>\w+)/offer-requests")
    def offer_requests(request):
        body, error = _json_body(request)
        if error:
            return error
        if not isinstance(body, list) or not body:
            return _validation("The body must be a non-empty JSON array of offer requests.",
                               {"offerRequests": ["At least one offer request is required."]})
        if len(body) > MAX_OFFERS_PER_CALL:
            return _validation("Too many offer requests.",
                               {"offerRequests": [f"At most {MAX_OFFERS_PER_CALL} offer requests per call "
                                                  f"({len(body)} sent)."]})
        with state.lock:
            package, error = _package_or_404(request.params["package_id"])
            if error:
                return error
            if package["state"] != "WaitingForCompletion":
                return problem(400, "Bad Request", f"Package {package['id']} is {package['state']}: offer requests "
                                                   "are only accepted while WaitingForCompletion.")
            if len(package["requests"]) + len(body) > MAX_OFFERS_PER_PACKAGE:
                return problem(400, "Bad Request", f"A package holds at most {MAX_OFFERS_PER_PACKAGE} offers.")
            package["requests"].extend(body)
        return Response(201)

    @api("PATCH", r"/offer-packages/(?P<package_id>\w+)")
    def submit_package(request):
        body, error = _json_body(request)
        if error:
            return error
        if not isinstance(body, dict) or body.get("state") != "Ready":
            return _validation("One or more validation errors occurred.", {"state": ["Only 'Ready' is allowed."]})
        with state.lock:
            package, error = _package_or_404(request.params["package_id"])
            if error:
                return error
            if package["state"] != "WaitingForCompletion":
                return problem(400, "Bad Request", f"Package {package['id']} is already {package['state']}.")
            package["state"] = "Ready"
        return Response(204)

    @api("GET", r"/offer-packages/(?P<package_id>\w+)")
    def get_package(request):
        with state.lock:
            package, error = _package_or_404(request.params["package_id"])
            if error:
                return error
            if package["state"] in ("Ready", "IntegrationPending"):
                package["polls"] += 1
                if package["polls"] >= state.package_steps:
                    _integrate(state, package)
                else:
                    package["state"] = "IntegrationPending"
            shown = {k: v for k, v in package.items() if k not in ("requests", "polls", "results")}
            shown["offerRequestCount"] = len(package["requests"])
        return Response(200, shown)

    @api("GET", r"/offer-packages/(?P<package_id>\w+)/offer-requests-results")
    def package_results(request):
        with state.lock:
            package, error = _package_or_404(request.params["package_id"])
            if error:
                return error
            if package["results"] is None:
                return problem(400, "Bad Request", f"Package {package['id']} is {package['state']}: "
                                                   "results are available once it is integrated.")
            results = package["results"]
        try:
            limit = min(int(request.query.get("limit", 50)), MAX_PAGE_SIZE)
            offset = int(request.query.get("cursor", "0") or 0, 16) if request.query.get("cursor") else 0
        except ValueError:
            return _validation("One or more validation errors occurred.", {"cursor": ["Invalid cursor or limit."]})
        page = results[offset: offset + limit]
        headers = {}
        if offset + limit < len(results):
            cursor = format(offset + limit, "x")
            headers["Link"] = (f'<{API_PREFIX}/offer-packages/{package["id"]}/offer-requests-results'
                               f'?cursor={cursor}&limit={limit}>; rel="next"')
        return Response(200, {"itemsPerPage": limit, "items": page}, headers=headers)


def _integrate(state, package):
    """Validate every offer request of a package and record per-offer results."""
    requests_ = package["requests"]
    counts = {}
    for item in requests_:
        ref = item.get("sellerExternalReference") if isinstance(item, dict) else None
        counts[ref] = counts.get(ref, 0) + 1
    results = []
    for item in requests_:
        item = item if isinstance(item, dict) else {}
        ref = item.get("sellerExternalReference")
        messages = _offer_errors(state, package["packageType"], item)
        if counts.get(ref, 0) > 1:
            messages.insert(0, ("DuplicatedSellerExternalReference",
                                f"sellerExternalReference '{ref}' appears more than once in the package."))
        if messages:
            results.append({"sellerExternalReference": ref, "integrationStatus": "Rejected",
                            "results": [{"resultCode": code, "message": text} for code, text in messages]})
        else:
            current = state.offers.get(ref, {})
            state.offers[ref] = {**current, **copy.deepcopy(item)} if package["packageType"] != "Delete" else {}
            results.append({"sellerExternalReference": ref, "integrationStatus": "Integrated", "results": []})
    package["results"] = results
    package["state"] = "Integrated"


def _offer_errors(state, package_type, item):
    errors = []
    ref = item.get("sellerExternalReference")
    if not isinstance(ref, str) or not 1 <= len(ref) <= 50:
        errors.append(("InvalidSellerExternalReference", "sellerExternalReference must be 1 to 50 characters."))
        return errors
    if package_type == "Delete":
        return errors
    if package_type == "Update" and ref not in state.offers:
        errors.append(("OfferNotFound", f"No offer '{ref}' to update: send it in an Upsert package first."))
        return errors
    product = item.get("product") or {}
    if package_type == "Upsert":
        if not product.get("gtin") and not product.get("reference"):
            errors.append(("MissingProductIdentifier", "product.gtin or product.reference is required."))
        elif product.get("gtin") and not gtin_is_valid(product["gtin"]):
            errors.append(("InvalidGtin", f"GTIN '{product['gtin']}' is invalid (8 to 14 digits with a valid "
                                          "check digit)."))
        if item.get("condition") not in OFFER_CONDITIONS:
            errors.append(("InvalidCondition", f"condition '{item.get('condition')}' is not allowed."))
        if not item.get("deliveryModes"):
            errors.append(("MissingDeliveryMode", "At least one delivery mode is required."))
    price = (item.get("price") or {}).get("price")
    if package_type == "Upsert" or price is not None:
        if not isinstance(price, (int, float)) or price <= 0:
            errors.append(("InvalidPrice", f"price.price must be a positive number (got {price!r})."))
    quantity = item.get("quantity")
    if package_type == "Upsert" or quantity is not None:
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
            errors.append(("InvalidQuantity", f"quantity must be a non-negative integer (got {quantity!r})."))
    for mode in item.get("deliveryModes") or []:
        if not isinstance(mode, dict) or not mode.get("code"):
            errors.append(("InvalidDeliveryMode", "Each delivery mode needs a code."))
    return errors
