from .shopify import ShopifyTransport, sign_webhook, verify_webhook, webhook_order_id
