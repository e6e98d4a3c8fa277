from . import test_shopify_channel
from . import test_shopify_webhook
from . import test_shopify_real_orders
from . import test_shopify_graphql_channel
from . import test_shopify_stock
