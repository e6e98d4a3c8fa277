from . import test_cdiscount_soap
from . import test_octopia_rest_actions
from . import test_octopia_rest_addresses
from . import test_octopia_rest_import
from . import test_octopia_rest_lines
from . import test_octopia_xml_offers
