from . import marketplace_channel
from . import marketplace_octopia_carrier
from . import marketplace_offer
from . import marketplace_octopia_offer_package
from . import sale_order
from . import marketplace_order_importer
