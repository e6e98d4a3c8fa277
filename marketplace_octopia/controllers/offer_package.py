"""Public download of the XML offer packages: Octopia fetches the ZIP from the URL we submit."""
from odoo import http
from odoo.http import request

from ..models.marketplace_octopia_offer_package import PACKAGE_ROUTE


class OctopiaOfferPackageController(http.Controller):
    @http.route(f"{PACKAGE_ROUTE}/<string:token>/offers.zip", type="http", auth="public", methods=["GET"],
                csrf=False, save_session=False)
    def octopia_offer_package(self, token):
        """The ZIP of a pending package; 404 for an unknown token or a finished package."""
        package = request.env["marketplace.octopia.offer.package"].sudo()._find_by_token(token)
        if not package:
            raise request.not_found()
        stream = request.env["ir.binary"]._get_stream_from(package.attachment_id)
        return stream.get_response(as_attachment=True)
