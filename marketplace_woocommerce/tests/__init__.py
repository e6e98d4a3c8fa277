from . import test_woocommerce_channel
from . import test_woocommerce_webhook
from . import test_woocommerce_stock
