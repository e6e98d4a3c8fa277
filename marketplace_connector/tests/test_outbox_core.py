"""The outbox in the core: one item per call, and exchange log rows held across a rollback."""
from psycopg2 import IntegrityError

from odoo.tests import tagged

from odoo.addons.marketplace_connector.tools import held_exchanges

from marketplace_transport import OrderStatus
from marketplace_transport.http import Exchange

from .common import MarketplaceCase, make_order


@tagged("post_install", "-at_install", "marketplace")
class TestOutboxCore(MarketplaceCase):
    def exchange(self, url):
        return Exchange(operation="get order", method="GET", url=url, status=200, duration_ms=3, ok=True)

    def test_the_same_call_is_queued_once(self):
        sale, _changed = self.import_order(make_order("OUT-1", status=OrderStatus.WAITING_ACCEPTANCE))
        Outbox = self.env["marketplace.outbox"]
        first = self.channel._outbox_enqueue("accept", sale, {"order": "OUT-1"})
        again = self.channel._outbox_enqueue("accept", sale, {"order": "OUT-1", "note": "later"})
        self.assertEqual(first, again)
        self.assertEqual(Outbox.search_count([("channel_id", "=", self.channel.id)]), 1)
        self.assertEqual(first._payload_values(), {"order": "OUT-1", "note": "later"})
        self.assertEqual(first.record_ref, sale)
        refuse = self.channel._outbox_enqueue("refuse", sale)
        self.assertNotEqual(refuse, first, "another operation is another call")
        with self.assertRaises(IntegrityError), self.env.cr.savepoint():  # the database refuses a twin
            Outbox.create({"channel_id": self.channel.id, "operation": "accept", "res_model": "sale.order",
                           "res_id": sale.id, "idempotency_key": first.idempotency_key})

    def test_held_exchanges_are_logged_after_a_rollback_and_redacted(self):
        recorder = self.channel._make_recorder(["s3cr3t-value"])
        Log = self.env["marketplace.sync.log"]
        domain = [("channel_id", "=", self.channel.id)]
        # not assertRaises: Odoo's rolls its block back, log rows included
        try:
            with held_exchanges(recorder), self.env.cr.savepoint():
                recorder(self.exchange("http://127.0.0.1:9/api/orders/1?token=s3cr3t-value"))
                with held_exchanges(recorder):  # nested: written once, by the outer hold
                    recorder(self.exchange("http://127.0.0.1:9/api/orders/2"))
                self.assertEqual(Log.search_count(domain), 0, "held while the savepoint is open")
                raise ValueError("rolled back")
        except ValueError as exc:
            self.assertEqual(str(exc), "rolled back", "the error goes up after the rows are written")
        logs = Log.search(domain)
        self.assertEqual(len(logs), 2)
        self.assertFalse(any("s3cr3t-value" in log.url for log in logs))
        try:
            with self.env.cr.savepoint():
                recorder(self.exchange("http://127.0.0.1:9/api/orders/3"))
                raise ValueError("rolled back")
        except ValueError as exc:
            self.assertEqual(str(exc), "rolled back")
        self.assertEqual(Log.search_count(domain), 2, "not held: rolled back with its savepoint")
