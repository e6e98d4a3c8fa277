"""Cache of VIES answers, one record per VAT number."""
import logging
from datetime import timedelta

from odoo import api, fields, models

from marketplace_transport.vies import ViesClient, ViesStatus, split_vat
from marketplace_transport.vies_rest import ViesFallbackClient, ViesRestClient

_logger = logging.getLogger(__name__)

UNAVAILABLE_REUSE_MINUTES = 10  # a bulk import asks VIES once per number, not once per order
CHECK_STATES = [
    ("valid", "Valid"),
    ("invalid", "Invalid"),
    ("unavailable", "VIES unavailable"),
    ("invalid_input", "Malformed number"),
]
PROTOCOLS = [("soap", "SOAP"), ("rest", "REST API")]


class MarketplaceVatCheck(models.Model):
    _name = "marketplace.vat.check"
    _description = "VIES check of a VAT number"
    _order = "check_date desc, id desc"
    _rec_name = "vat"

    vat = fields.Char("VAT number", required=True, index=True, help="Compact number with its VIES prefix.")
    country_code = fields.Char(size=2)
    state = fields.Selection(CHECK_STATES, required=True)
    check_date = fields.Datetime("Checked on", required=True, default=fields.Datetime.now)
    request_date = fields.Date("VIES request date")
    consultation_number = fields.Char(help="VIES requestIdentifier: keep it as evidence of the check.")
    name = fields.Char("Registered name")
    address = fields.Text("Registered address")
    error_code = fields.Char()
    message = fields.Char()
    attempts = fields.Integer(default=1)
    protocol = fields.Selection(PROTOCOLS, "Answered through", help="The VIES service that gave this answer.")

    _sql_constraints = [("vat_unique", "UNIQUE(vat)", "One VIES check record per VAT number.")]

    @api.model
    def _normalize(self, vat):
        text = "".join(ch for ch in (vat or "") if ch.isalnum()).upper()
        return "EL" + text[2:] if text.startswith("GR") else text

    @api.model
    def _vies_client(self, company):
        """The VIES client configured on ``company``: its protocol first, the other one when it is down
        (with the fallback on), each with the requester VAT for the consultation number."""
        requester = company.marketplace_vies_requester_vat if company.marketplace_vies_use_requester else False
        protocols = ["soap", "rest"] if company.marketplace_vies_protocol != "rest" else ["rest", "soap"]
        if not company.marketplace_vies_fallback:
            protocols = protocols[:1]
        return ViesFallbackClient([self._vies_protocol_client(company, name, requester) for name in protocols])

    @api.model
    def _vies_protocol_client(self, company, protocol, requester):
        cls, url = (ViesRestClient, company.marketplace_vies_rest_url) if protocol == "rest" else (
            ViesClient, company.marketplace_vies_wsdl_url)
        timeout = company.marketplace_vies_timeout or 10
        try:
            return cls(url or None, requester_vat=requester or None, timeout=timeout)
        except ValueError:  # our own number is malformed: check without consultation number
            _logger.warning("Company %s: requester VAT number is malformed, VIES checks without it", company.id)
            return cls(url or None, timeout=timeout)

    def _is_fresh(self, company):
        """A recent answer is reused; "unavailable" only for a few minutes (the cron retries it)."""
        self.ensure_one()
        if self.state == "unavailable":
            return self.check_date >= fields.Datetime.now() - timedelta(minutes=UNAVAILABLE_REUSE_MINUTES)
        hours = company.marketplace_vies_cache_hours
        return bool(hours) and self.check_date >= fields.Datetime.now() - timedelta(hours=hours)

    @api.model
    def _get_check(self, vat, company, force=False, client=None):
        """Cached VIES answer for ``vat``, asking VIES when the cache is stale or unavailable."""
        number = self._normalize(vat)
        record = self.search([("vat", "=", number)], limit=1)
        if record and not force and record._is_fresh(company):
            return record
        result = (client or self._vies_client(company)).check(number, force=force)
        vals = self._prepare_vals(result)
        if record:
            if result.status == ViesStatus.UNAVAILABLE:
                # a stale answer is no evidence any more: the number is pending again, but the last
                # registered name and consultation number stay for the accountant
                vals = {key: vals[key] for key in ("state", "check_date", "error_code", "message", "protocol")}
                vals["attempts"] = record.attempts + 1
            else:
                vals["attempts"] = 1
            record.write(vals)
            return record
        return self.create(vals)

    @api.model
    def _prepare_vals(self, result):
        try:
            country = split_vat(result.vat)[0]
        except ValueError:
            country = False
        return {
            "vat": self._normalize(result.vat) or "?",
            "country_code": result.country_code or country,
            "state": result.status.value,
            "check_date": fields.Datetime.now(),
            "request_date": result.request_date or False,
            "consultation_number": result.consultation_number or False,
            "name": result.name or False,
            "address": result.address or False,
            "error_code": result.error_code or False,
            "message": result.message or False,
            "protocol": result.protocol or False,
        }

    def _summary(self):
        self.ensure_one()
        labels = dict(self._fields["state"]._description_selection(self.env))
        text = self.env._("VIES check of %(vat)s: %(state)s", vat=self.vat, state=labels[self.state])
        if self.consultation_number:
            text += self.env._(" (consultation number %s)", self.consultation_number)
        if self.error_code and self.state != "valid":
            text += f" [{self.error_code}]"
        return text
