"""Self-describing connectors: each installed type has a descriptor, the core reads its defaults, help,
webhook rules and capabilities from it, and a type registered at runtime works with no core change."""
import json

from odoo.tests import TransactionCase, tagged

from marketplace_transport import MarketplaceTransport, RefundLine, RefundRequest, UserInputError, get_transport_class
from marketplace_transport.webhook import sign_hmac_sha256_base64

from ..connector import (
    DEFAULT_CONNECTOR,
    ConnectorDescriptor,
    WebhookSpec,
    all_connectors,
    get_connector,
    register,
    translated,
    unregister,
)

FAKE = "test_fake_market"


class FakeTransport(MarketplaceTransport):
    """A marketplace that accepts orders, takes offers and invoices, and refunds lines."""

    refund_modes = ("full", "partial")
    refund_limits = "Fake refund limits"

    def accept_order(self, external_id):
        return {}

    def refuse_order(self, external_id):
        return {}

    def push_offers(self, offers):
        return iter(())

    def upload_invoice(self, order_external_id, pdf_bytes, filename="invoice.pdf"):
        return {}


FAKE_CONNECTOR = ConnectorDescriptor(
    channel_type=FAKE,
    label="Fake market",
    transport=FakeTransport,
    defaults={"base_url": "https://api.fake-market.test/v1", "import_interval": 7, "page_size": 42},
    setup_help="<p>Fake market help.</p>",
    webhook=WebhookSpec(
        signature_header="X-Fake-Signature",
        order_id=lambda headers, payload: "",  # every verified delivery is acknowledged and ignored
        unsigned_answer=lambda body, headers: (200, "pong") if body == b"ping" else None),
    transport_options=lambda channel: {"fake_option": channel.name},
)


