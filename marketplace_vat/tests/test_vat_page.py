"""VIES is asked before a page's savepoints: its answer outlives a page rolled back by a
concurrent update, and the page's orders use it without asking again."""
from odoo.tests import tagged

from odoo.addons.marketplace_connector.run import ImportRun, Page, PageItem
from odoo.addons.marketplace_connector.tests.common import (
    add_conflict_on_insert,
    make_address,
    make_order,
    remove_conflict_on_insert,
)

from .common import VatCase
from .test_vat_import import DE_BUYER


@tagged("post_install", "-at_install", "marketplace")
class TestVatBeforePage(VatCase):
    def import_page(self, order):
        run = ImportRun()
        newest = self.channel._import_page_in_savepoint(
            self.channel._get_transport(), Page([PageItem.of_order(order)]), run)
        return newest, run

    def test_vies_answer_outlives_a_rolled_back_page(self):
        self.company.marketplace_vies_cache_hours = 0  # no reuse: only the page's own answer
        address = make_address(**dict(DE_BUYER, vat="DE136695976"))
        order = make_order("DE-PAGE-1", billing=address, shipping=address, is_business=True,
                           customer_external_id="CUST-DE-PAGE-1")
        Check = self.env["marketplace.vat.check"].sudo()
        calls = len(self.vies.checks)
        add_conflict_on_insert(self.env.cr, order.external_id)
        _newest, run = self.import_page(order)
        self.assertTrue(run.interrupted, "the page met the concurrent update")
        self.assertEqual(len(self.vies.checks), calls + 1)
        check = Check.search([("vat", "=", "DE136695976")])
        self.assertEqual(check.state, "valid", "the answer was stored before the page's savepoint")
        remove_conflict_on_insert(self.env.cr)
        _newest, run = self.import_page(order)
        self.assertFalse(run.interrupted)
        self.assertEqual(len(self.vies.checks), calls + 2, "one call per page, none inside the order")
        sale = self.env["sale.order"].search([("marketplace_order_ref", "=", "DE-PAGE-1")])
        self.assertEqual(sale.marketplace_vat_check_id, check)
        self.assertEqual(sale.marketplace_vat_regime, "intra_eu_b2b")
