"""Hand-off to an approved e-invoicing platform (PA, "plateforme agréée"), plain Python.

What a connector to the seller's chosen platform implements (:class:`PlatformClient`):

- ``submit(kind, filename, content, reference)``: deposit a document, ``kind`` being ``"invoice"``
  (a Factur-X PDF/A-3, at posting) or ``"ereporting"`` (the e-reporting transaction file of a period);
- ``status(document_id)``: read where the document is in its life cycle.

Both return a :class:`Submission`. Statuses are the four the reform makes mandatory (deposited,
rejected, refused, cashed) plus the usual intermediate ones [C2: platform guides]; a platform's own
codes are mapped onto :data:`STATUSES` by its connector.

:class:`HttpPlatformClient` is one implementation over a small JSON API. That API is **inferred**
(each platform publishes its own; the AFNOR XP Z12-013 standard API is the expected common ground):
``POST <base>/documents`` ``{"kind", "filename", "reference", "content_base64"}`` and
``GET <base>/documents/<id>``, both answering ``{"id", "status", "message"}``, bearer token.
"""
import base64
from dataclasses import dataclass
from typing import Protocol

import requests

from .exceptions import RemoteError, TemporaryError

KINDS = ("invoice", "ereporting")
STATUSES = {
    "deposited": "Deposited",  # "Déposée": taken by the platform after its checks
    "rejected": "Rejected",  # "Rejetée": failed the platform's checks (format, SIREN...)
    "made_available": "Made available",  # "Mise à disposition" to the buyer
    "accepted": "Accepted",  # "Approuvée" by the buyer
    "refused": "Refused",  # "Refusée" by the buyer
    "in_dispute": "In dispute",  # "En litige"
    "paid": "Paid",  # "Encaissée"
}
FINAL = {"rejected", "refused", "paid"}


@dataclass
class Submission:
    document_id: str
    status: str
    message: str = ""


class PlatformClient(Protocol):
    def submit(self, kind: str, filename: str, content: bytes, reference: str) -> Submission: ...

    def status(self, document_id: str) -> Submission: ...


class HttpPlatformClient:
    """:class:`PlatformClient` over the inferred JSON API described in the module docstring."""

    def __init__(self, base_url, token="", timeout=20, session=None):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.session = session or requests.Session()

    def submit(self, kind, filename, content, reference):
        if kind not in KINDS:
            raise ValueError(kind)
        body = {"kind": kind, "filename": filename, "reference": reference,
                "content_base64": base64.b64encode(content).decode()}
        return self._call("POST", "/documents", json=body)

    def status(self, document_id):
        return self._call("GET", f"/documents/{document_id}")

    def _call(self, method, path, **kwargs):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = self.session.request(method, self.base_url + path, headers=headers,
                                            timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise TemporaryError(f"platform unreachable: {exc}") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise TemporaryError(f"platform HTTP {response.status_code}")
        data = response.json() if response.content else {}
        if response.status_code >= 400:
            raise RemoteError(f"platform HTTP {response.status_code}: {data.get('message', '')}")
        return parse_submission(data)


def parse_submission(data):
    """``{"id", "status", "message"}`` -> :class:`Submission`; an unknown status is an error."""
    status = data.get("status")
    if status not in STATUSES:
        raise RemoteError(f"unknown platform status {status!r}")
    return Submission(str(data["id"]), status, data.get("message") or "")
