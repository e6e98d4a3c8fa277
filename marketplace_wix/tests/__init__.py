from . import test_wix_channel
from . import test_wix_real_orders
from . import test_wix_payments
from . import test_wix_stock
