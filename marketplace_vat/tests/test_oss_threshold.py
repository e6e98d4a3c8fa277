"""Issue 19 item 3: the EUR 10,000 threshold computed from posted invoices (art. 59c), the dated option."""
import importlib.util
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import VatCase

IT_CONSUMER = {"name": "Giulia Rossi", "street": "Via Roma 1", "zip": "20121", "city": "Milano",
               "country_code": "IT", "email": "giulia@example.it"}
MIGRATION = Path(__file__).resolve().parents[1] / "migrations" / "18.0.1.1.0" / "pre-migrate.py"


@tagged("post_install", "-at_install", "marketplace")
class TestOssThreshold(VatCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.last_year = date(cls.today.year - 1, 6, 30)
        cls.this_year = date(cls.today.year, 1, 15)
        Partner = cls.env["res.partner"]
        cls.austrian = Partner.create({"name": "Anna Huber", "country_id": cls.env.ref("base.at").id})
        cls.german = Partner.create({"name": "Jonas Weber", "country_id": cls.env.ref("base.de").id})
        cls.french = Partner.create({"name": "Léa Petit", "country_id": cls.env.ref("base.fr").id})

    def post(self, amount, day, regime="eu_b2c_home", move_type="out_invoice", partner=None):
        """A posted customer invoice (or credit note) of ``amount`` EUR without VAT."""
        move = self.env["account.move"].create({
            "move_type": move_type, "partner_id": (partner or self.austrian).id, "invoice_date": day,
            "marketplace_vat_regime": regime,
            "invoice_line_ids": [Command.create({"name": "Goods", "quantity": 1, "price_unit": amount,
                                                 "tax_ids": [Command.set(self.tva_20.ids)]})],
        })
        move.action_post()
        return move

    def sell_to_italy(self, ref):
        return self.import_order(ref, ship=dict(IT_CONSUMER, email=f"{ref.lower()}@example.it"),
                                 lines=[("SKU-A", 1, 24.0)])

    def test_below_the_threshold_the_home_vat_applies(self):
        self.post(9_000.0, self.this_year)
        self.post(9_000.0, self.last_year)
        self.assertAlmostEqual(self.company._marketplace_distance_sales(self.today.year), 9_000.0, places=2)
        sale = self.sell_to_italy("TH-1")
        self.assertEqual((sale.marketplace_vat_regime, self.tax_rates(sale)), ("eu_b2c_home", [20.0]))
        self.assertAlmostEqual(self.company._marketplace_distance_sales(self.today.year), 9_020.0, places=2,
                               msg="its posted invoice counts")

    def test_the_previous_year_above_the_threshold_taxes_at_destination(self):
        self.post(10_000.01, self.last_year)
        sale = self.sell_to_italy("TH-2")
        self.assertEqual((sale.marketplace_vat_regime, self.tax_rates(sale)), ("eu_b2c_oss", [22.0]))
        self.assertFalse(self.company.marketplace_oss_threshold_date, "exceeded last year, not crossed this year")

    def test_the_sale_that_crosses_the_threshold_is_taxed_at_destination(self):
        self.post(9_990.0, self.this_year)
        first = self.sell_to_italy("TH-3")  # 20 EUR without VAT: 10,010
        self.assertEqual((first.marketplace_vat_regime, self.tax_rates(first)), ("eu_b2c_oss", [22.0]))
        self.assertAlmostEqual(first.amount_total, 24.0, places=2, msg="tax-included price kept")
        self.assertEqual(self.company.marketplace_oss_threshold_date, self.today)
        activity = first.activity_ids.filtered(lambda a: a.summary == "EU distance-sales threshold exceeded")
        self.assertIn("10010.00 EUR", activity.note)
        self.assertIn("art. 59c", activity.note)
        self.assertIn("OSS", self.messages(first))
        second = self.sell_to_italy("TH-4")
        self.assertEqual(second.marketplace_vat_regime, "eu_b2c_oss")
        self.assertFalse(second.activity_ids.filtered(lambda a: a.summary == "EU distance-sales threshold exceeded"),
                         "the accountant is told once")

    def test_the_recorded_crossing_covers_the_orders_not_invoiced_yet(self):
        self.channel.invoice_policy = "never"
        self.post(9_990.0, self.this_year)
        self.assertEqual(self.sell_to_italy("TH-10").marketplace_vat_regime, "eu_b2c_oss")
        self.assertEqual(self.sell_to_italy("TH-11").marketplace_vat_regime, "eu_b2c_oss",
                         "the first one is not invoiced, but the threshold was exceeded today")

    def test_an_order_dated_before_the_crossing_keeps_the_home_vat(self):
        self.post(10_500.0, self.this_year)
        early = self.import_order("TH-12", ship=IT_CONSUMER, lines=[("SKU-A", 1, 24.0)],
                                  created_at=datetime(self.today.year, 1, 10, 9, tzinfo=UTC))
        self.assertEqual(early.marketplace_vat_regime, "eu_b2c_home", "on 10 January nothing was sold yet")
        self.assertEqual(self.sell_to_italy("TH-13").marketplace_vat_regime, "eu_b2c_oss")

    def test_credit_notes_are_deducted(self):
        self.post(10_500.0, self.this_year)
        self.post(700.0, self.this_year, move_type="out_refund")
        self.assertAlmostEqual(self.company._marketplace_distance_sales(self.today.year), 9_800.0, places=2)
        self.assertEqual(self.sell_to_italy("TH-5").marketplace_vat_regime, "eu_b2c_home")

    def test_only_intra_eu_distance_sales_count(self):
        self.post(20_000.0, self.this_year, regime="domestic")
        self.post(20_000.0, self.this_year, regime="intra_eu_b2b")
        self.post(20_000.0, self.this_year, regime=False, partner=self.french)
        self.assertEqual(self.company._marketplace_distance_sales(self.today.year), 0.0)
        self.post(10_001.0, self.this_year, regime=False, partner=self.german)  # a sale outside the marketplaces
        self.assertAlmostEqual(self.company._marketplace_distance_sales(self.today.year), 10_001.0, places=2)
        self.assertEqual(self.sell_to_italy("TH-6").marketplace_vat_regime, "eu_b2c_oss")

    def test_the_threshold_of_an_order_is_one_query(self):
        """Both years and both kinds of distance sales in one grouped query (checked twice per order)."""
        self.post(6_000.0, self.last_year)
        self.post(3_000.0, self.this_year)
        self.post(2_000.0, self.this_year, regime=False, partner=self.german)
        self.company._marketplace_threshold_status(self.today)  # warms the company's and xmlid caches
        with self.assertQueryCount(1):
            status = self.company._marketplace_threshold_status(self.today, 4_000.0)
        self.assertEqual((status.destination, status.reason), (False, "below"))
        self.assertTrue(self.company._marketplace_threshold_status(self.today, 5_000.01).destination)

    def test_settings_show_both_years(self):
        self.post(1_000.0, self.this_year)
        self.post(2_000.0, self.last_year)
        settings = self.env["res.config.settings"].create({})
        self.assertEqual((settings.marketplace_distance_sales_current, settings.marketplace_distance_sales_previous),
                         (1_000.0, 2_000.0))

    def test_the_option_is_dated_and_binds_two_calendar_years(self):
        tomorrow = self.today + timedelta(days=1)
        self.company.marketplace_oss_option_date = tomorrow
        self.assertEqual(self.sell_to_italy("TH-7").marketplace_vat_regime, "eu_b2c_home", "not in force yet")
        self.company.marketplace_oss_option_date = self.today  # not in force yet: may still be corrected
        self.assertEqual(self.company.marketplace_oss_option_until, date(self.today.year + 2, 12, 31))
        self.assertEqual(self.sell_to_italy("TH-8").marketplace_vat_regime, "eu_b2c_oss")
        with self.assertRaisesRegex(UserError, "binds the company until"):
            self.company.marketplace_oss_option_date = False
        with self.assertRaisesRegex(UserError, "art. 59c"):
            self.env["res.config.settings"].create({"marketplace_oss_option_date": tomorrow}).execute()

    def test_migration_turns_the_flag_into_an_option_dated_today(self):
        spec = importlib.util.spec_from_file_location("marketplace_vat_pre_migrate_18_0_1_1_0", MIGRATION)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        cr = self.env.cr
        cr.execute("ALTER TABLE res_company ADD COLUMN marketplace_above_oss_threshold boolean")
        cr.execute("UPDATE res_company SET marketplace_above_oss_threshold = (id = %s)", [self.company.id])
        other = self.env["res.company"].search([("id", "!=", self.company.id)], limit=1)
        migration.migrate(cr, "18.0.1.0.0")
        self.env["res.company"].invalidate_model(["marketplace_oss_option_date"])
        self.assertEqual(self.company.marketplace_oss_option_date, self.today)
        self.assertFalse(other.marketplace_oss_option_date)
        self.assertEqual(self.sell_to_italy("TH-9").marketplace_vat_regime, "eu_b2c_oss")
