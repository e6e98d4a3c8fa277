"""Octopia XML offer packages: ZIP files Octopia downloads from Odoo, then integrates.

Asynchronous, one step per offer-cron run: a run first reads the packages still pending (per-offer
outcome onto the offers), then writes the offers whose XML-only attributes changed into new ZIP
packages and submits their public URL. The ZIP is served by the controller while the package is
pending, then deleted.
"""
import secrets
from datetime import timedelta

from odoo import api, fields, models

from marketplace_transport import MarketplaceError, RemoteError
from marketplace_transport.octopia.offer_xml import MAX_OFFERS_PER_XML_PACKAGE, write_offer_packages

PACKAGE_ROUTE = "/marketplace_octopia/offer-package"
PENDING_LIMIT = timedelta(days=2)  # then the package is given up and its offers sent again


class MarketplaceOctopiaOfferPackage(models.Model):
    _name = "marketplace.octopia.offer.package"
    _description = "Octopia XML offer package"
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    channel_id = fields.Many2one("marketplace.channel", required=True, readonly=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="channel_id.company_id", store=True, index=True)
    package_ref = fields.Char("Octopia package id", readonly=True, copy=False, index=True)
    state = fields.Selection(
        [("pending", "Integration pending"), ("done", "Integrated"), ("error", "Failed")],
        default="pending", required=True, readonly=True, index=True, copy=False)
    offer_count = fields.Integer("Offers", readonly=True)
    error_count = fields.Integer("Rejected offers", readonly=True)
    offer_ids = fields.One2many("marketplace.offer", "octopia_xml_package_id", string="Offers (last package)",
                                readonly=True)
    attachment_id = fields.Many2one("ir.attachment", "ZIP file", readonly=True, copy=False, ondelete="set null")
    access_token = fields.Char(readonly=True, copy=False, groups="marketplace_connector.group_marketplace_manager")
    # seller SKU -> [offer id, price, quantity, XML fingerprint] as sent
    sent_values = fields.Json(readonly=True, copy=False)
    submitted_at = fields.Datetime("Submitted on", readonly=True, copy=False)
    finished_at = fields.Datetime("Finished on", readonly=True, copy=False)
    message = fields.Text(readonly=True, copy=False)

    _sql_constraints = [
        ("access_token_unique", "UNIQUE(access_token)", "An offer package token is unique."),
    ]

    # -- serving the ZIP ----------------------------------------------------------------
    @api.model
    def _find_by_token(self, token):
        """The pending package whose ZIP ``token`` opens (empty recordset otherwise)."""
        if not token or len(token) < 32:
            return self.browse()
        return self.search([("access_token", "=", token), ("state", "=", "pending"),
                            ("attachment_id", "!=", False)], limit=1)

    def _public_url(self):
        """Where Octopia downloads the ZIP: the channel's public URL, else ``web.base.url``."""
        self.ensure_one()
        base = (self.channel_id.octopia_public_url
                or self.env["ir.config_parameter"].sudo().get_param("web.base.url") or "").rstrip("/")
        return f"{base}{PACKAGE_ROUTE}/{self.access_token}/offers.zip"

    # -- one cron step ------------------------------------------------------------------
    @api.model
    def _process_channel(self, channel):
        """Read the channel's pending packages, then submit the offers whose XML attributes changed
        (the offers rejected by a package read in this run wait for the next run)."""
        transport = channel._get_transport()
        pending = self.search([("channel_id", "=", channel.id), ("state", "=", "pending")], order="id")
        for package in pending:
            package._poll(transport)
            channel._commit_progress()
        finished = pending.filtered(lambda p: p.state != "pending")
        self._submit_changed_offers(channel, transport, skip_offer_ids={
            values[0] for package in finished for values in (package.sent_values or {}).values()})

    def _poll(self, transport):
        self.ensure_one()
        if not self.package_ref:  # the run stopped between the commit and Octopia's answer
            return self._fail(self.env._(
                "Offer package %s was not submitted to Octopia; its offers will be sent again.",
                self.name))
        try:
            report = transport.read_offer_xml_package(self.package_ref)
        except RemoteError as exc:
            if exc.status != 404:
                raise
            return self._fail(self.env._("Octopia does not know offer package %(ref)s: %(error)s",
                                         ref=self.package_ref, error=self.channel_id._redact(str(exc))))
        if not report.finished:
            if self.submitted_at and self.submitted_at < fields.Datetime.now() - PENDING_LIMIT:
                return self._fail(self.env._("Octopia has not integrated offer package %(ref)s after two days "
                                             "(still %(state)s); its offers will be sent again.",
                                             ref=self.package_ref, state=report.state or "pending"))
            return None
        return self._apply_report(report)

    def _apply_report(self, report):
        """Per-offer outcome onto the offers; the package is done (or failed when rejected as a whole)."""
        sent = dict(self.sent_values or {})
        now = fields.Datetime.now()
        Offer = self.env["marketplace.offer"]
        rejected = 0
        for result in report.results:
            values = sent.pop(result.seller_sku, None)
            if not values:
                continue
            offer_id, price, quantity, fingerprint = values
            vals = {"state": "done" if result.state == "done" else "error", "error": result.message or False}
            if result.state == "done":
                vals.update(last_pushed_price=price, last_pushed_quantity=quantity, last_pushed_at=now,
                            octopia_xml_fingerprint=fingerprint)
            else:
                rejected += 1
            Offer.browse(offer_id).exists().write(vals)
        missing = self.env._("Octopia returned no log for this offer in package %s.", self.package_ref)
        Offer.browse([values[0] for values in sent.values()]).exists().write({"state": "error", "error": missing})
        rejected += len(sent)
        if report.state != "Integrated":
            message = self.env._("Octopia rejected offer package %(ref)s (%(state)s).", ref=self.package_ref,
                                 state=report.state)
            return self._finish("error", message, rejected)
        message = self.env._("%(done)s offers integrated, %(rejected)s rejected.",
                             done=self.offer_count - rejected, rejected=rejected)
        return self._finish("done", message, rejected)

    def _fail(self, message):
        """The whole package failed: its offers carry the message and will be sent again."""
        self.ensure_one()
        offers = self.env["marketplace.offer"].browse([v[0] for v in (self.sent_values or {}).values()]).exists()
        offers.write({"state": "error", "error": message})
        return self._finish("error", message, len(offers))

    def _finish(self, state, message, rejected):
        self.ensure_one()
        attachment = self.attachment_id
        self.write({"state": state, "message": message, "error_count": rejected,
                    "finished_at": fields.Datetime.now(), "attachment_id": False, "access_token": False})
        attachment.unlink()
        if rejected or state == "error":
            self.env["marketplace.sync.log"].sudo().create({
                "channel_id": self.channel_id.id, "state": "error", "error": message,
                "operation": self.env._("XML offer package %s", self.package_ref or self.name)})
        return True

    # -- new packages -------------------------------------------------------------------
    @api.model
    def _submit_changed_offers(self, channel, transport, skip_offer_ids=()):
        """Stream the offers needing an XML push into ZIP packages (40,000 offers each) and submit them."""
        sent = {}

        def updates():
            Offer = self.env["marketplace.offer"]
            for offer in Offer._iter_channel_offers(
                    channel, lambda o: o.id not in skip_offer_ids and o._octopia_needs_xml_push(),
                    domain=Offer._octopia_xml_candidates_domain()):
                update = offer._prepare_offer_update()
                sent[update.seller_sku] = [offer.id, update.price, update.quantity, offer._octopia_xml_fingerprint()]
                yield update

        name = self.env._("%(channel)s offers %(date)s", channel=channel.name, date=fields.Datetime.now())
        packages = write_offer_packages(
            updates(), name=name, max_offers=self._package_size(), sales_channel=channel.sales_channel_code or "",
            default_delivery_modes=channel._octopia_parse_delivery_modes())
        for package_file in packages:
            try:
                values = {sku: sent.pop(sku) for sku in package_file.seller_skus}
                self._submit(channel, transport, package_file, values)
            finally:
                package_file.remove()

    @api.model
    def _package_size(self):
        """Offers per package: 40,000, or less through the context (tests)."""
        return min(int(self.env.context.get("octopia_xml_package_size") or MAX_OFFERS_PER_XML_PACKAGE),
                   MAX_OFFERS_PER_XML_PACKAGE)

    @api.model
    def _prepare_package_vals(self, channel, package_file, values):
        return {"name": package_file.name, "channel_id": channel.id, "offer_count": len(values),
                "sent_values": values, "access_token": secrets.token_urlsafe(32),
                "submitted_at": fields.Datetime.now()}

    @api.model
    def _submit(self, channel, transport, package_file, values):
        with open(package_file.path, "rb") as zip_file:
            data = zip_file.read()
        package = self.create(self._prepare_package_vals(channel, package_file, values))
        package.attachment_id = self.env["ir.attachment"].create({
            "name": "offers.zip", "raw": data, "mimetype": "application/zip", "res_model": self._name,
            "res_id": package.id})
        self.env["marketplace.offer"].browse([v[0] for v in values.values()]).write(
            {"octopia_xml_package_id": package.id})
        self.env.flush_all()
        channel._commit_progress()  # Octopia downloads the ZIP through another transaction
        try:
            package.package_ref = transport.submit_offer_xml_package(package._public_url())
        except MarketplaceError as exc:
            package._fail(self.env._("Octopia refused offer package %(name)s: %(error)s",
                                     name=package.name, error=channel._error_text(exc)))
            channel._commit_progress()
            if not isinstance(exc, RemoteError):  # quota, credentials, network: stop the run
                raise
        return package
