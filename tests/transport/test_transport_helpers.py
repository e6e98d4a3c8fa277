"""Pieces shared by the storefront transports: webhook signatures, JSON decoding, page size."""
import base64
from datetime import UTC, datetime, timedelta

import pytest
from marketplace_simulator import woocommerce as woo_sim
from transport_testing import build_transport, serve_simulator

from marketplace_transport import TemporaryError, TransportConfig
from marketplace_transport.shopify import ShopifyTransport
from marketplace_transport.webhook import (
    sign_hmac_sha256_base64,
    verify_hmac_sha256_base64,
)
from marketplace_transport.wix import WixTransport
from marketplace_transport.woocommerce import WooCommerceTransport

BODY = b"The quick brown fox jumps over the lazy dog"
#: published HMAC-SHA256 test vector (key "key", the sentence above)
VECTOR = bytes.fromhex("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")


def test_hmac_signature_matches_the_published_vector_and_verifies():
    signature = sign_hmac_sha256_base64("key", BODY)
    assert base64.b64decode(signature) == VECTOR
    assert verify_hmac_sha256_base64("key", BODY, signature)
    assert verify_hmac_sha256_base64("key", BODY, f" {signature}\n"), "header whitespace is ignored"
    assert not verify_hmac_sha256_base64("key", BODY + b".", signature)
    assert not verify_hmac_sha256_base64("other", BODY, signature)
    assert not verify_hmac_sha256_base64("", BODY, sign_hmac_sha256_base64("", BODY)), "no secret never verifies"
    assert not verify_hmac_sha256_base64("key", BODY, None)
    assert not verify_hmac_sha256_base64("key", BODY, "")


@pytest.mark.parametrize("transport_class, maximum", [(ShopifyTransport, 250), (WooCommerceTransport, 100),
                                                      (WixTransport, 100)])
def test_page_size_option_is_capped_by_the_api_maximum(transport_class, maximum):
    def page_size(**options):
        config = TransportConfig(base_url="http://127.0.0.1:9", credentials={"login": "id", "secret": "s3cret"},
                                 options=dict(options, account="site-id"))
        return transport_class(config).page_size

    assert page_size() == maximum
    assert page_size(page_size="") == maximum
    assert page_size(page_size=7) == 7
    assert page_size(page_size=maximum * 10) == maximum
    assert page_size(page_size=0) == 1


def test_broken_or_unexpected_json_is_a_temporary_error_naming_the_marketplace():
    key, secret = "ck_helpers_0123456789", "cs_helpers_0123456789"
    with serve_simulator(woo_sim, consumer_key=key, consumer_secret=secret) as (app, server):
        transport = build_transport(WooCommerceTransport, server.url, {"login": key, "secret": secret})
        app.add_fault(r"GET /wp-json/wc/v3/system_status", kind="malformed")
        with pytest.raises(TemporaryError, match=r"check connection: malformed JSON from WooCommerce \(HTTP 200\)"):
            transport.check_connection()
        app.add_fault(r"GET /wp-json/wc/v3/orders", status=200, body={"orders": []})
        with pytest.raises(TemporaryError, match=r"list orders: unexpected answer from WooCommerce \(HTTP 200\)"):
            list(transport.iter_order_pages(datetime.now(UTC) - timedelta(days=1)))
