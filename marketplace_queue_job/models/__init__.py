from . import marketplace_channel
from . import sale_order
