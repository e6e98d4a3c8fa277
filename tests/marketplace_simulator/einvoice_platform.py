"""A test double of an approved e-invoicing platform (PA), on the inferred JSON API of
``marketplace_transport/einvoice_platform.py`` (no published common API to copy: inferred).

``POST /pa/documents`` takes ``{"kind", "filename", "reference", "content_base64"}``: an invoice that is
not a PDF, or an e-reporting file without its CSV header, is ``rejected``; otherwise ``deposited``.
``GET /pa/documents/<id>`` answers the current status, which the test moves with :meth:`PlatformState.move`.
"""
import base64
import binascii
import itertools
import threading

from .server import Response

PREFIX = "/pa"


class PlatformState:
    def __init__(self, token="pa-token"):
        self.token = token
        self.documents = {}  # id -> {"kind", "filename", "reference", "content", "status", "message"}
        self._ids = itertools.count(1)
        self.lock = threading.Lock()

    def move(self, document_id, status, message=""):
        with self.lock:
            self.documents[document_id].update(status=status, message=message)

    def by_reference(self, reference):
        return [doc for doc in self.documents.values() if doc["reference"] == reference]

    def deposit(self, body):
        try:
            content = base64.b64decode(body.get("content_base64") or "", validate=True)
        except (binascii.Error, ValueError):
            content = b""
        status, message = "deposited", ""
        if body.get("kind") == "invoice" and not content.startswith(b"%PDF"):
            status, message = "rejected", "not a PDF invoice"
        elif body.get("kind") == "ereporting" and not content.startswith(b"date;category"):
            status, message = "rejected", "unknown e-reporting file"
        with self.lock:
            document_id = f"D{next(self._ids)}"
            self.documents[document_id] = {"id": document_id, "kind": body.get("kind"), "content": content,
                                           "filename": body.get("filename"), "reference": body.get("reference"),
                                           "status": status, "message": message}
        return self.answer(document_id)

    def answer(self, document_id):
        doc = self.documents[document_id]
        return {"id": doc["id"], "status": doc["status"], "message": doc["message"]}


def register(app, token="pa-token"):
    state = PlatformState(token)

    def authorized(request):
        return request.headers.get("authorization") == f"Bearer {state.token}"

    @app.route("POST", rf"{PREFIX}/documents")
    def submit(request):
        if not authorized(request):
            return Response(401, {"message": "bad token"})
        body = request.json()
        if not isinstance(body, dict) or body.get("kind") not in ("invoice", "ereporting"):
            return Response(400, {"message": "kind must be invoice or ereporting"})
        return Response(201, state.deposit(body))

    @app.route("GET", rf"{PREFIX}/documents/(?P<doc>[^/]+)")
    def status(request):
        if not authorized(request):
            return Response(401, {"message": "bad token"})
        doc = request.params["doc"]
        if doc not in state.documents:
            return Response(404, {"message": "unknown document"})
        return Response(200, state.answer(doc))

    return state
