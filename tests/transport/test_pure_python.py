"""The transport package stands alone: importing all of it loads neither Odoo nor psycopg2."""
import json
import subprocess
import sys
from pathlib import Path

import marketplace_transport

IMPORT_ALL = """
import json, pkgutil, sys
import marketplace_transport
for module in pkgutil.walk_packages(marketplace_transport.__path__, "marketplace_transport."):
    __import__(module.name)
print(json.dumps(sorted(name for name in sys.modules if name.partition(".")[0] in ("odoo", "psycopg2"))))
print(json.dumps(sorted(name for name in sys.modules if name.startswith("marketplace_transport."))))
"""


def test_importing_every_transport_loads_no_odoo():
    result = subprocess.run([sys.executable, "-c", IMPORT_ALL], capture_output=True, text=True, check=True,
                            cwd=Path(marketplace_transport.__file__).parents[1])  # this copy of the package
    forbidden, loaded = (json.loads(line) for line in result.stdout.splitlines())
    assert forbidden == []
    assert {"marketplace_transport.octopia.rest", "marketplace_transport.octopia.soap",
            "marketplace_transport.shopify", "marketplace_transport.woocommerce", "marketplace_transport.prestashop",
            "marketplace_transport.wix", "marketplace_transport.vies",
            "marketplace_transport.vies_rest"} <= set(loaded)


def test_each_connector_registers_its_transport_on_import():
    from marketplace_transport import get_transport_class, octopia, prestashop, shopify, wix, woocommerce

    assert get_transport_class("octopia") is octopia.rest.OctopiaRestTransport
    assert get_transport_class("cdiscount_soap") is octopia.soap.CdiscountSoapTransport
    assert get_transport_class("shopify") is shopify.ShopifyTransport
    assert get_transport_class("woocommerce") is woocommerce.WooCommerceTransport
    assert get_transport_class("prestashop") is prestashop.PrestashopTransport
    assert get_transport_class("wix") is wix.WixTransport
