"""The WooCommerce connector, as the core sees it: defaults, set-up help, webhooks, transport options."""
import re
from operator import methodcaller

from odoo.tools.translate import LazyTranslate

from odoo.addons.marketplace_connector.connector import ConnectorDescriptor, WebhookSpec, register

from marketplace_transport.woocommerce import WooCommerceTransport, webhook_order_id

_lt = LazyTranslate(__name__)

WOOCOMMERCE = "woocommerce"
PING_RE = re.compile(rb"^webhook_id=\d+$")


def order_id(headers, payload):
    """Order of an ``order.*`` delivery (``X-WC-Webhook-Topic``), else ""."""
    return webhook_order_id(headers.get("X-WC-Webhook-Topic") or "", payload)


def unsigned_answer(body, headers):
    """WooCommerce's unsigned test delivery when a webhook is saved: answered, no side effect."""
    return (200, "pong") if PING_RE.match(body) else None


CONNECTOR = register(ConnectorDescriptor(
    channel_type=WOOCOMMERCE,
    label="WooCommerce",
    transport=WooCommerceTransport,
    defaults={"import_interval": 10, "offer_interval": 30, "page_size": 100},
    setup_help=_lt("<p><b>WooCommerce.</b> In <i>WooCommerce > Settings > Advanced > REST API</i>, add a "
                   "key with read/write rights: consumer key as login, consumer secret as secret, and "
                   "your shop URL as base URL.</p>"),
    webhook=WebhookSpec(signature_header="X-WC-Webhook-Signature", order_id=order_id,
                        unsigned_answer=unsigned_answer),
    transport_options=methodcaller("_prepare_woo_options"),
))
