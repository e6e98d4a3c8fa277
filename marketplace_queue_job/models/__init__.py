from . import marketplace_channel
from . import marketplace_order_importer
from . import sale_order
