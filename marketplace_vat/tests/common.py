"""A French seller company with the FR chart, a channel, products and the VIES simulator."""
from marketplace_simulator import vies as vies_sim

from odoo.tests.common import TransactionCase

from odoo.addons.marketplace_connector.tests.common import make_address, make_order, serve_simulator


def make_french_seller(env, vies_wsdl_url=None, name="Vendeur FR"):
    """A French company with the FR chart (hence the marketplace fiscal positions), made the current
    user's company; returns ``(company, env)`` with ``env`` restricted to it. Reusable by other
    addons' tests: the template database's own company is American."""
    eur = env.ref("base.EUR")
    eur.active = True
    company = env["res.company"].create({
        "name": name, "country_id": env.ref("base.fr").id, "currency_id": eur.id,
        "vat": "FR40303265045", "street": "12 rue du Test", "zip": "75002", "city": "Paris"})
    env.user.company_ids |= company
    env.user.company_id = company
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    env["account.chart.template"].try_loading("fr", company=company, install_demo=False)
    if vies_wsdl_url:  # the simulator serves SOAP and REST: no check (nor fallback) leaves the machine
        root = vies_wsdl_url.rsplit("/", 1)[0]
        company.write({"marketplace_vies_wsdl_url": vies_wsdl_url, "marketplace_vies_timeout": 5,
                       "marketplace_vies_rest_url": f"{root}/taxation_customs/vies/rest-api"})
    return company, env


class VatCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vies_app, cls.vies, cls.vies_server = serve_simulator(cls.addClassCleanup, vies_sim)
        cls.company, cls.env = make_french_seller(cls.env, f"{cls.vies_server.url}/checkVatService.wsdl")
        cls.tva_20 = cls.env["account.chart.template"].ref("tva_normale")
        Channel = cls.env["marketplace.channel"]
        channel_type = Channel._fields["channel_type"]._description_selection(cls.env)[0][0]
        cls.channel = Channel.create({
            "name": "VAT channel", "channel_type": channel_type, "base_url": "http://127.0.0.1:9/api",
            "company_id": cls.company.id, "invoice_policy": "confirm"})  # default is "never"
        cls.product_a = cls._make_product("SKU-A", 20.0)
        cls.product_b = cls._make_product("SKU-B", 10.0)
        cls.importer = cls.env["marketplace.order.importer"]

    @classmethod
    def _make_product(cls, sku, price):
        product = cls.env["product.product"].create({
            "name": f"Product {sku}", "default_code": sku, "list_price": price, "is_storable": True,
            "invoice_policy": "order", "taxes_id": [(6, 0, cls.tva_20.ids)], "company_id": cls.company.id})
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 100)
        return product

    @classmethod
    def _serve_octopia_channel(cls):
        """Replace the VAT channel by an Octopia channel on its simulator (uploads); skip without the addon."""
        types = [value for value, _label in
                 cls.env["marketplace.channel"]._fields["channel_type"]._description_selection(cls.env)]
        if "octopia" not in types:
            cls.skipTest(cls, "marketplace_octopia is not installed")
        from marketplace_simulator import octopia as octopia_sim

        cls.octopia_sim = octopia_sim
        cls.octopia_app, cls.octopia, cls.octopia_server = serve_simulator(cls.addClassCleanup, octopia_sim)
        cls.env = cls.env(context=dict(cls.env.context, marketplace_no_commit=True,
                                       marketplace_sleep=lambda _seconds: None))
        cls.channel = cls.env["marketplace.channel"].create({
            "name": "Cdiscount (simulator)", "channel_type": "octopia", "company_id": cls.company.id,
            "base_url": cls.octopia_server.url + octopia_sim.API_PREFIX, "api_login": octopia_sim.DEFAULT_CLIENT_ID,
            "api_secret": octopia_sim.DEFAULT_CLIENT_SECRET, "api_account": octopia_sim.DEFAULT_SELLER_ID,
            "invoice_policy": "confirm"})
        cls.importer = cls.env["marketplace.order.importer"]

    def import_order(self, external_id, ship=None, bill=None, **values):
        """Import a NormalizedOrder shipped to ``ship`` (address overrides) through the pipeline."""
        shipping = make_address(**(ship or {}))
        billing = make_address(**(bill or ship or {}))
        order = make_order(external_id, billing=billing, shipping=shipping,
                           customer_external_id=f"CUST-{external_id}", **values)
        sale, _changed = self.importer._import_order(self.channel, order)
        return sale

    def tax_rates(self, sale):
        return sorted(set(sale.order_line.filtered("marketplace_line_id").tax_id.mapped("amount")))

    def messages(self, record):
        return " ".join(record.message_ids.mapped("body"))