@tagged("post_install", "-at_install", "marketplace")
class TestConnectors(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Channel = cls.env["marketplace.channel"]
        cls.types = dict(cls.Channel._fields["channel_type"].selection)

    def test_every_installed_type_has_its_descriptor_beside_its_transport(self):
        registered = {connector.channel_type: connector for connector in all_connectors()}
        for channel_type, label in self.types.items():
            connector = get_connector(channel_type)
            self.assertIs(connector, registered.get(channel_type), f"{channel_type} registers a descriptor")
            self.assertEqual(connector.label, label)
            self.assertIs(connector.transport_class, get_transport_class(channel_type))

    def test_capabilities_are_the_transports(self):
        for channel_type in self.types:
            transport_class = get_transport_class(channel_type)
            channel = self.Channel.new({"channel_type": channel_type})
            self.assertEqual(channel.can_accept, transport_class.accept_order is not MarketplaceTransport.accept_order)
            self.assertEqual(channel.can_push_offers, transport_class.supports_offer_push())
            self.assertEqual(channel.can_push_stock, channel.can_push_offers or hasattr(transport_class, "push_stock"),
                             "offers carry the stock; shops take stock levels alone (push_stock)")
            self.assertEqual(channel.can_upload_invoice, hasattr(transport_class, "upload_invoice"))
            self.assertEqual(channel.can_refund_partial, "partial" in transport_class.refund_modes)

    def test_defaults_and_help_are_the_descriptors(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        defaults, helps = self.Channel._get_type_defaults(), self.Channel._get_setup_help()
        french = self.Channel.with_context(lang="fr_FR")._get_setup_help()
        for channel_type in self.types:
            connector = get_connector(channel_type)
            self.assertEqual(defaults.get(channel_type, {}), dict(connector.defaults))
            self.assertEqual(helps[channel_type], translated(self.env, connector.setup_help))
            self.assertNotEqual(french[channel_type], helps[channel_type], f"{channel_type}: help in French")
            new = self.Channel.new({"name": "New", "channel_type": channel_type})
            new._onchange_channel_type_defaults()
            for name, value in connector.defaults.items():
                self.assertEqual(new[name], value, f"{channel_type}: {name}")
        self.assertEqual(helps["default"], translated(self.env, DEFAULT_CONNECTOR.setup_help))

    def test_unknown_type_gets_the_default_descriptor(self):
        connector = get_connector("no_such_market")
        self.assertEqual(connector.channel_type, "no_such_market")
        self.assertIsNone(connector.webhook_route)
        self.assertFalse(connector.defaults)
        capabilities = connector.capabilities
        self.assertFalse(capabilities.accept_refuse or capabilities.offer_push or capabilities.invoice_upload)
        self.assertEqual(capabilities.refund_modes, ("full",))
        self.assertIsNone(self.Channel._webhook_signature_header("no_such_market"))

    def _install_fake_type(self):
        """What a connector addon does: a selection value, and its descriptor registered."""
        field = self.Channel._fields["channel_type"]
        self.patch(field, "selection", [*field.selection, (FAKE, "Fake market")])
        self.patch(field, "_selection", {**field._selection, FAKE: "Fake market"})
        register(FAKE_CONNECTOR)
        self.addCleanup(unregister, FAKE)

    def test_a_type_registered_at_runtime_works_through_the_core(self):
        self._install_fake_type()
        new = self.Channel.new({"name": "Fake", "channel_type": FAKE})
        new._onchange_channel_type_defaults()
        self.assertEqual((new.base_url, new.import_interval, new.page_size),
                         ("https://api.fake-market.test/v1", 7, 42))
        self.assertEqual(new.setup_help, "<p>Fake market help.</p>")
        channel = self.Channel.create({"name": "Fake", "channel_type": FAKE, "base_url": new.base_url,
                                       "webhook_secret": "hook-secret"})
        self.assertTrue(channel.can_accept and channel.can_push_offers and channel.can_push_stock)
        self.assertTrue(channel.can_upload_invoice and channel.can_refund_partial)
        self.assertIs(channel._get_transport_class(), FakeTransport)
        transport = channel._get_transport()
        self.assertIsInstance(transport, FakeTransport)
        self.assertEqual(transport.option("fake_option"), "Fake", "the descriptor's transport options")
        self.assertTrue(channel.webhook_url.endswith(f"/marketplace/webhook/{FAKE}/{channel.id}"))

    def test_a_type_registered_at_runtime_receives_webhooks(self):
        self._install_fake_type()
        channel = self.Channel.create({"name": "Fake", "channel_type": FAKE, "base_url": "https://x.test",
                                       "webhook_secret": "hook-secret"})
        body = json.dumps({"id": 1}).encode()
        signed = {"X-Fake-Signature": sign_hmac_sha256_base64("hook-secret", body)}
        handle = self.Channel.sudo()._handle_webhook
        self.assertEqual(handle(FAKE, channel.id, body, signed), (200, "ignored"))
        self.assertEqual(handle(FAKE, channel.id, b"ping", {}), (200, "pong"))
        self.assertEqual(handle(FAKE, channel.id, body, {}), (401, "invalid signature"))
        self.assertEqual(handle("no_such_market", channel.id, body, signed), (401, "invalid signature"))

    def test_unregistered_type_loses_its_capabilities(self):
        self._install_fake_type()
        channel = self.Channel.create({"name": "Fake", "channel_type": FAKE, "base_url": "https://x.test"})
        self.assertTrue(channel.can_accept)
        unregister(FAKE)
        channel.invalidate_recordset()
        self.assertFalse(channel.can_accept or channel.can_push_offers, "no transport is registered by that name")
        self.assertEqual(channel.setup_help, self.Channel._get_setup_help()["default"])

    def test_a_refund_mode_the_type_lacks_is_refused_before_any_call(self):
        self._install_fake_type()
        channel = self.Channel.create({"name": "Fake", "channel_type": FAKE, "base_url": "https://x.test"})
        self.assertTrue(channel.can_refund_partial)
        self.assertFalse(channel.can_refund_amount, "FakeTransport.refund_modes has no 'amount'")
        calls = []
        self.patch(FakeTransport, "refund_order", lambda transport, refund: calls.append(refund))
        gesture = RefundRequest("F-1", "damaged", amount=5.0, amount_only=True)
        self.assertEqual(gesture.mode, "amount")
        with self.assertRaisesRegex(UserInputError, "Fake refund limits"):
            channel._send_refund(self.env["sale.order"], gesture)
        channel._send_refund(self.env["sale.order"], RefundRequest("F-1", "damaged", lines=[RefundLine("L1", 1)]))
        self.assertEqual([refund.mode for refund in calls], ["partial"])
