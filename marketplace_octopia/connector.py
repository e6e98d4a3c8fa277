"""The two connectors of this addon, as the core sees them: Octopia Seller API v2 (REST) and the
legacy Cdiscount SOAP API. Defaults, set-up help and transport options."""
from operator import methodcaller

from odoo.tools.translate import LazyTranslate

from odoo.addons.marketplace_connector.connector import ConnectorDescriptor, register

from marketplace_transport.octopia.rest import PRODUCTION_BASE_URL, OctopiaRestTransport
from marketplace_transport.octopia.soap import CdiscountSoapTransport

_lt = LazyTranslate(__name__)

OCTOPIA = "octopia"
CDISCOUNT_SOAP = "cdiscount_soap"

OCTOPIA_CONNECTOR = register(ConnectorDescriptor(
    channel_type=OCTOPIA,
    label="Octopia (REST)",
    transport=OctopiaRestTransport,
    defaults={"base_url": PRODUCTION_BASE_URL, "import_interval": 15, "offer_interval": 60, "page_size": 100},
    setup_help=_lt("<p><b>Octopia Seller API.</b> In the Octopia seller portal, create an API client "
                   "(<i>Developer > API credentials</i>): paste its <b>client id</b> and <b>client secret</b>, "
                   "and your <b>seller id</b> as account. Keep the production URL unless Octopia gave you "
                   "a sandbox.</p>"),
    transport_options=methodcaller("_prepare_octopia_options"),
))

CDISCOUNT_SOAP_CONNECTOR = register(ConnectorDescriptor(
    channel_type=CDISCOUNT_SOAP,
    label="Cdiscount legacy (SOAP)",
    transport=CdiscountSoapTransport,
    defaults={"base_url": "https://wsvc.cdiscount.com/MarketplaceAPIService.svc", "import_interval": 15,
              "offer_interval": 60, "page_size": 100},
    setup_help=_lt("<p><b>Cdiscount (legacy SOAP).</b> Use your marketplace API login and password; "
                   "a token is requested from the Cdiscount token service for each day of use.</p>"),
    transport_options=methodcaller("_prepare_cdiscount_soap_options"),
))
