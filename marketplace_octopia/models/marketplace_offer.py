"""Octopia offer attributes, passed to the transport in ``OfferUpdate.extra``."""
from odoo import fields, models

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

    def _prepare_offer_update(self):
        update = super()._prepare_offer_update()
        if self.channel_id.channel_type == "octopia":
            update.extra.update(self._prepare_octopia_extra())
        return update

    def _prepare_octopia_extra(self):
        """Keys understood by ``marketplace_octopia.transport.offers``; empty values are left out."""
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
        }
        return {key: value for key, value in values.items() if value not in (None, False, "")}
