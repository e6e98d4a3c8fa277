"""The Shopify connector, as the core sees it: defaults, set-up help, webhooks, transport options."""
from operator import methodcaller

from odoo.tools.translate import LazyTranslate

from odoo.addons.marketplace_connector.connector import ConnectorDescriptor, WebhookSpec, register

from marketplace_transport.shopify import ShopifyTransport, webhook_order_id

_lt = LazyTranslate(__name__)

SHOPIFY = "shopify"
#: webhook topics that concern one order (others are acknowledged and ignored)
ORDER_TOPICS = ("orders/", "refunds/create", "fulfillments/")


def order_id(headers, payload):
    """Order of a delivery whose ``X-Shopify-Topic`` concerns one order, else ""."""
    topic = headers.get("X-Shopify-Topic") or ""
    return webhook_order_id(topic, payload) if topic.startswith(ORDER_TOPICS) else ""


CONNECTOR = register(ConnectorDescriptor(
    channel_type=SHOPIFY,
    label="Shopify",
    transport=ShopifyTransport,
    defaults={"import_interval": 10, "offer_interval": 30, "page_size": 250, "shopify_auth_mode": "client_credentials"},
    setup_help=_lt("<p><b>Shopify.</b> Create an app in the <b>Dev Dashboard</b> (dev.shopify.com), give its "
                   "version the scopes read_orders, write_orders, read_merchant_managed_fulfillment_orders, "
                   "write_merchant_managed_fulfillment_orders and read_customers, request protected customer "
                   "data access level 2 (name, address, e-mail, phone), install it on the shop, then paste its "
                   "<b>client id</b> and <b>client secret</b>. The base URL is "
                   "<code>https://&lt;shop&gt;.myshopify.com</code>. A legacy custom app created in the shop "
                   "admin keeps its Admin API access token: choose <i>Legacy custom app</i>.</p>"),
    webhook=WebhookSpec(signature_header="X-Shopify-Hmac-Sha256", order_id=order_id),
    transport_options=methodcaller("_prepare_shopify_options"),
    missing_address_hint=_lt("Shopify withholds customer data from apps without access to it: grant the app "
                             "protected customer data access, level 2 (name, address, e-mail, phone), in its "
                             "configuration, then press Retry."),
))
