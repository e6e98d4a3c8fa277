"""Transport errors carry stable codes (and their params) for the Odoo layer to translate."""
import pytest

from marketplace_transport import (
    AuthenticationError,
    InvalidOrderError,
    MarketplaceError,
    MarketplaceTransport,
    QuotaExhaustedError,
    RateLimitedError,
    RemoteError,
    TemporaryError,
    TransportConfig,
    UserInputError,
    exceptions,
    get_transport_class,
)
from marketplace_transport.prestashop import parse_state_map
from marketplace_transport.shopify import ShopifyTransport
from marketplace_transport.woocommerce import WooCommerceTransport


@pytest.mark.parametrize("error_class, code", [
    (MarketplaceError, "error"), (UserInputError, "user_input"), (InvalidOrderError, "invalid_order"),
    (AuthenticationError, "auth"), (RemoteError, "remote"), (TemporaryError, "temporary"),
    (RateLimitedError, "rate_limited"), (QuotaExhaustedError, "quota"),
])
def test_each_error_class_has_its_code(error_class, code):
    error = error_class("English detail")
    assert (error.code, error.params, str(error)) == (code, {}, "English detail")
    assert f"``{code}``" in exceptions.__doc__


def test_the_code_table_lists_exactly_the_codes():
    import re

    listed = tuple(re.findall(r"^``(\w+)``", exceptions.__doc__, re.M))
    assert listed == exceptions.ERROR_CODES


def test_a_raise_may_give_a_more_precise_code_and_its_params():
    error = UserInputError("nothing", code="nothing_to_refund", params={"order": "42"})
    assert (error.code, error.params) == ("nothing_to_refund", {"order": "42"})
    assert UserInputError("other").code == "user_input"  # the class keeps its own


def test_codes_of_unsupported_operations_and_unknown_channel_types():
    with pytest.raises(MarketplaceError) as error:
        get_transport_class("carrier_pigeon")
    assert (error.value.code, error.value.params) == ("no_transport", {"channel_type": "carrier_pigeon"})

    class BareTransport(MarketplaceTransport):
        channel_type = "bare"

    for call, operation in ((lambda t: t.accept_order("1"), "accept"), (lambda t: t.refuse_order("1"), "refuse"),
                            (lambda t: list(t.push_offers([])), "push_offers")):
        with pytest.raises(MarketplaceError) as error:
            call(BareTransport(TransportConfig(base_url="http://127.0.0.1:9")))
        assert (error.value.code, error.value.params) == ("not_supported", {"channel_type": "bare",
                                                                             "operation": operation})


def test_prestashop_state_map_errors_say_which_line_or_status():
    with pytest.raises(UserInputError) as error:
        parse_state_map("14 to_ship")
    assert (error.value.code, error.value.params) == ("state_map_syntax", {"line": "14 to_ship"})
    with pytest.raises(UserInputError) as error:
        parse_state_map("14=paid")
    assert error.value.code == "state_map_status"
    assert error.value.params["state"] == "14" and error.value.params["status"] == "paid"
    assert "to_ship" in error.value.params["statuses"].split(", ")


def test_missing_credentials_and_plain_http_have_their_codes():
    with pytest.raises(AuthenticationError) as error:
        ShopifyTransport(TransportConfig(base_url="https://shop.example")).check_connection()
    assert (error.value.code, error.value.params) == ("credentials_missing", {"marketplace": "Shopify"})
    woo = WooCommerceTransport(TransportConfig(base_url="http://shop.example",
                                               credentials={"login": "ck_x", "secret": "cs_x"}))
    with pytest.raises(UserInputError) as error:
        woo.check_connection()
    assert error.value.code == "https_required"
