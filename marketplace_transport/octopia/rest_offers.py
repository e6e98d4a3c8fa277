"""Offer pushes of the Octopia REST transport: JSON offer packages and XML offer packages
(mixed into :class:`.rest.OctopiaRestTransport`)."""
from collections import Counter
from urllib.parse import quote

from marketplace_transport import OfferResult, RemoteError, TemporaryError

from .offer_xml import OfferXmlPackageReport
from .offers import chunked, offer_request
from .rest_common import (
    DEFAULT_SALES_CHANNEL,
    MAX_OFFERS_PER_CALL,
    MAX_OFFERS_PER_PACKAGE,
    MAX_PAGE_SIZE,
    XML_PACKAGE_FINAL_STATES,
    XML_PACKAGE_PAGE_SIZE,
    XML_PACKAGE_URL_FIELD,
    XML_PACKAGES_PATH,
    _items,
)


class OctopiaOfferPackages:
    """JSON offer packages (push, poll, results) and XML offer packages (submit, read)."""

    def push_offers(self, offers):
        """Stream offers into JSON offer packages (chunks of 100, at most 50,000 per package),
        submit, poll and yield one :class:`OfferResult` per offer."""
        package_type = self.option("offer_package_type", "Upsert")
        default_modes = self.option("delivery_modes") or ()
        chunk_size = max(1, min(int(self.option("offer_chunk_size", MAX_OFFERS_PER_CALL)), MAX_OFFERS_PER_CALL))
        package_max = max(chunk_size, min(int(self.option("offer_package_max", MAX_OFFERS_PER_PACKAGE)),
                                          MAX_OFFERS_PER_PACKAGE))
        chunks = chunked(offers, chunk_size)
        chunk = next(chunks, None)
        while chunk is not None:
            package_id = self._create_offer_package(package_type)
            skus = []
            while chunk is not None and len(skus) + len(chunk) <= package_max:
                body = [offer_request(o, package_type=package_type, default_delivery_modes=default_modes)
                        for o in chunk]
                try:
                    self._request("POST", f"/offer-packages/{package_id}/offer-requests",
                                  operation="upload offers", json=body)
                    skus.extend(o.seller_sku for o in chunk)
                except RemoteError as exc:
                    for offer in chunk:
                        yield OfferResult(offer.seller_sku, "error", f"Octopia refused the upload: {exc.message}")
                chunk = next(chunks, None)
            if skus:
                yield from self._finish_offer_package(package_id, skus)

    def _create_offer_package(self, package_type):
        response = self._request("POST", "/offer-packages", operation="create offer package",
                                 json={"packageType": package_type},
                                 headers={"salesChannelId": self.option("sales_channel", DEFAULT_SALES_CHANNEL)})
        return self._package_id(response, "create offer package")

    @staticmethod
    def _package_id(response, operation):
        """Package id from the ``Content-Location`` (or ``Location``) header, else from the body
        (``id``/``packageId``, or a bare id)."""
        location = response.headers.get("Content-Location") or response.headers.get("Location") or ""
        package_id = location.rstrip("/").rsplit("/", 1)[-1]
        if not package_id and response.content:
            try:
                body = response.json()
            except ValueError:
                body = None
            if isinstance(body, dict):
                body = body.get("id") or body.get("packageId")
            package_id = str(body) if isinstance(body, (str, int)) and not isinstance(body, bool) else ""
        if not package_id:
            raise TemporaryError(f"{operation}: Octopia returned no package id (Content-Location)")
        return package_id

    def _finish_offer_package(self, package_id, skus):
        self._request("PATCH", f"/offer-packages/{package_id}", operation="submit offer package",
                      json={"state": "Ready"})
        interval = float(self.option("offer_poll_interval", 10))
        max_polls = int(self.option("offer_poll_max", 60))
        state = ""
        for poll in range(max_polls):
            package = self._json("GET", f"/offer-packages/{package_id}", operation="get offer package") or {}
            state = package.get("state") or package.get("packageState") or ""
            if state == "Integrated":
                break
            if state == "Rejected":
                result = package.get("result") or {}
                message = f"Octopia rejected offer package {package_id}: " + (
                    f"{result.get('resultCode', '')} {result.get('message', '')}".strip() or "no reason given")
                for sku in skus:
                    yield OfferResult(sku, "error", message)
                return
            if poll < max_polls - 1:
                self.sleep(interval)
        else:
            message = (f"Offer package {package_id} is still {state or 'pending'} after {max_polls} checks; "
                       "Octopia keeps its results for 3 days, the next push will resend the offers.")
            for sku in skus:
                yield OfferResult(sku, "error", message)
            return
        expected = Counter(skus)
        link = f"/offer-packages/{package_id}/offer-requests-results?limit={MAX_PAGE_SIZE}"
        for _page in range(len(skus) // 10 + 10):
            response = self._request("GET", link, operation="read offer results")
            try:
                items = _items(response.json(), "read offer results")
            except ValueError as exc:
                raise TemporaryError("read offer results: malformed JSON from Octopia") from exc
            for item in items:
                sku = item.get("sellerExternalReference") or ""
                if expected[sku] > 0:
                    expected[sku] -= 1
                yield self._offer_result(sku, item)
            next_link = (response.links.get("next") or {}).get("url")
            if not next_link or not items:
                break
            link = self._absolute(next_link)
        for sku, count in expected.items():
            for _i in range(count):
                yield OfferResult(sku, "error", f"Octopia returned no result for this offer in package {package_id}")

    @classmethod
    def _offer_result(cls, sku, item):
        return cls._offer_outcome(sku, item.get("integrationStatus") or "", [
            (r.get("resultCode", ""), r.get("message", "")) for r in item.get("results") or () if isinstance(r, dict)])

    @staticmethod
    def _offer_outcome(sku, status, messages):
        """:class:`OfferResult` of an integration status and its (code, message) pairs."""
        text = "; ".join(f"{code}: {message}".strip(": ") for code, message in messages)
        if status == "Integrated":
            return OfferResult(sku, "done", text)
        return OfferResult(sku, "error", f"{status or 'Rejected'}: {text}" if text else status or "Rejected")

    # -- XML offer packages ---------------------------------------------------------------
    def submit_offer_xml_package(self, url):
        """Ask Octopia to download and integrate the ZIP offer package at public ``url``
        (``POST /offer-integration-packages``); returns the package id. Not retried: a second
        call would integrate a second package."""
        field_name = self.option("offer_xml_url_field", XML_PACKAGE_URL_FIELD)
        response = self._request("POST", XML_PACKAGES_PATH, operation="submit XML offer package",
                                 json={field_name: url} if field_name else url, retry=False)
        return self._package_id(response, "submit XML offer package")

    def read_offer_xml_package(self, package_id):
        """Status and per-offer logs of an XML package (``GET /offer-integration-packages/{id}``,
        every ``$page``) as an :class:`OfferXmlPackageReport`."""
        path = f"{XML_PACKAGES_PATH}/{quote(str(package_id), safe='')}"
        limit = XML_PACKAGE_PAGE_SIZE
        results, state, errors = [], "", 0
        for page in range(1, int(self.option("max_pages", 2000)) + 1):
            body = self._json("GET", path, operation="read XML offer package",
                              params={"$limit": limit, "$page": page})
            if not isinstance(body, dict):
                raise TemporaryError("read XML offer package: unexpected response from Octopia (no JSON object)")
            state = body.get("integrationState") or body.get("packageIntegrationStatus") or ""
            if isinstance(state, dict):
                state = state.get("state") or state.get("status") or ""
            errors = int(body.get("numberOfErrors") or 0)
            logs = body.get("offerLogPagedList") or body.get("offerLogList") or []
            results.extend(self._offer_log_result(log) for log in logs if isinstance(log, dict))
            total = body.get("totalLogsCount")
            if len(logs) < limit or (total is not None and len(results) >= int(total)):
                break
        return OfferXmlPackageReport(package_id=str(package_id), state=str(state),
                                     finished=state in XML_PACKAGE_FINAL_STATES, results=results,
                                     error_count=errors)

    @classmethod
    def _offer_log_result(cls, log):
        properties = [p for p in log.get("propertyList") or () if isinstance(p, dict)]
        return cls._offer_outcome(
            str(log.get("sellerProductId") or ""), log.get("offerIntegrationStatus") or "",
            [(p.get("propertyCode") or p.get("name") or "", p.get("logMessage") or p.get("propertyError") or "")
             for p in properties])
