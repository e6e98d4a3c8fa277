"""Shared helpers of the reliability suite (tests/test_reliability_*.py, tests/test_security_*.py).

* :class:`OctopiaSimulatorCase` -- a real Octopia simulator on 127.0.0.1 and an Octopia channel
  pointing at it, plus the catalog products, inside the test transaction.
* :func:`check_exactly_once` -- every simulator order exists exactly once as a sale order.
* :func:`record_figures` -- rows of .local/reliability-figures.json (fault, orders, duplicates,
  missing), written by the test run itself and summarized in docs/reliability.md.
"""
import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from marketplace_simulator import octopia as sim

from odoo.tests import common

from odoo.addons.marketplace_connector.tests.common import serve_simulator

ROOT = Path(__file__).resolve().parent.parent
FIGURES_PATH = ROOT / ".local" / "reliability-figures.json"  # written by each run, git-ignored
_figures_lock = threading.Lock()


def no_sleep(seconds):
    """Back-off sleep for the transports: instant, but remembered (see :data:`SLEEPS`)."""
    SLEEPS.append(seconds)


SLEEPS = []


def record_figures(fault, *, orders, imported, duplicates, missing, runs, note="", connector="Octopia REST"):
    """Add or replace the row of (``connector``, ``fault``) in .local/reliability-figures.json."""
    with _figures_lock:
        try:
            rows = json.loads(FIGURES_PATH.read_text())
        except (OSError, ValueError):
            rows = {}
        rows[f"{connector} | {fault}"] = {
            "connector": connector, "fault": fault, "orders": orders, "imported": imported, "duplicates": duplicates,
            "missing": missing, "runs": runs, "note": note, "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
        FIGURES_PATH.parent.mkdir(exist_ok=True)
        FIGURES_PATH.write_text(json.dumps(dict(sorted(rows.items())), indent=1) + "\n")


def sale_counts(env, channel_id, order_ids):
    """{order id: number of sale orders} for a channel, archived ones included."""
    env.cr.execute(
        "SELECT marketplace_order_ref, count(*) FROM sale_order WHERE marketplace_channel_id = %s "
        "GROUP BY marketplace_order_ref", (channel_id,))
    found = dict(env.cr.fetchall())
    counts = {order_id: found.pop(order_id, 0) for order_id in order_ids}
    counts.update({f"<unexpected {ref}>": n for ref, n in found.items()})
    return counts


def exactly_once_figures(env, channel_id, order_ids):
    counts = sale_counts(env, channel_id, order_ids)
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    missing = sorted(ref for ref, n in counts.items() if n == 0)
    return counts, duplicates, missing


def closed_port():
    """A local TCP port nobody listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def local_only_send():
    """requests ``Session.send`` keeping Odoo's test rule (127.0.0.1/localhost only) without its
    "timeouts under 10 s become 10 s" rule, so that a timeout fault costs one second, not ten."""
    original = common._super_send

    def send(session, request, **kwargs):
        host = requests.utils.urlparse(request.url).hostname
        if host not in ("127.0.0.1", "localhost"):
            raise common.BlockedRequest(f"External requests verboten (was {request.method} {request.url})")
        return original(session, request, **kwargs)

    return send


class OctopiaSimulatorCase(common.TransactionCase):
    """An Octopia simulator and an Octopia channel on it; products for the simulator catalog."""

    page_size = 5

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.app, cls.state, cls.server = serve_simulator(cls.addClassCleanup, sim)
        cls.env = cls.env(context=dict(cls.env.context, marketplace_sleep=no_sleep, tracking_disable=True))
        cls.channel = cls.env["marketplace.channel"].create(cls._channel_vals())
        Product = cls.env["product.product"]
        cls.products = Product.browse()
        for item in sim.CATALOG:
            cls.products |= Product.create({"name": item["name"], "default_code": item["sku"],
                                            "barcode": item["ean"], "list_price": item["price"], "type": "consu"})

    @classmethod
    def _channel_vals(cls, **values):
        vals = {
            "name": "Octopia (simulator)", "channel_type": "octopia", "base_url": cls.server.url + sim.API_PREFIX,
            "api_login": sim.DEFAULT_CLIENT_ID, "api_secret": sim.DEFAULT_CLIENT_SECRET,
            "api_account": sim.DEFAULT_SELLER_ID, "page_size": cls.page_size, "timeout": 5,
            "lookback_days": 0,  # no daily look-back: a skipped order would stay missing
            "overlap_minutes": 10, "auto_accept": False,
            "auto_confirm": False,  # quotations: the suite is about import, confirmation is tested elsewhere
        }
        vals.update(values)
        return vals

    def setUp(self):
        super().setUp()
        self.state.reset()
        SLEEPS.clear()
        self.runs = 0  # import runs of the test, for the figures

    # -- helpers ---------------------------------------------------------------------
    def add_orders(self, n, seed=1, step_seconds=600, start=None, **kwargs):
        """``n`` orders, one every ``step_seconds`` (10 min by default: wider than the overlap)."""
        if start is None:
            start = datetime.now(UTC) - timedelta(seconds=step_seconds * (n + 1))
        orders = sim.generate_orders(n, seed=seed, start=start, step_seconds=step_seconds, **kwargs)
        self.state.add_orders(orders)
        return [o["orderId"] for o in orders]

    def run_import(self, channel=None, via_cron=False):
        channel = channel or self.channel
        self.runs += 1
        if via_cron:
            channel.last_import_at = False  # due now
            self.env["marketplace.channel"]._cron_import_orders()
            return None
        return channel._run_import()

    def list_requests(self):
        return [q for m, p, q in self.app.requests if m == "GET" and p.endswith("/orders")]

    def figures(self, channel=None):
        channel = channel or self.channel
        self.env.flush_all()
        return exactly_once_figures(self.env, channel.id, list(self.state.orders))

    def assert_exactly_once(self, fault, runs=None, channel=None, note=""):
        """Every simulator order is one sale order with its latest status; records the figures."""
        channel = channel or self.channel
        runs = self.runs if runs is None else runs
        counts, duplicates, missing = self.figures(channel)
        record_figures(fault, orders=len(self.state.orders), imported=sum(1 for n in counts.values() if n),
                       duplicates=duplicates, missing=len(missing), runs=runs, note=note)
        self.assertEqual(duplicates, 0, f"{fault}: duplicated orders {counts}")
        self.assertEqual(missing, [], f"{fault}: orders missing")
        sales = self.env["sale.order"].with_context(active_test=False).search(
            [("marketplace_channel_id", "=", channel.id)])
        latest = {o["orderId"]: o["status"] for o in self.state.orders.values()}
        stale = {s.marketplace_order_ref: (s.marketplace_status, latest.get(s.marketplace_order_ref))
                 for s in sales if s.marketplace_status != latest.get(s.marketplace_order_ref)}
        self.assertFalse(stale, f"{fault}: sale orders not at the marketplace's latest status")
        open_failures = channel.failure_ids.filtered(lambda f: f.state == "open")
        self.assertFalse(open_failures, f"{fault}: {open_failures.mapped('reason')}")

    def assert_cursor_safe(self, channel=None):
        """The cursor never skips: every order not imported in its latest version is inside the
        next run's window (cursor - overlap)."""
        channel = channel or self.channel
        if not channel.import_cursor:
            return
        window_start = channel.import_cursor - timedelta(minutes=channel.overlap_minutes)
        sales = {s.marketplace_order_ref: s for s in self.env["sale.order"].with_context(active_test=False).search(
            [("marketplace_channel_id", "=", channel.id)])}
        for order in self.state.orders.values():
            updated = sim.parse_iso(order["updatedAt"]).replace(tzinfo=None)
            sale = sales.get(order["orderId"])
            if sale and sale.marketplace_updated_at and sale.marketplace_updated_at >= updated.replace(microsecond=0):
                continue
            self.assertGreaterEqual(
                updated, window_start,
                f"order {order['orderId']} (updated {updated}) is not imported and before the next window "
                f"({window_start}): the cursor skipped it")


def wait_for(predicate, timeout=10.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def odoo_config_path():
    from odoo.tools import config

    return config.rcfile or os.environ.get("ODOO_RC", "")


WORKER = Path(__file__).resolve().parent / "reliability_worker.py"


def start_worker(case, channel_id, *extra):
    """A worker process (tests/reliability_worker.py) importing ``channel_id`` on the test database."""
    config = odoo_config_path()
    case.assertTrue(config, "the Odoo configuration file of the test run")
    return subprocess.Popen(
        [sys.executable, str(WORKER), "--config", config, "--db", case.env.cr.dbname, "--channel", str(channel_id),
         *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))


def delete_committed(registry, channel_id, product_ids):
    """Remove a committed channel, its sale orders and buyers, and the products of a worker test."""
    import odoo
    from odoo import api

    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        sales = env["sale.order"].with_context(active_test=False).search([("marketplace_channel_id", "=", channel_id)])
        partners = (sales.partner_id | sales.partner_invoice_id | sales.partner_shipping_id)
        partners |= partners.parent_id
        sales.with_context(disable_cancel_warning=True)._action_cancel()
        sales.unlink()
        env["marketplace.channel"].browse(channel_id).unlink()
        env["product.product"].browse(product_ids).unlink()
        try:
            with cr.savepoint():
                partners.exists().with_context(active_test=False).child_ids.unlink()
                partners.exists().unlink()
        except Exception:  # noqa: BLE001 - a partner still referenced elsewhere: archive it
            partners.exists().write({"active": False})
        cr.commit()
