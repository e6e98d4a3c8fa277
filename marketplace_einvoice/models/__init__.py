from . import account_edi_xml_cii
from . import account_move
from . import account_move_send
from . import einvoice_submission
from . import marketplace_channel
from . import marketplace_order_importer
from . import res_company
