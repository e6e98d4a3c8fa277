# Run through `odoo shell` by scripts/run.sh: wire the demo channels to the running simulator.
# The shell executes this file with its variables (env, odoo...) as globals.
import os


def french_company_mentions(company):
    """The demo company as a French SAS: VAT number, SIRET, RCS, legal form and share capital on its invoices."""
    values = {"vat": "FR40303265045", "company_registry": "30326504500003", "marketplace_legal_form": "SAS",
              "marketplace_share_capital": 10000.0, "marketplace_rcs_city": "Paris"}
    if "siret" in company._fields:
        values["siret"] = values["company_registry"]
    company.write({name: value for name, value in values.items() if not company[name]})


def wire_demo_channels(env, url, odoo_url):
    channels = env["marketplace.channel"].with_context(active_test=False).search([("base_url", "like", "127.0.0.1")])
    for channel in channels:
        channel._demo_point_to_simulator(url)
        if "invoice_policy" in channel._fields and channel.channel_type == "octopia":
            channel.invoice_policy = "confirm"  # the demo shows generated invoices
        if "octopia_public_url" in channel._fields and channel.channel_type == "octopia" and odoo_url:
            channel.octopia_public_url = odoo_url  # the simulator downloads the XML offer packages
    if "marketplace_vies_wsdl_url" in env.company._fields:  # VAT checks against the simulated VIES service
        env.company.marketplace_vies_wsdl_url = f"{url}/checkVatService.wsdl"
        env.company.marketplace_vies_rest_url = f"{url}/taxation_customs/vies/rest-api"
    if "marketplace_legal_form" in env.company._fields:
        french_company_mentions(env.company)
    env["ir.cron"].search([("cron_name", "like", "Marketplaces:")]).write({"nextcall": env.cr.now()})
    env.cr.commit()  # odoo shell rolls back on exit: keep the wiring for the server started next
    return channels


url = os.environ["SIMULATOR_URL"]
wired = wire_demo_channels(globals()["env"], url, os.environ.get("ODOO_URL"))
print(f"{len(wired)} demo channel(s) wired to {url}")
