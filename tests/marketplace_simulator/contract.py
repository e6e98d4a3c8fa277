"""The published order payloads of ``tests/fixtures/<platform>/`` (see each SOURCE.md), for the simulators
to serve as they are, only their dates moved into the import window."""
import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

#: date fields of each platform's orders, moved to the serving time
DATE_FIELDS = {
    "shopify": ("created_at", "updated_at", "processed_at"),
    "woocommerce": ("date_created", "date_created_gmt", "date_modified", "date_modified_gmt"),
}


def contract_order(platform, name, when):
    """The order of fixture ``name`` (its ``order`` envelope removed), dated ``when`` (aware datetime)."""
    payload = json.loads((FIXTURES / platform / name).read_text(encoding="utf-8"))
    payload = payload.get("order", payload)
    for fieldname in DATE_FIELDS[platform]:
        if fieldname in payload:
            stamp = when.isoformat(timespec="seconds")
            payload[fieldname] = stamp if platform == "shopify" else stamp[:19]  # WooCommerce: naive
    return payload
