from . import marketplace_channel
from . import marketplace_outbox
from . import sale_order
