"""The PrestaShop connector, as the core sees it: defaults, set-up help, transport options."""
from operator import methodcaller

from odoo.tools.translate import LazyTranslate

from odoo.addons.marketplace_connector.connector import ConnectorDescriptor, register

from marketplace_transport.prestashop import PrestashopTransport

_lt = LazyTranslate(__name__)

PRESTASHOP = "prestashop"

CONNECTOR = register(ConnectorDescriptor(
    channel_type=PRESTASHOP,
    label="PrestaShop",
    transport=PrestashopTransport,
    defaults={"import_interval": 15, "offer_interval": 60, "page_size": 100},
    setup_help=_lt("<p><b>PrestaShop.</b> Enable the webservice (<i>Advanced parameters > Webservice</i>), "
                   "create a key allowed on orders, customers, addresses and order states, and paste it "
                   "as secret; the base URL is your shop's <code>/api</code>.</p>"),
    transport_options=methodcaller("_prepare_prestashop_options"),
))
