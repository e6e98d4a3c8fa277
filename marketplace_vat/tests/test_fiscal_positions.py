from odoo.tests import tagged

from odoo.addons.marketplace_connector.tests.common import load_french

from ..vat.rates import EU_MEMBER_STATES, standard_rate
from ..vat.regime import B2C_WHY, REASONS, Regime, RegimeDecision, RegimeInput, VatStatus, decide_regime
from .common import VatCase


@tagged("post_install", "-at_install", "marketplace")
class TestFiscalPositions(VatCase):
    def _positions(self, regime):
        return self.env["account.fiscal.position"].search(
            [("company_id", "=", self.company.id), ("marketplace_vat_regime", "=", regime)])

    def test_setup_creates_one_position_per_regime_and_oss_country(self):
        self.company._marketplace_vat_setup()
        for regime in ("domestic", "intra_eu_b2b", "eu_b2c_home", "export", "deemed_supplier"):
            self.assertEqual(len(self._positions(regime)), 1, regime)
        oss = self._positions("eu_b2c_oss")
        self.assertEqual(sorted(oss.marketplace_country_id.mapped("code")), sorted(EU_MEMBER_STATES - {"FR"}))
        regimes = ("domestic", "export", "eu_b2c_oss")
        self.assertFalse(any(any(self._positions(r).mapped("auto_apply")) for r in regimes),
                         "our positions never compete with the chart's automatic ones")

    def test_oss_taxes_carry_each_destination_standard_rate(self):
        self.company._marketplace_vat_setup()
        for position in self._positions("eu_b2c_oss"):
            code = position.marketplace_country_id.code
            dest = position.map_tax(self.tva_20)
            self.assertEqual(len(dest), 1, code)
            self.assertEqual(dest.amount, standard_rate(code), code)
            self.assertEqual(dest.marketplace_oss_country_id.code, code)
            self.assertEqual(dest.type_tax_use, "sale")
            self.assertEqual(dest.country_id.code, "FR", "OSS taxes live in the French tax report")
            self.assertTrue(dest.tax_group_id.name.startswith("OSS"), code)
            for lines in (dest.invoice_repartition_line_ids, dest.refund_repartition_line_ids):
                self.assertEqual(sorted(lines.mapped("repartition_type")), ["base", "tax"])
                self.assertTrue(lines.filtered(lambda rep: rep.repartition_type == "tax").account_id, code)
            invoice_lines = dest.invoice_repartition_line_ids
            base_tags = invoice_lines.filtered(lambda rep: rep.repartition_type == "base").tag_ids
            self.assertIn("+E3", base_tags.mapped("name"), "distance sales box of the French return")
        rates = {p.marketplace_country_id.code: p.map_tax(self.tva_20).amount for p in self._positions("eu_b2c_oss")}
        self.assertEqual((rates["IT"], rates["EE"], rates["RO"], rates["DE"], rates["FI"]),
                         (22.0, 24.0, 21.0, 19.0, 25.5))

    def test_exempt_positions_map_to_zero_rate_chart_taxes(self):
        self.company._marketplace_vat_setup()
        chart = self.env["account.chart.template"]
        expected = {"intra_eu_b2b": "tva_sale_good_intra_0", "export": "tva_sale_good_export_0",
                    "deemed_supplier": "tva_sale_good_0"}
        reduced = chart.ref("tva_reduite")
        for regime, xmlid in expected.items():
            position = self._positions(regime)
            self.assertEqual(position.map_tax(self.tva_20), chart.ref(xmlid), regime)
            self.assertEqual(position.map_tax(reduced), chart.ref(xmlid), regime)
        self.assertEqual(self._positions("domestic").map_tax(self.tva_20), self.tva_20)
        self.assertEqual(self._positions("eu_b2c_home").map_tax(self.tva_20), self.tva_20)

    def test_setup_is_idempotent_and_completes_missing_mappings(self):
        self.company._marketplace_vat_setup()
        counts = (self.env["account.fiscal.position"].search_count([("company_id", "=", self.company.id)]),
                  self.env["account.tax"].search_count([("company_id", "=", self.company.id)]))
        b2b = self._positions("intra_eu_b2b")
        b2b.tax_ids.filtered(lambda m: m.tax_src_id == self.tva_20).unlink()
        self.env["res.config.settings"].create({}).action_marketplace_vat_setup()  # the settings button
        self.assertEqual(
            (self.env["account.fiscal.position"].search_count([("company_id", "=", self.company.id)]),
             self.env["account.tax"].search_count([("company_id", "=", self.company.id)])), counts)
        self.assertEqual(b2b.map_tax(self.tva_20).amount, 0.0, "the removed mapping is restored")

    def test_chart_loading_created_the_positions(self):
        self.assertEqual(len(self._positions("eu_b2c_oss")), 26, "French chart loaded in setUpClass")

    def test_positions_are_created_on_demand(self):
        self.env["account.fiscal.position"].search(
            [("company_id", "=", self.company.id), ("marketplace_vat_regime", "!=", False)]).unlink()
        position = self.company._marketplace_fiscal_position_for("eu_b2c_oss", "IT")
        self.assertEqual(position.marketplace_country_id.code, "IT")
        self.assertEqual(position.map_tax(self.tva_20).amount, 22.0)


@tagged("post_install", "-at_install", "marketplace")
class TestVatTexts(VatCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_french(cls.env, "marketplace_vat")

    def test_every_regime_reason_is_translated(self):
        Sale = self.env["sale.order"].with_context(lang="fr_FR")
        for code in REASONS:
            for why in (B2C_WHY if code.startswith("eu_b2c") else [None]):
                args = {"dest": "DE", "home": "FR", "value": "99.00", "limit": "150"}
                if why:
                    args["why"] = why
                decision = RegimeDecision(Regime.DOMESTIC, "FR", "DE", code, args)
                french = Sale._marketplace_regime_reason(decision)
                self.assertNotEqual(french, decision.reason, f"{code}/{why}: no French text")
                if why:
                    english_why = B2C_WHY[why].format(**args)
                    self.assertNotIn(english_why, french, f"{code}/{why}: English part left")
        decision = decide_regime(RegimeInput(company_country="FR", ship_country="DE", vat_status=VatStatus.PENDING,
                                             is_business=True))
        self.assertIn("en attente", Sale._marketplace_regime_reason(decision))

    def test_fiscal_positions_are_named_in_each_language(self):
        self.company._marketplace_vat_setup()
        Position = self.env["account.fiscal.position"]
        domain = [("company_id", "=", self.company.id), ("marketplace_vat_regime", "=", "export")]
        Position.search(domain).unlink()
        self.company._marketplace_vat_setup()
        position = Position.search(domain)
        self.assertEqual(position.with_context(lang="en_US").name, "Marketplace: export / overseas departments")
        self.assertEqual(position.with_context(lang="fr_FR").name, "Marketplace : export / DOM")
