"""The Wix connector, as the core sees it: defaults, set-up help, transport options."""
from operator import methodcaller

from odoo.tools.translate import LazyTranslate

from odoo.addons.marketplace_connector.connector import ConnectorDescriptor, register

from marketplace_transport.wix import WixTransport

_lt = LazyTranslate(__name__)

WIX = "wix"

CONNECTOR = register(ConnectorDescriptor(
    channel_type=WIX,
    label="Wix",
    transport=WixTransport,
    defaults={"base_url": "https://www.wixapis.com", "import_interval": 10, "offer_interval": 30,
              "page_size": 100},
    setup_help=_lt("<p><b>Wix.</b> Create an API key in the Wix account settings with the eCommerce "
                   "permissions; paste it as secret and the <b>site id</b> as account.</p>"),
    transport_options=methodcaller("_prepare_wix_options"),
))
