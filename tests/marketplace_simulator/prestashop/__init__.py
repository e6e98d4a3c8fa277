"""PrestaShop Webservice simulator (``/api/...``), after storefront-apis.md section 3.

What it follows:

- auth: HTTP Basic, the webservice key as user and an empty password; errors are the
  webservice's ``<prestashop><errors><error><code/><message/></error></errors></prestashop>``
  bodies (JSON ``{"errors": [{"code", "message"}]}`` when ``output_format=JSON``);
- lists: ``display=full|[f1,f2]``, ``filter[field]=[a,b]`` (interval), ``[a|b]`` (or),
  ``[x]`` (literal); date fields need ``date=1`` to be filtered or sorted; ``sort=[f_ASC,g_DESC]``;
  ``limit=N`` or ``limit=offset,N``; XML by default, ``output_format=JSON`` for JSON. An empty
  JSON list is rendered ``[]`` as PrestaShop does;
- writes take XML bodies (``PUT /api/order_carriers/{id}`` full object,
  ``POST /api/order_histories``) and answer XML;
- resources: orders, addresses, customers, order_carriers, order_cart_rules, order_histories,
  order_states, countries, currencies, and the root ``/api/`` listing the key's rights.

All values are strings, dates ``YYYY-MM-DD HH:MM:SS`` in the shop time zone (Europe/Paris).

The package splits the simulator: :mod:`.constants`, :mod:`.webservice` (rendering, list
parameters), :mod:`.generator` (shop state, orders) and :mod:`.routes` (``register``). Every public name
is importable from here.
"""
from .constants import (
    CITIES,
    COUNTRIES,
    CURRENCIES,
    DATE_FIELDS,
    DEFAULT_KEY,
    FIRST_NAMES,
    LAST_NAMES,
    NAME,
    ORDER_STATES,
    PRODUCTS,
    RESOURCES,
    SHOP_TZ,
    SINGULAR,
)
from .webservice import error, parse_xml_object, render
from .generator import add_order, generate_orders, new_state, ps_date, set_order_state
from .inventory import add_product, inventory, reset_inventory
from .routes import authenticate, register, seed_demo
from .contract import fixture, load_contract
