from . import test_prestashop_channel
from . import test_prestashop_real_orders
from . import test_prestashop_stock
