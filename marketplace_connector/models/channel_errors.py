"""Marketplace channel: transport errors told to people, in their language.

Transports raise errors with a stable ``code`` and ``params`` (see ``marketplace_transport/exceptions.py``);
here each code becomes a translated sentence saying what it means and what to do, followed by the
transport's own (English, redacted) words as the detail.
"""
from odoo import models


class MarketplaceChannelErrors(models.AbstractModel):
    """Part of ``marketplace.channel`` (inherited by it)."""

    _name = "marketplace.channel.errors"
    _description = "Marketplace channel: error texts"

    def _error_text(self, exc):
        """What an error means for people, then what the transport saw (secrets redacted).

        :param exc: any exception; a :class:`~marketplace_transport.MarketplaceError` is told by its code
        :return: str
        """
        detail = self._redact(str(exc))
        lead = self._error_lead(getattr(exc, "code", "error"), getattr(exc, "params", None) or {})
        return f"{lead} {detail}" if detail and detail not in lead else lead

    def _error_lead(self, code, params):
        """The translated sentence for an error ``code``; an unknown code reads as a refusal."""
        texts = self._error_texts()
        template = texts.get(code) or texts["error"]
        try:
            return template % params if "%(" in template else template
        except (KeyError, TypeError, ValueError):  # a connector sent other params: keep the sentence
            return texts["error"]

    def _error_texts(self):
        """{code: translated sentence with ``%(param)s`` placeholders}; connector addons may add codes."""
        return {
            "error": self.env._("The marketplace refused the request."),
            "remote": self.env._("The marketplace refused the request."),
            "user_input": self.env._("The request cannot be sent as it is: complete it, then try again."),
            "invalid_order": self.env._("The order received cannot be read: see its payload in the failed imports."),
            "auth": self.env._("The marketplace refused the credentials: check them on the channel, then test the "
                               "connection."),
            "temporary": self.env._("The marketplace did not answer in time: the next run tries again."),
            "rate_limited": self.env._("Too many requests: the channel waits before calling again."),
            "quota": self.env._("Call quota exhausted: the channel waits until it is replenished."),
            "no_transport": self.env._("No connector is installed for the channel type %(channel_type)s: install its "
                                       "module."),
            "not_supported": self.env._("This marketplace (%(channel_type)s) does not support this operation: "
                                        "%(operation)s."),
            "credentials_missing": self.env._("The channel lacks its API credentials or account id (%(marketplace)s): "
                                              "fill them in on the channel."),
            "https_required": self.env._("The shop URL must start with https:// (%(marketplace)s)."),
            "invalid_setting": self.env._("The channel setting %(setting)s has a value the connector cannot use: "
                                          "%(value)s."),
            "nothing_to_refund": self.env._("Order %(order)s has nothing left to refund."),
            "invalid_order_id": self.env._("%(order)s is not an order id of this marketplace."),
            "state_map_syntax": self.env._("Order state mapping: the line \"%(line)s\" is not <state id>=<status>."),
            "state_map_status": self.env._("Order state mapping: state %(state)s maps to %(status)s, which is not one "
                                           "of %(statuses)s."),
            "unknown_status": self.env._("Unknown order status \"%(status)s\": map it in the channel's status mapping "
                                         "(%(marketplace)s tab), for example %(status)s=to_ship."),
        }
