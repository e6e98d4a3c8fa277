from . import test_woocommerce_channel
from . import test_woocommerce_webhook
from . import test_woocommerce_real_orders
from . import test_woocommerce_status_map
from . import test_woocommerce_stock
