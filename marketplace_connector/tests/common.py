"""Test helpers shared by the suite's addons: a normalized-order factory, base cases, simulator cases."""
import zlib
from datetime import UTC, datetime, timedelta

import odoo
from odoo.tests.common import TransactionCase
from odoo.tools import SQL

from marketplace_transport import NormalizedAddress, NormalizedLine, NormalizedOrder, OrderStatus

BASE_TIME = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def serve_simulator(add_cleanup, simulator, **options):
    """Serve a ``marketplace_simulator`` module on 127.0.0.1 until ``add_cleanup`` runs its cleanups.

    :return: (app, what ``simulator.register`` returns, server)
    """
    from marketplace_simulator import SimulatorApp, SimulatorServer  # tests/ is on sys.path in tests only

    app = SimulatorApp()
    registered = simulator.register(app, **options)
    server = SimulatorServer(app).start()
    add_cleanup(server.stop)
    return app, registered, server


CONFLICT_FUNCTION = """
CREATE OR REPLACE FUNCTION mkp_test_conflict() RETURNS trigger AS $$
BEGIN
    IF NEW.marketplace_order_ref = TG_ARGV[0] THEN
        RAISE EXCEPTION 'could not serialize access due to concurrent update' USING ERRCODE = '40001';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql
"""


def add_conflict_on_insert(cr, order_ref):
    """Inserting the sale order of ``order_ref`` meets a real PostgreSQL serialization failure
    (SQLSTATE 40001), as under a concurrent update, until :func:`remove_conflict_on_insert`."""
    cr.execute(CONFLICT_FUNCTION)
    cr.execute(SQL("CREATE TRIGGER mkp_test_conflict BEFORE INSERT ON sale_order FOR EACH ROW "
                   "EXECUTE FUNCTION mkp_test_conflict(%s)", order_ref))


def remove_conflict_on_insert(cr):
    cr.execute("DROP TRIGGER mkp_test_conflict ON sale_order")


def count_insert_statements(cr, table):
    """Count the INSERT statements on ``table`` from now on (a PostgreSQL statement trigger, gone with
    the test's transaction). :return: a function giving the count so far"""
    return count_statements(cr, table, "INSERT")


def count_statements(cr, table, event, rows=None):
    """Count the ``event`` statements on ``table`` from now on; with ``rows`` (an SQL condition on
    a row ``now`` after the statement and, for an UPDATE, ``was`` before it), only the statements
    that write such a row. :return: a function giving the count so far"""
    assert event in ("INSERT", "UPDATE", "DELETE"), event
    counter = SQL.identifier(f"mkp_test_{table}_{event.lower()}s" + (f"_{zlib.crc32(rows.encode()):x}" if rows else ""))
    condition, referencing = SQL("TRUE"), SQL()
    if rows and event == "UPDATE":
        referencing = SQL("REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows")
        condition = SQL("EXISTS (SELECT 1 FROM old_rows was JOIN new_rows now USING (id) WHERE %s)", SQL(rows))
    elif rows:
        referencing = SQL("REFERENCING NEW TABLE AS new_rows")
        condition = SQL("EXISTS (SELECT 1 FROM new_rows now WHERE %s)", SQL(rows))
    cr.execute(SQL("""
        CREATE TABLE %(counter)s (id serial);
        CREATE FUNCTION %(counter)s() RETURNS trigger AS $$
        BEGIN IF %(condition)s THEN INSERT INTO %(counter)s DEFAULT VALUES; END IF; RETURN NULL; END $$
        LANGUAGE plpgsql;
        CREATE TRIGGER %(counter)s AFTER %(event)s ON %(table)s %(referencing)s
        FOR EACH STATEMENT EXECUTE FUNCTION %(counter)s();
    """, counter=counter, condition=condition, event=SQL(event), table=SQL.identifier(table),
        referencing=referencing))

    def count():
        cr.execute(SQL("SELECT count(*) FROM %s", counter))
        return cr.fetchone()[0]
    return count


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


def ensure_http_server():
    """pytest-odoo starts Odoo without its HTTP thread: spawn it on a free loopback port for HttpCase."""
    server = odoo.service.server.server
    if server is not None and getattr(server, "httpd", None) is None:
        server.interface, server.port = "127.0.0.1", 0
        server.http_spawn()


