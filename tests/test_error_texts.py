"""A failed run tells people what it means, in their language, before the transport's own words."""
from marketplace_simulator import octopia as sim
from reliability_common import closed_port

from odoo.tests import tagged

from odoo.addons.marketplace_connector.tests.common import load_french
from odoo.addons.marketplace_octopia.tests.octopia_common import OctopiaSimulatorCase


@tagged("post_install", "-at_install", "marketplace")
class TestRunErrorTexts(OctopiaSimulatorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_french(cls.env, "marketplace_connector")

    def failed_run(self, lang):
        self.channel.base_url = f"http://127.0.0.1:{closed_port()}{sim.API_PREFIX}"
        self.channel.with_context(lang=lang)._run_import()
        return self.channel.last_error

    def test_unreachable_marketplace_in_english_and_in_french(self):
        english = self.failed_run("en_US")
        self.assertTrue(english.startswith("The marketplace did not answer in time"), english)
        self.assertIn("connection error", english, "the transport's detail follows")
        french = self.failed_run("fr_FR")
        self.assertFalse(french.startswith("The marketplace"), french)
        self.assertIn("prochaine", french)
        self.assertIn("connection error", french)

    def test_refused_credentials(self):
        self.channel.api_secret = "wrong-secret"
        self.channel.with_context(lang="en_US")._run_import()
        self.assertIn("check them on the channel", self.channel.last_error)
        self.assertNotIn("wrong-secret", self.channel.last_error)
