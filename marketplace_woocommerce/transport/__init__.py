from .woocommerce import WooCommerceTransport, sign_webhook, verify_webhook, webhook_order_id