def no_sleep(_seconds):
    """``marketplace_sleep`` of the tests: retries and pacing never wait."""
    return None


class SimulatorChannelMixin:
    """A live marketplace simulator on 127.0.0.1 for the class, and its channel's sales.

    Set :attr:`simulator` (a ``marketplace_simulator`` module) and :attr:`channel_type`, then
    call :meth:`start_simulator` in ``setUpClass``; mixes into TransactionCase and HttpCase.
    """

    simulator = None
    channel_type = None

    @classmethod
    def start_simulator(cls, **options):
        """Register :attr:`simulator` on a new app (``cls.app``) served until the class ends (``cls.server``).

        :return: what the simulator's ``register`` returns
        """
        cls.app, registered, cls.server = serve_simulator(cls.addClassCleanup, cls.simulator, **options)
        return registered

    @classmethod
    def create_simulator_channel(cls, **values):
        """``cls.channel`` on the simulator (page size 2); ``cls.env`` then never commits nor waits."""
        cls.env = cls.env(context=dict(
            cls.env.context, marketplace_no_commit=True, marketplace_sleep=no_sleep, tracking_disable=True))
        cls.Channel = cls.env["marketplace.channel"]
        cls.channel = cls.Channel.create(
            dict({"channel_type": cls.channel_type, "base_url": cls.server.url, "page_size": 2}, **values))

    def setUp(self):
        super().setUp()
        self.reset_simulator()

    def reset_simulator(self):
        """Forget the orders and actions of the previous test, the request log and the faults."""
        self.simulator.reset(self.app)

    @property
    def state(self):
        """The simulator's state (orders...)."""
        return self.app.state[self.simulator.NAME]

    def run_cron(self):
        """The import cron, with the channel due now."""
        self.channel.last_import_at = False
        self.channel.browse().with_context(marketplace_sleep=no_sleep)._cron_import_orders()
        self.channel.invalidate_recordset()

    def assert_reimport_changes_nothing(self, stamp="write_date"):
        """Run the cron again: no new sale, the same cursor, no error, ``stamp`` of every sale unchanged."""
        sales, cursor = self.channel_sales(), self.channel.import_cursor
        self.assertTrue(cursor)
        stamps = {sale.id: sale[stamp] for sale in sales}
        self.run_cron()
        self.assertEqual(self.channel_sales(), sales, "re-import creates nothing")
        self.assertEqual(self.channel.import_cursor, cursor)
        self.assertFalse(self.channel.last_error)
        self.assertEqual({sale.id: sale[stamp] for sale in sales}, stamps)

    def channel_sales(self):
        return self.env["sale.order"].search([("marketplace_channel_id", "=", self.channel.id)])

    def sale_of(self, order):
        """Sale order imported from ``order``: a raw payload with an ``id``, or the external id."""
        ref = str(order["id"] if isinstance(order, dict) else order)
        return self.env["sale.order"].search([("marketplace_channel_id", "=", self.channel.id),
                                              ("marketplace_order_ref", "=", ref)])


class SimulatorChannelCase(SimulatorChannelMixin, MarketplaceCase):
    """:class:`MarketplaceCase` whose channel points at a live simulator keeping its state in one dict.

    The simulator's ``register`` returns that dict (``cls.simulator_state``) and ``new_state()``
    gives a fresh one; connectors complete the channel in ``_channel_vals`` (``cls.server.url``).
    """

    @classmethod
    def setUpClass(cls):
        cls.simulator_state = cls.start_simulator()
        super().setUpClass()
        cls.channel = cls.channel.with_context(marketplace_sleep=no_sleep)

    def reset_simulator(self):
        with self.app.lock:
            self.app.requests.clear()
            self.app.clear_faults()
            self.simulator_state.clear()
            self.simulator_state.update(self.simulator.new_state())


def load_french(env, *modules):
    """Activate French and load the French terms of ``modules`` (tests of translated texts)."""
    env["res.lang"]._activate_lang("fr_FR")
    env["ir.module.module"].search([("name", "in", modules)])._update_translations(["fr_FR"])
