"""A failed run tells people what it means, in their language, before the transport's own words."""
from marketplace_simulator import octopia as sim
from reliability_common import closed_port

from odoo.tests import tagged

from odoo.addons.marketplace_connector.tests.common import load_french
from odoo.addons.marketplace_octopia.tests.octopia_common import OctopiaSimulatorCase

from marketplace_transport import MarketplaceError, UserInputError
from marketplace_transport.exceptions import ERROR_CODES


class FrenchOctopiaCase(OctopiaSimulatorCase):
    """An Octopia channel on its simulator, with the connector's French loaded."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_french(cls.env, "marketplace_connector")


@tagged("post_install", "-at_install", "marketplace")
class TestRunErrorTexts(FrenchOctopiaCase):

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


@tagged("post_install", "-at_install", "marketplace")
class TestErrorCodeTexts(FrenchOctopiaCase):
    """Every transport error code has its own sentence, in English and in French, with its params."""

    def texts(self, lang):
        return self.channel.with_context(lang=lang)._error_texts()

    def test_every_code_has_a_sentence_in_english_and_french(self):
        english, french = self.texts("en_US"), self.texts("fr_FR")
        self.assertEqual(set(english), set(ERROR_CODES))
        for code in ERROR_CODES:
            if code not in ("error", "remote"):  # "remote" reads as the generic refusal
                self.assertNotEqual(english[code], english["error"], code)
            self.assertNotEqual(french[code], english[code], f"{code} has no French text")

    def test_params_fill_the_sentence_and_the_detail_follows(self):
        error = UserInputError("Order 42: all lines refunded already", code="nothing_to_refund",
                               params={"order": "42"})
        text = self.channel.with_context(lang="en_US")._error_text(error)
        self.assertEqual(text, "Order 42 has nothing left to refund. Order 42: all lines refunded already")

    def test_unknown_code_or_missing_params_read_as_a_refusal(self):
        channel = self.channel.with_context(lang="en_US")
        refused = channel._error_texts()["error"]
        self.assertTrue(channel._error_text(MarketplaceError("x", code="from_a_new_addon")).startswith(refused))
        self.assertTrue(channel._error_text(UserInputError("x", code="nothing_to_refund")).startswith(refused))

    def test_secrets_are_redacted_from_the_detail(self):
        self.channel.api_secret = "s3cr3t-value"
        text = self.channel._error_text(MarketplaceError("refused token s3cr3t-value"))
        self.assertNotIn("s3cr3t-value", text)
