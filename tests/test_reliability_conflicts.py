"""A concurrent update (serialization failure, deadlock) is not a bad order: the page is rolled back
and done again by the next run, instead of landing in the failed imports."""
from odoo.tests import tagged

from odoo.addons.marketplace_octopia.tests.octopia_common import OctopiaSimulatorCase

CONFLICT_TRIGGER = """
CREATE FUNCTION mkp_test_conflict() RETURNS trigger AS $$
BEGIN
    IF NEW.marketplace_order_ref = %s THEN
        RAISE EXCEPTION 'could not serialize access due to concurrent update' USING ERRCODE = '40001';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER mkp_test_conflict BEFORE INSERT ON sale_order FOR EACH ROW EXECUTE FUNCTION mkp_test_conflict();
"""


@tagged("post_install", "-at_install", "marketplace")
class TestConcurrentUpdateDuringImport(OctopiaSimulatorCase):
    def test_page_hit_by_a_serialization_failure_is_redone_by_the_next_run(self):
        orders = self.add_orders(3, seed=77, statuses=["InPreparation"])
        # a real PostgreSQL serialization failure (SQLSTATE 40001) when the second order is inserted
        self.env.cr.execute(CONFLICT_TRIGGER, (orders[1]["orderId"],))
        self.run_cron()
        failures = self.env["marketplace.import.failure"].search([("channel_id", "=", self.channel.id)])
        self.assertFalse(failures, "a concurrent update is not a bad order: " + " | ".join(failures.mapped("reason")))
        self.assertFalse(self.channel_orders(), "the interrupted page is rolled back as a whole")
        self.assertFalse(self.channel.import_cursor, "the cursor does not cover the interrupted page")
        self.env.cr.execute("DROP TRIGGER mkp_test_conflict ON sale_order")
        self.run_cron()
        self.assertEqual(len(self.channel_orders()), 3, "the next run imports the page, each order once")
        self.assertFalse(self.env["marketplace.import.failure"].search([("channel_id", "=", self.channel.id)]))
