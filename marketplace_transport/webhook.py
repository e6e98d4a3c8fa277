"""Webhook signatures: base64 HMAC-SHA256 of the raw body (Shopify, WooCommerce...)."""
import base64
import hashlib
import hmac


def sign_hmac_sha256_base64(secret, body):
    """Base64 HMAC-SHA256 of the raw ``body`` (bytes) with ``secret``."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def verify_hmac_sha256_base64(secret, body, signature):
    """True when ``signature`` is the HMAC of the raw ``body`` with ``secret`` (constant time).

    A missing secret or signature never verifies.
    """
    if not secret or not signature:
        return False
    return hmac.compare_digest(sign_hmac_sha256_base64(secret, body).encode(), signature.strip().encode())
