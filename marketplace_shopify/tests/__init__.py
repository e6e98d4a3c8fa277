from . import test_shopify_channel
from . import test_shopify_webhook
