"""Octopia offer attributes, passed to the transport in ``OfferUpdate.extra``.

The attributes the JSON offer flow cannot carry go by XML offer package
(``marketplace.octopia.offer.package``) while they differ from the last integrated XML package.
"""
from odoo import api, fields, models
from odoo.osv import expression

from marketplace_transport.octopia.offers import xml_only_fingerprint

PACKAGING_UNITS = [("None", "None"), ("Liter", "Liter"), ("Kilogram", "Kilogram"),
                   ("SquareMeter", "Square meter"), ("CubicMeter", "Cubic meter"), ("Piece", "Piece")]


class MarketplaceOffer(models.Model):
    _inherit = "marketplace.offer"

    octopia_condition = fields.Selection(
        [("New", "New"), ("LikeNew", "Like new"), ("VeryGoodState", "Very good"), ("GoodState", "Good"),
         ("AverageState", "Average"), ("Refurbished", "Refurbished")], "Condition", default="New")
    octopia_delivery_mode = fields.Char(
        "Delivery mode", help="Octopia delivery mode code of this offer; empty: the channel's defaults.")
    octopia_shipping_charges = fields.Float("Shipping charges")
    # The attributes below have no JSON field in the public reference: the XML offer package
    # carries them (PriceMustBeAligned, StrikedPrice...). They are passed in OfferUpdate.extra.
    octopia_striked_price = fields.Float("Striked price")
    octopia_price_must_be_aligned = fields.Selection(
        [("Align", "Align"), ("DontAlign", "Do not align")], "Price alignment")
    octopia_minimum_aligned_price = fields.Float("Minimum price for alignment")
    octopia_packaging_unit = fields.Selection(PACKAGING_UNITS, "Packaging unit")
    octopia_packaging_value = fields.Float("Packaging value")
    octopia_discount_start = fields.Datetime("Discount start")
    octopia_discount_end = fields.Datetime("Discount end")
    octopia_discount_value = fields.Float("Discount value")
    octopia_discount_reference_price = fields.Float(
        "Discount reference price", help="Sales reference price of the discount (SalesReferencePrice).")
    octopia_discount_type = fields.Selection(
        [("Sales", "Sales"), ("Flash", "Flash sale"), ("StrikedPrice", "Striked price")], "Discount type",
        default="Sales")
    octopia_xml_package_id = fields.Many2one(
        "marketplace.octopia.offer.package", "Last XML package", readonly=True, copy=False, index="btree_not_null",
        ondelete="set null")
    octopia_xml_fingerprint = fields.Char(
        "XML attributes sent", readonly=True, copy=False,
        help="Digest of the XML-only attributes of the last integrated XML offer package.")

    def _prepare_offer_update(self):
        update = super()._prepare_offer_update()
        if self.channel_id.channel_type == "octopia":
            update.extra.update(self._prepare_octopia_extra())
        return update

    def _prepare_octopia_extra(self):
        """Keys understood by ``marketplace_transport.octopia.offers``; empty values are left out."""
        self.ensure_one()
        values = {
            "condition": self.octopia_condition or "New",
            "preparation_time": self.channel_id.octopia_preparation_time or None,
            "delivery_mode": self.octopia_delivery_mode or None,
            "shipping_charges": self.octopia_shipping_charges if self.octopia_delivery_mode else None,
            "striked_price": self.octopia_striked_price or None,
            "price_must_be_aligned": self.octopia_price_must_be_aligned or None,
            "minimum_price_for_price_alignment": self.octopia_minimum_aligned_price or None,
            "product_packaging_unit": self.octopia_packaging_unit or None,
            "product_packaging_value": self.octopia_packaging_value or None,
            "discount_start_date": self.octopia_discount_start and self.octopia_discount_start.isoformat(),
            "discount_end_date": self.octopia_discount_end and self.octopia_discount_end.isoformat(),
            "discount_value": self.octopia_discount_value or None,
            "discount_sales_reference_price": self.octopia_discount_reference_price or None,
            "discount_type": self.octopia_discount_type if self.octopia_discount_value else None,
        }
        return {key: value for key, value in values.items() if value not in (None, False, "")}

    # -- XML offer packages -------------------------------------------------------------
    def _octopia_uses_xml(self):
        self.ensure_one()
        return self.channel_id.channel_type == "octopia" and self.channel_id.octopia_xml_offers

    def _octopia_xml_pending(self):
        """In an XML package Octopia has not integrated yet."""
        self.ensure_one()
        return self.octopia_xml_package_id.state == "pending"

    def _octopia_xml_fingerprint(self):
        self.ensure_one()
        return xml_only_fingerprint(self._prepare_octopia_extra())

    @api.model
    def _octopia_xml_candidates_domain(self):
        """Offers that may need an XML package: an XML-only attribute set, or one sent before."""
        amounts = ["octopia_striked_price", "octopia_minimum_aligned_price", "octopia_packaging_value",
                   "octopia_discount_value", "octopia_discount_reference_price"]
        others = ["octopia_price_must_be_aligned", "octopia_packaging_unit", "octopia_discount_start",
                  "octopia_discount_end", "octopia_xml_fingerprint"]
        return expression.OR([[(name, ">", 0)] for name in amounts] + [[(name, "!=", False)] for name in others])

    def _octopia_needs_xml_push(self):
        """XML-only attributes changed since the last integrated XML package, none pending."""
        self.ensure_one()
        return (self._octopia_uses_xml() and not self._octopia_xml_pending()
                and self._octopia_xml_fingerprint() != (self.octopia_xml_fingerprint or ""))

    def _needs_push(self):
        # one flow per offer: while its XML attributes are on their way (or must be), the XML
        # package (type Full) carries its price and stock too
        if self._octopia_uses_xml() and (self._octopia_xml_pending() or self._octopia_needs_xml_push()):
            return False
        return super()._needs_push()

    @api.model
    def _push_channel_offers(self, channel):
        if channel.channel_type == "octopia" and channel.octopia_xml_offers:
            self.env["marketplace.octopia.offer.package"].sudo()._process_channel(channel)
        return super()._push_channel_offers(channel)
