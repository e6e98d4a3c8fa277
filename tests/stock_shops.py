"""Four shop simulators (Shopify, WooCommerce, PrestaShop, Wix), each served on 127.0.0.1 with its channel:
the stock sync tests and the stock benchmark set them up the same way."""
from marketplace_simulator import prestashop, shopify, wix, woocommerce

SHOPIFY_TOKEN = "shpat_stock_token_0123456789"
WOO_KEY, WOO_SECRET = "ck_stock_0123456789", "cs_stock_9876543210"


class Shop:
    """One storefront simulator: ``register`` options, channel values, ``add(number, sku, quantity)``."""

    def __init__(self, name, module, options, channel_vals, add):
        self.name, self.module, self.options = name, module, options
        self.channel_vals, self.add_variant = channel_vals, add
        self.app = self.server = self.channel = None

    def inventory(self):
        return self.module.inventory(self.app)

    def quantity(self, sku):
        return self.inventory().quantity(sku)

    def reset(self):
        """Forget the variants and the updates received."""
        self.module.reset_inventory(self.app)


def shops():
    return [
        Shop("shopify", shopify, {"token": SHOPIFY_TOKEN, "leak_rate": 1000.0},
             lambda url: {"channel_type": "shopify", "base_url": url, "api_secret": SHOPIFY_TOKEN},
             lambda app, n, sku, qty: shopify.add_variant(app, n, sku, qty)),
        Shop("woocommerce", woocommerce, {"consumer_key": WOO_KEY, "consumer_secret": WOO_SECRET},
             lambda url: {"channel_type": "woocommerce", "base_url": url, "api_login": WOO_KEY,
                          "api_secret": WOO_SECRET},
             lambda app, n, sku, qty: woocommerce.add_product(app, n, sku, qty)),
        Shop("prestashop", prestashop, {},
             lambda url: {"channel_type": "prestashop", "base_url": url, "api_secret": prestashop.DEFAULT_KEY},
             lambda app, n, sku, qty: prestashop.add_product(app, n, sku, qty)),
        Shop("wix", wix, {},
             lambda url: {"channel_type": "wix", "base_url": url, "api_secret": wix.DEFAULT_API_KEY,
                          "api_account": wix.DEFAULT_SITE_ID},
             lambda app, n, sku, qty: wix.add_product(app, n, sku, qty)),
    ]
