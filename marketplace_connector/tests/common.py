"""Test helpers shared by the suite's addons: a normalized-order factory and a base case."""
from datetime import datetime, timedelta, timezone

from odoo.tests.common import TransactionCase

from ..transport import NormalizedAddress, NormalizedLine, NormalizedOrder, OrderStatus

BASE_TIME = datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc)


def make_address(**values):
    address = {"name": "Jeanne Martin", "street": "12 rue de la Paix", "zip": "75002", "city": "Paris",
               "country_code": "FR", "email": "jeanne.martin@example.com", "phone": "+33 1 23 45 67 89"}
    address.update(values)
    return NormalizedAddress(**address)


def make_order(external_id="ORD-1", lines=None, status=OrderStatus.TO_SHIP, minutes=0, **values):
    """A cleaned NormalizedOrder; ``lines`` is a list of (sku, quantity, unit price) tuples."""
    lines = lines or [("SKU-A", 1, 24.0)]
    order = NormalizedOrder(
        external_id=external_id,
        updated_at=BASE_TIME + timedelta(minutes=minutes),
        status=status,
        marketplace_status=values.pop("marketplace_status", status.value),
        lines=[NormalizedLine(external_id=f"{external_id}-L{i}", sku=sku, quantity=qty, unit_price=price,
                              name=f"Product {sku}") for i, (sku, qty, price) in enumerate(lines, 1)],
        billing=values.pop("billing", None) or make_address(),
        shipping=values.pop("shipping", None) or make_address(),
        customer_external_id=values.pop("customer_external_id", "CUST-1"),
        **values,
    )
    order.raw = order.raw or {"orderId": external_id}
    return order.clean()


class MarketplaceCase(TransactionCase):
    """A channel of the first installed type, and two storable products in stock."""

    channel_type = None  # connectors set their own

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Channel = cls.env["marketplace.channel"]
        types = [value for value, _label in Channel._fields["channel_type"]._description_selection(cls.env)]
        if not types:
            cls.skipTest(cls, "no connector installed")
        cls.channel = Channel.create(cls._channel_vals(cls.channel_type or types[0]))
        cls.product_a = cls._make_product("SKU-A", "3700000000017", 20.0)
        cls.product_b = cls._make_product("SKU-B", "3700000000024", 10.0)
        cls.importer = cls.env["marketplace.order.importer"]

    @classmethod
    def _channel_vals(cls, channel_type):
        return {"name": "Test channel", "channel_type": channel_type, "base_url": "http://127.0.0.1:9/api",
                "api_login": "client-id", "api_secret": "s3cr3t-value", "api_account": "98979"}

    @classmethod
    def _make_product(cls, sku, ean, price, qty=100):
        product = cls.env["product.product"].create({
            "name": f"Product {sku}", "default_code": sku, "barcode": ean, "list_price": price,
            "is_storable": True, "invoice_policy": "order"})
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, qty)
        return product

    def import_order(self, order, channel=None):
        return self.importer._import_order(channel or self.channel, order)
