"""French invoice mentions in the rendered invoice: the seller's identity on every invoice (B2C and B2B),
the buyer's SIREN and the payment terms on business invoices (issue 19 item 6)."""
import ast
from pathlib import Path

from odoo.tests import tagged

from .common import VatCase
from .test_vat_import import DE_BUYER

FR_BUSINESS = {"name": "Claire Martin", "company_name": "Client SARL", "street": "3 rue de la Paix", "zip": "69002",
               "city": "Lyon", "country_code": "FR", "email": "compta@client.example", "vat": "FR96552100554"}
SELLER = "SAS au capital de 10 000,00 € – SIREN 303265045 – RCS Paris"
PENALTY_LEGAL = "majoré de 10 points de pourcentage"
DEMO_SETUP = Path(__file__).resolve().parents[2] / "scripts" / "demo_setup.py"
INDEMNITY = "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €"


@tagged("post_install", "-at_install", "marketplace")
class TestVatMentions(VatCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"marketplace_legal_form": "SAS", "marketplace_share_capital": 10000.0,
                           "marketplace_rcs_city": "Paris"})

    def render(self, invoice):
        html = self.env["ir.actions.report"]._render_qweb_html("account.account_invoices", invoice.ids)[0]
        return (html.decode() if isinstance(html, bytes) else html).replace("&nbsp;", " ")

    def test_consumer_invoice_shows_the_seller_only(self):
        html = self.render(self.import_order("MEN-1", total_amount=24.0).invoice_ids)
        self.assertIn(SELLER, html, "CGI ann. II art. 242 nonies A I 1°, C. com. R123-237, L224-1")
        for business_only in ("SIREN du client", "Pénalités de retard", INDEMNITY, "Escompte"):
            self.assertNotIn(business_only, html)

    def test_french_business_invoice_shows_buyer_siren_penalties_indemnity_and_escompte(self):
        sale = self.import_order("MEN-2", ship=FR_BUSINESS, is_business=True, total_amount=24.0)
        html = self.render(sale.invoice_ids)
        self.assertIn(SELLER, html)
        self.assertIn("SIREN du client : 552100554", html, "derived from FR96 + SIREN")
        self.assertIn("Escompte pour paiement anticipé : néant.", html)
        self.assertIn("Pénalités de retard exigibles le jour suivant la date de règlement", html)
        self.assertIn(PENALTY_LEGAL, html, "no rate set: the legal default of C. com. L441-10 II")
        self.assertIn(INDEMNITY, html)
        self.assertIn("D441-5", html)

    def test_agreed_penalty_rate_and_early_payment_discount(self):
        self.company.marketplace_late_penalty_rate = 12.5
        term = self.env["account.payment.term"].create({
            "name": "30 days, 2% at 10 days", "early_discount": True, "discount_percentage": 2.0,
            "discount_days": 10, "line_ids": [(0, 0, {"value": "percent", "value_amount": 100, "nb_days": 30})]})
        self.channel.payment_term_id = term
        sale = self.import_order("MEN-3", ship=FR_BUSINESS, is_business=True, total_amount=24.0)
        html = self.render(sale.invoice_ids)
        self.assertIn("12,5 % par an", html)
        self.assertNotIn(PENALTY_LEGAL, html)
        self.assertIn("Escompte pour paiement anticipé : 2 % si paiement sous 10 jours.", html)

    def test_buyer_siren_from_siret_else_none_for_foreign_or_monaco_numbers(self):
        paul = dict(FR_BUSINESS, vat="", name="Paul Durand", email="paul@client.example")
        sale = self.import_order("MEN-4", ship=paul, is_business=True)
        invoice = self.env["account.move"].new({"move_type": "out_invoice", "partner_id": sale.partner_id.id,
                                                "company_id": self.company.id})
        self.assertEqual(invoice._marketplace_buyer_siren(), "")
        sale.partner_id.commercial_partner_id.company_registry = "73282932000074"
        self.assertEqual(invoice._marketplace_buyer_siren(), "732829320")
        german = self.import_order("MEN-5", ship=dict(DE_BUYER, vat="DE136695976"), is_business=True,
                                   total_amount=24.0)
        html = self.render(german.invoice_ids)
        self.assertNotIn("SIREN du client", html, "a German buyer has no SIREN")
        self.assertIn(INDEMNITY, html, "a business buyer all the same")
        self.assertIn("262 ter I du CGI", html, "next to the regime's mentions")
        monaco = self.env["account.move"].new({"move_type": "out_invoice", "partner_id": sale.partner_id.id,
                                               "marketplace_buyer_vat": "FR53000004605"})
        sale.partner_id.commercial_partner_id.company_registry = False
        self.assertEqual(monaco._marketplace_buyer_siren(), "", "Monaco numbers hold no SIREN")

    def test_seller_siren_from_siret_or_registry_else_vat_and_only_known_parts(self):
        self.company.write({"marketplace_legal_form": False, "marketplace_rcs_city": False})
        html = self.render(self.import_order("MEN-6", total_amount=24.0).invoice_ids)
        self.assertIn("SIREN 303265045", html, "from the VAT number FR40 + SIREN")
        self.assertNotIn("au capital de", html)
        self.assertNotIn("RCS", html)
        self.company.company_registry = "542 065 479 00011"
        html = self.render(self.import_order("MEN-6B", total_amount=24.0).invoice_ids)
        self.assertIn("SIREN 542065479", html, "the registry (SIRET) comes before the VAT number")

    def test_no_french_mentions_outside_french_customer_invoices(self):
        sale = self.import_order("MEN-7", total_amount=24.0)
        self.assertTrue(sale.invoice_ids._marketplace_french_mention_lines())
        bill = self.env["account.move"].new({"move_type": "in_invoice", "company_id": self.company.id})
        self.assertEqual(bill._marketplace_french_mention_lines(), [])

    def test_demo_company_prints_its_mentions(self):
        """``make run`` (scripts/demo_setup.py) makes the demo company a French SAS with its legal data."""
        tree = ast.parse(DEMO_SETUP.read_text())
        function = next(node for node in tree.body if getattr(node, "name", "") == "french_company_mentions")
        namespace = {}
        exec(compile(ast.Module([function], []), str(DEMO_SETUP), "exec"), namespace)  # pylint: disable=exec-used
        self.company.write({"marketplace_legal_form": False, "marketplace_share_capital": 0.0,
                            "marketplace_rcs_city": False, "company_registry": False})
        namespace["french_company_mentions"](self.company)
        self.assertEqual(self.company.country_id.code, "FR")
        html = self.render(self.import_order("MEN-8", total_amount=24.0).invoice_ids)
        self.assertIn(SELLER, html)
