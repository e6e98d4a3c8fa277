"""The Wix test channel on its simulator, shared by the Wix test classes."""
from marketplace_simulator import wix as wix_sim

from odoo.addons.marketplace_connector.tests.common import SimulatorChannelCase


class WixChannelCase(SimulatorChannelCase):
    channel_type = "wix"
    simulator = wix_sim
    channel_name = "Wix test"
    barcode_prefix = "37000002000"
    page_size = 2

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.site = cls.simulator_state
        for index, (sku, _name, price) in enumerate(wix_sim.PRODUCTS):
            cls._make_product(sku, f"{cls.barcode_prefix}{index}{index}", price)

    @classmethod
    def _channel_vals(cls, channel_type):
        vals = {"name": cls.channel_name, "channel_type": channel_type, "base_url": cls.server.url,
                "api_secret": wix_sim.DEFAULT_API_KEY, "api_account": wix_sim.DEFAULT_SITE_ID}
        if cls.page_size:
            vals["page_size"] = cls.page_size
        return vals
