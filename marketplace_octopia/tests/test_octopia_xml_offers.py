"""XML offer packages end to end: the offer cron writes the ZIP, Odoo's HTTP server serves it, the
Octopia simulator downloads it over real HTTP, and the next runs read the integration logs."""
import io
import zipfile

from marketplace_simulator import octopia as sim

from odoo.tests.common import HttpCase, tagged

from odoo.addons.marketplace_connector.tests.common import ensure_http_server

from .octopia_common import OctopiaSimulatorCase

XML_SUBMIT = r"/offer-integration-packages$"


@tagged("post_install", "-at_install", "marketplace", "octopia")
class TestOctopiaXmlOffers(OctopiaSimulatorCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        ensure_http_server()
        super().setUpClass()
        cls.Offer = cls.env["marketplace.offer"]
        cls.Package = cls.env["marketplace.octopia.offer.package"]

    def make_offer(self, sku, **values):
        item = next(i for i in sim.CATALOG if i["sku"] == sku)
        return self.Offer.create(dict({
            "channel_id": self.channel.id, "product_id": self.products[sku].id, "seller_sku": sku,
            "ean": item["ean"], "price": item["price"]}, **values))

    def run_offer_cron(self):
        self.channel.last_offer_push_at = False
        self.Channel._cron_push_offers()
        self.env.invalidate_all()

    def packages(self):
        return self.Package.search([("channel_id", "=", self.channel.id)], order="id")

    def test_striked_price_and_alignment_go_by_xml_package(self):
        striked = self.make_offer("CAFE-ARABICA-1KG", price=17.5, octopia_striked_price=21.0,
                                  octopia_price_must_be_aligned="Align", octopia_minimum_aligned_price=15.0)
        plain = self.make_offer("MUG-CERAM-BLEU")
        self.run_offer_cron()
        package = self.packages()
        self.assertEqual((len(package), package.state, package.offer_count), (1, "pending", 1), package.message)
        self.assertTrue(package.package_ref)
        self.assertEqual(self.sim.xml_downloads, [package.sudo()._public_url()])
        self.assertTrue(self.sim.xml_downloads[0].startswith(self.base_url() + "/marketplace_octopia/offer-package/"))
        self.assertEqual((striked.state, striked.octopia_xml_package_id), ("to_push", package))
        self.assertEqual(plain.state, "done", "offers without XML attributes keep the JSON flow")
        json_skus = {r["sellerExternalReference"] for p in self.sim.packages.values() for r in p["requests"]}
        self.assertEqual(json_skus, {"MUG-CERAM-BLEU"}, "the XML package carries the striked offer's price and stock")
        url = self.sim.xml_downloads[0]

        self.run_offer_cron()  # the simulator integrates on the second read: still pending
        self.assertEqual((package.state, striked.state), ("pending", "to_push"))
        self.assertEqual(self.api_requests(XML_SUBMIT, "POST"), 1)

        self.run_offer_cron()
        self.assertEqual(package.state, "done", package.message)
        self.assertEqual((striked.state, striked.error), ("done", False))
        self.assertEqual((striked.last_pushed_price, striked.last_pushed_quantity), (17.5, 100))
        self.assertTrue(striked.octopia_xml_fingerprint)
        self.assertFalse(package.attachment_id, "the ZIP is dropped once integrated")
        integrated = self.sim.offers["CAFE-ARABICA-1KG"]["xml"]
        self.assertEqual((integrated["StrikedPrice"], integrated["PriceMustBeAligned"],
                          integrated["MinimumPriceForPriceAlignment"], integrated["Price"]),
                         ("21.00", "Align", "15.00", "17.50"))
        self.assertEqual(self.url_open(url).status_code, 404, "a finished package is no longer served")

        self.run_offer_cron()
        self.assertEqual(len(self.packages()), 1, "unchanged offers are not sent again")
        self.assertEqual(self.api_requests(XML_SUBMIT, "POST"), 1)
        self.assertNotIn("CAFE-ARABICA-1KG", {r["sellerExternalReference"] for p in self.sim.packages.values()
                                              for r in p["requests"]})

        striked.price = 16.9  # a price change alone goes by JSON
        self.run_offer_cron()
        self.assertEqual((len(self.packages()), striked.state, striked.last_pushed_price), (1, "done", 16.9))
        striked.octopia_striked_price = 19.0  # a new striked price goes by XML again
        self.run_offer_cron()
        self.assertEqual(len(self.packages()), 2)
        self.assertEqual(striked.octopia_xml_package_id, self.packages()[-1])

    def test_rejected_offer_gets_its_error(self):
        self.sim.reset(package_steps=1)
        good = self.make_offer("THE-VERT-BIO-100", octopia_packaging_unit="Piece", octopia_packaging_value=100,
                               octopia_discount_value=2.0, octopia_discount_start="2026-11-27 00:00:00",
                               octopia_discount_end="2026-11-30 23:00:00")
        bad = self.make_offer("SUCRE-CANNE-1KG", ean="3760012345109", octopia_striked_price=5.0)
        self.run_offer_cron()
        self.run_offer_cron()
        package = self.packages()
        self.assertEqual((package.state, package.offer_count, package.error_count), ("done", 2, 1), package.message)
        self.assertEqual(good.state, "done", good.error)
        self.assertEqual(bad.state, "error")
        self.assertIn("ProductEan", bad.error)
        self.assertFalse(bad.octopia_xml_fingerprint)
        discount = self.sim.offers["THE-VERT-BIO-100"]["xmlDiscountComponents"][0]
        self.assertEqual((discount["DiscountValue"], discount["Type"], discount["StartDate"]),
                         ("2.00", "Sales", "2026-11-27T00:00:00"))
        log = self.env["marketplace.sync.log"].search([("channel_id", "=", self.channel.id), ("state", "=", "error")])
        self.assertIn(package.package_ref, " ".join(log.mapped("operation")))

    def test_zip_served_only_for_a_pending_package_token(self):
        self.make_offer("BOUILLOIRE-17L", octopia_striked_price=45.0)
        self.run_offer_cron()
        package = self.packages().sudo()
        served = self.url_open(package._public_url())
        self.assertEqual(served.status_code, 200)
        with zipfile.ZipFile(io.BytesIO(served.content)) as archive:
            self.assertIn(b"BOUILLOIRE-17L", archive.read("Content/Offers.xml"))
        wrong = package._public_url().replace(package.access_token, "x" * len(package.access_token))
        self.assertEqual(self.url_open(wrong).status_code, 404)
        self.assertEqual(self.url_open("/marketplace_octopia/offer-package/short/offers.zip").status_code, 404)

    def test_unreachable_public_url_fails_the_package(self):
        self.channel.octopia_public_url = "http://127.0.0.1:9"
        offer = self.make_offer("THERMOS-500", octopia_striked_price=25.0)
        self.run_offer_cron()
        package = self.packages()
        self.assertEqual(package.state, "error")
        self.assertEqual(offer.state, "error")
        self.assertIn("could not be downloaded", offer.error)
        self.assertFalse(package.attachment_id)
        self.assertFalse(self.channel.last_error, "a refused package does not stop the run")
        self.channel.octopia_public_url = False
        self.run_offer_cron()
        self.assertEqual(len(self.packages()), 2, "the offers are sent again by the next run")

    def test_package_left_unsubmitted_is_given_up_then_resent(self):
        offer = self.make_offer("FILTRE-PAPIER-4", octopia_striked_price=5.9)
        package = self.Package.create({
            "name": "Interrupted run", "channel_id": self.channel.id, "offer_count": 1,
            "sent_values": {offer.seller_sku: [offer.id, 4.49, 100, "digest"]}})
        offer.octopia_xml_package_id = package
        self.run_offer_cron()
        self.assertEqual((package.state, offer.state), ("error", "error"))
        self.assertIn("not submitted", offer.error)
        self.assertEqual(len(self.packages()), 1, "its offers wait for the next run")
        self.run_offer_cron()
        self.assertEqual(len(self.packages()), 2)
        self.assertEqual(self.packages()[-1].state, "pending")
