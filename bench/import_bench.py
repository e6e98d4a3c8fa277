#!/usr/bin/env python3
"""Throughput benchmark of the marketplace order import (not a test). Run it with ``make bench``.

The driver process serves the Octopia simulator on 127.0.0.1 (real HTTP) and starts one child
process per measurement; each child builds the Odoo registry of the benchmark database, does one
thing, and prints one ``BENCH_RESULT {json}`` line. Peak RSS is therefore per measurement.

Measurements:

* ``ours``: N orders through the scheduled-action path (``marketplace.channel._cron_import_orders``,
  real commits per page) into confirmed sale orders;
* ``naive``: the same orders, per order: list + normalize with the same transport, plain ORM
  ``res.partner.create`` + ``sale.order.create`` with lines + ``action_confirm`` + ``cr.commit``;
* ``profile``: our import of other orders with each pipeline step wrapped to attribute SQL
  queries and time per phase (flushing at each phase end, so pending writes are counted where
  they are made);
* ``offers``: ``--offers`` offers pushed through ``marketplace.offer._push_channel_offers``;
* ``--workers K``: the same import split over K processes (queue_job page jobs when
  marketplace_queue_job is installed, else or with ``--worker-split channels`` K channels each
  holding 1/K of the orders);
* ``--scale``: our import of N then 4N orders, peak RSS of each.

Usage: ``python bench/import_bench.py -c ODOO_CONF -d DB [--quick] [--orders N] [--offers N]
[--workers 2] [--scale]``. Results: a table, a final JSON line, bench/results/latest.json.
"""
import argparse
import copy
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

RESULT_TAG = "BENCH_RESULT "
# Statuses of the "confirmed" mix: the generator's weights restricted to orders that end up as
# confirmed sale orders (the naive baseline confirms every order).
CONFIRMED_MIX = [("InPreparation", 45), ("Accepted", 8), ("Shipped", 15), ("Delivered", 10)]
CONFIRM_STATUSES = {"InPreparation", "Accepted", "Shipped", "Delivered"}


def peak_rss_mb():
    """Peak resident set size of this process (Linux reports kilobytes)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


# ============================================================================================
# Driver
# ============================================================================================
class TaskFailed(Exception):
    """A measurement process failed (its traceback is on stderr)."""


class Dataset:
    """One simulator (own server and state) holding one set of generated orders."""

    def __init__(self, orders):
        from marketplace_simulator import SimulatorApp, SimulatorServer
        from marketplace_simulator import octopia as sim

        self.app = SimulatorApp()
        self.state = sim.register(self.app, orders=orders, package_steps=1)
        self.server = SimulatorServer(self.app).start()
        self.base_url = self.server.url + sim.API_PREFIX
        self.count = len(orders)

    def listing_requests(self):
        from marketplace_simulator import octopia as sim

        return self.app.count_requests(f"^{sim.API_PREFIX}/orders$", "GET")

    def http_stats(self):
        from marketplace_simulator import octopia as sim

        total = len(self.app.requests)
        listing = self.listing_requests()
        tokens = self.app.count_requests(f"^{sim.TOKEN_PATH}$", "POST")
        per100 = round(listing * 100.0 / self.count, 2) if self.count else 0.0
        return {"http_requests": total, "listing_requests": listing, "token_requests": tokens,
                "listing_requests_per_100_orders": per100,
                "http_requests_per_100_orders": round(total * 100.0 / self.count, 2) if self.count else 0.0}

    def stop(self):
        self.server.stop()


def make_orders(count, seed, mix):
    from marketplace_simulator import octopia as sim

    statuses = None
    if mix == "confirmed":
        rng = random.Random(seed)
        names, weights = zip(*CONFIRMED_MIX, strict=True)
        statuses = rng.choices(names, weights=weights, k=max(count, 1))
    start = datetime.now(UTC) - timedelta(hours=6)
    step = min(60.0, 5 * 3600.0 / max(count, 1))
    return sim.generate_orders(count, seed=seed, start=start, statuses=statuses, step_seconds=step,
                               id_prefix=f"B{seed:02d}")


class Driver:
    def __init__(self, args):
        self.args = args
        self.results = {}
        self.started = time.monotonic()

    def child(self, task, **params):
        """Run one measurement in a fresh process; return its result dict."""
        cmd = [sys.executable, __file__, "--task", task, "--params", json.dumps(params),
               "-c", self.args.config, "-d", self.args.database]
        self.log(f"-> {task} {', '.join(f'{k}={v}' for k, v in params.items() if k != 'base_url')}")
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
        lines = [row for row in proc.stdout.splitlines() if row.startswith(RESULT_TAG)]
        if proc.returncode or not lines:
            raise TaskFailed(f"benchmark task {task} failed (exit {proc.returncode}); see the log above")
        result = json.loads(lines[-1][len(RESULT_TAG):])
        self.log(f"<- {task}: " + ", ".join(f"{k}={v}" for k, v in result.items() if not isinstance(v, (list, dict))))
        return result

    def spawn(self, task, **params):
        cmd = [sys.executable, __file__, "--task", task, "--params", json.dumps(params),
               "-c", self.args.config, "-d", self.args.database]
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)

    @staticmethod
    def collect(proc, task):
        out, _err = proc.communicate()
        lines = [row for row in out.splitlines() if row.startswith(RESULT_TAG)]
        if proc.returncode or not lines:
            raise TaskFailed(f"benchmark task {task} failed (exit {proc.returncode})")
        return json.loads(lines[-1][len(RESULT_TAG):])

    def log(self, message):
        print(f"[{time.monotonic() - self.started:7.1f}s] {message}", file=sys.stderr, flush=True)

    # -- measurements ---------------------------------------------------------------------
    def save(self):
        out = ROOT / "bench" / "results"
        out.mkdir(parents=True, exist_ok=True)
        (out / "latest.json").write_text(json.dumps(self.results, indent=1))

    def measure(self, key, function):
        """Run one measurement; a failure is reported and the next measurements still run."""
        try:
            self.results[key] = function()
        except TaskFailed as exc:
            self.log(str(exc))
            self.results.setdefault("errors", []).append(f"{key}: {exc}")
        self.save()

    def measure_ours_and_naive(self):
        a = self.args
        orders = make_orders(a.orders, 1, a.status_mix)
        self.measure("ours", lambda: self.import_run("ours", "Bench ours", copy.deepcopy(orders)))
        if not a.naive_orders:
            return
        self.measure("naive", lambda: self.import_run("naive", "Bench naive", copy.deepcopy(orders[:a.naive_orders])))
        if "ours" in self.results and "naive" in self.results and self.results["naive"]["orders_per_s"]:
            self.results["ratio_ours_over_naive"] = round(
                self.results["ours"]["orders_per_s"] / self.results["naive"]["orders_per_s"], 2)

    def run(self):
        a = self.args
        setup = self.child("setup", reservation=a.reservation)
        self.results["environment"] = {
            "orders": a.orders, "naive_orders": a.naive_orders, "profile_orders": a.profile_orders,
            "offers": a.offers, "status_mix": a.status_mix, "page_size": a.page_size, "cpus": os.cpu_count(),
            "load_average_at_start": os.getloadavg()[0], "queue_job": setup["queue_job"],
            "reservation": a.reservation or "odoo default (at confirmation)",
            "products": setup["products"], "started_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
        self.measure_ours_and_naive()  # the generated orders are freed on return
        if a.profile_orders:
            self.measure("profile", lambda: self.import_run(
                "profile", "Bench profile", make_orders(a.profile_orders, 2, a.status_mix)))
        if a.offers:
            self.measure("offers", self.offers_run)
        if a.workers > 1:
            self.measure("workers", lambda: self.run_workers(
                a.workers, setup["queue_job"] and a.worker_split == "jobs"))
        if a.scale:
            self.measure("scale", self.scale_run)
        self.results["load_average_at_end"] = os.getloadavg()[0]
        self.results["total_bench_s"] = round(time.monotonic() - self.started, 1)
        return self.results

    def import_run(self, mode, name, orders):
        data = Dataset(orders)
        try:
            result = self.child("import", mode=mode, name=name, base_url=data.base_url, page_size=self.args.page_size)
            result.update(data.http_stats())
        finally:
            data.stop()
        return result

    def offers_run(self):
        data = Dataset([])
        try:
            made = self.child("offers_setup", name="Bench offers", base_url=data.base_url, count=self.args.offers)
            push = self.child("offers_push", channel_id=made["channel_id"])
            push.update(offers_created_in_s=made["elapsed_s"],
                        uploads=data.app.count_requests(r"/offer-requests$", "POST"),
                        packages=len(data.state.packages), integrated=len(data.state.offers))
        finally:
            data.stop()
        return push

    def scale_run(self):
        base = self.args.scale_orders or self.args.orders
        runs = [self.import_run("ours", f"Bench scale {count}", make_orders(count, seed, self.args.status_mix))
                for seed, count in ((5, base), (6, 4 * base))]
        return {"orders": [r["orders"] for r in runs], "peak_rss_mb": [r["peak_rss_mb"] for r in runs],
                "orders_per_s": [r["orders_per_s"] for r in runs],
                "rss_growth_ratio": round(runs[1]["peak_rss_mb"] / runs[0]["peak_rss_mb"], 3),
                "rss_growth_mb": round(runs[1]["peak_rss_mb"] - runs[0]["peak_rss_mb"], 1)}

    def run_workers(self, workers, with_queue_job):
        """Same number of orders with 1 then ``workers`` processes; speed-up = rate(k) / rate(1)."""
        count = self.args.worker_orders
        runs = {}
        for seed, k in ((3, 1), (4, workers)):
            orders = make_orders(count, seed, self.args.status_mix)
            if with_queue_job:
                data = Dataset(orders)
                enq = self.child("import", mode="enqueue", name=f"Bench jobs x{k}", base_url=data.base_url,
                                 page_size=self.args.worker_page_size)
                procs = [self.spawn("jobworker", channel_id=enq["channel_id"]) for _i in range(k)]
                parts = [self.collect(p, "jobworker") for p in procs]
                data.stop()
                begin = min(p["begin"] for p in parts)
                end = max(p["end"] for p in parts)
                done = sum(p["orders"] for p in parts)
                final = self.child("stats", channel_ids=[enq["channel_id"]])
                runs[k] = {"mode": "queue_job page jobs", "enqueue_s": enq["elapsed_s"], "jobs": enq["jobs"],
                           "retries": sum(p.get("retries", 0) for p in parts),
                           "sale_orders": final["orders"], "confirmed": final["confirmed"],
                           "open_failures": final["failed"],
                           "elapsed_s": round(end - begin, 2), "orders": done,
                           "failed": sum(p["failed"] for p in parts),
                           "orders_per_s": round(done / (end - begin), 2) if end > begin else 0.0,
                           "per_worker": parts}
            else:
                datasets = [Dataset(orders[i::k]) for i in range(k)]
                channels = [self.child("make_channel", name=f"Bench split x{k} #{i}", base_url=d.base_url,
                                       page_size=self.args.worker_page_size)["channel_id"]
                            for i, d in enumerate(datasets)]
                procs = [self.spawn("cronworker", channel_id=c, expected=len(orders[i::k]))
                         for i, c in enumerate(channels)]
                parts = [self.collect(p, "cronworker") for p in procs]
                for d in datasets:
                    d.stop()
                begin = min(p["begin"] for p in parts)
                end = max(p["end"] for p in parts)
                done = sum(p["orders"] for p in parts)
                final = self.child("stats", channel_ids=channels)
                runs[k] = {"mode": "one channel per process", "elapsed_s": round(end - begin, 2), "orders": done,
                           "runs": sum(p["runs"] for p in parts),
                           "sale_orders": final["orders"], "confirmed": final["confirmed"],
                           "open_failures": final["failed"],
                           "failed": sum(p["failed"] for p in parts),
                           "orders_per_s": round(done / (end - begin), 2) if end > begin else 0.0,
                           "per_worker": parts}
        one, many = runs[1], runs[workers]
        return {"workers": workers, "orders_each_run": count, "single": one, "parallel": many,
                "speedup": round(many["orders_per_s"] / one["orders_per_s"], 2) if one["orders_per_s"] else None}


def print_table(results):
    rows = []
    ours, naive = results.get("ours"), results.get("naive")
    if not ours:
        print("no result for our import:", results.get("errors"))
        return

    def row(label, value):
        rows.append((label, value))

    row("orders imported (ours)", f"{ours['orders']} in {ours['elapsed_s']} s, {ours['failed']} failed, "
                                  f"{ours['confirmed']} confirmed")
    row("orders/s ours", ours["orders_per_s"])
    if naive:
        row("orders/s naive (plain ORM)", f"{naive['orders_per_s']} ({naive['orders']} orders)")
        row("ratio ours / naive", results.get("ratio_ours_over_naive"))
        row("SQL queries / order: ours / naive", f"{ours['queries_per_order']} / {naive['queries_per_order']}")
    else:
        row("SQL queries / order (ours)", ours["queries_per_order"])
    row("listing requests / 100 orders", ours["listing_requests_per_100_orders"])
    row("all HTTP requests / 100 orders", ours["http_requests_per_100_orders"])
    row("peak RSS import (MB)", ours["peak_rss_mb"])
    profile = results.get("profile")
    if profile:
        row(f"per-phase breakdown ({profile['orders']} orders)",
            f"{profile['queries_per_order']} queries/order, {profile['ms_per_order']} ms/order")
        for phase in profile["phases"]:
            row(f"  {phase['phase']}", f"{phase['queries_per_order']:>7} q/order  {phase['ms_per_order']:>8} ms/order"
                                       f"  ({phase['share_time_pct']}% time)")
    offers = results.get("offers")
    if offers:
        row("offers pushed", f"{offers['offers']} in {offers['elapsed_s']} s: {offers['offers_per_s']} offers/s "
                             f"({offers['uploads']} uploads, {offers['packages']} package(s), "
                             f"{offers['done']} done / {offers['errors']} errors)")
        row("peak RSS offer push (MB)", f"{offers['peak_rss_mb']} (after load {offers['rss_before_push_mb']})")
    workers = results.get("workers")
    if workers:
        for label, run in ((f"1 worker ({workers['single']['mode']})", workers["single"]),
                           (f"{workers['workers']} workers", workers["parallel"])):
            runs = f"; {run['runs']} import runs" if "runs" in run else ""
            row(label, f"{run['orders_per_s']} orders/s, {run['orders']} orders in {run['elapsed_s']} s "
                       f"({run['failed']} failed; {run['confirmed']}/{run['sale_orders']} confirmed{runs})")
        row("speed-up", workers["speedup"])
    scale = results.get("scale")
    if scale:
        row(f"peak RSS at {scale['orders'][0]} / {scale['orders'][1]} orders",
            f"{scale['peak_rss_mb'][0]} / {scale['peak_rss_mb'][1]} MB (x{scale['rss_growth_ratio']}, "
            f"+{scale['rss_growth_mb']} MB)")
    width = max(len(label) for label, _v in rows)
    print("=" * (width + 40))
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print("=" * (width + 40))


def driver_main(args):
    if args.quick:
        args.orders = args.orders or 500
        args.offers = 5000 if args.offers is None else args.offers
    args.orders = args.orders or 5000
    args.offers = 50000 if args.offers is None else args.offers
    if args.naive_orders is None:
        args.naive_orders = min(args.orders, 500)
    if args.profile_orders is None:
        args.profile_orders = min(args.orders, 200)
    if args.worker_orders is None:
        args.worker_orders = min(args.orders, 1000)
    driver = Driver(args)
    results = driver.run()
    driver.save()
    print_table(results)
    print(json.dumps(results, separators=(",", ":")))


# ============================================================================================
# Child tasks (inside Odoo)
# ============================================================================================
class PhaseProfiler:
    """Exclusive SQL count and time per phase, by wrapping pipeline methods of the registry classes.

    Wrapping only observes (the original method runs unchanged), flushing at each phase end so
    the queries of delayed writes are counted in the phase that made them.
    """

    # (model, method, phase): methods missing from the current code are skipped
    METHODS = [
        ("marketplace.channel", "_prefetch_page", "page prefetch"),
        ("marketplace.order.importer", "_find_existing_order", "lookup existing order"),
        ("marketplace.channel", "_find_or_create_page_buyers", "partner"),
        ("marketplace.order.importer", "_find_partner", "partner"),
        ("marketplace.order.importer", "_create_partner", "partner"),
        ("marketplace.order.importer", "_bind_partner", "partner"),
        ("marketplace.order.importer", "_find_or_create_addresses", "addresses"),
        ("marketplace.order.importer", "_find_or_create_address", "addresses"),
        ("marketplace.order.importer", "_prepare_order_vals", "order create"),
        ("marketplace.order.importer", "_order_fiscal_position", "order create"),
        ("sale.order", "create", "order create"),
        ("marketplace.order.importer", "_find_product", "lines"),
        ("marketplace.order.importer", "_prepare_line_vals", "lines"),
        ("marketplace.order.importer", "_prepare_shipping_line_vals", "lines"),
        ("sale.order.line", "create", "lines"),
        ("marketplace.order.importer", "_after_create", "total check"),
        ("marketplace.order.importer", "_apply_marketplace_status", "confirm"),
        ("marketplace.order.importer", "_confirm_orders", "confirm"),
        ("marketplace.order.importer", "_after_import", "other"),
        ("marketplace.import.failure", "_resolve", "failure bookkeeping"),
        ("marketplace.import.failure", "_record", "failure bookkeeping"),
        ("marketplace.sync.log", "create", "sync log"),
    ]

    def __init__(self, env):
        import odoo.sql_db

        self.sql_db = odoo.sql_db
        self.env = env
        self.stack = []
        self.totals = {}
        self.mark = self._now()

    def _now(self):
        return self.sql_db.sql_counter, time.perf_counter()

    def _charge(self, phase):
        queries, clock = self._now()
        total = self.totals.setdefault(phase, [0, 0.0])
        total[0] += queries - self.mark[0]
        total[1] += clock - self.mark[1]
        self.mark = (queries, clock)

    def enter(self, phase):
        self._charge(self.stack[-1] if self.stack else "other")
        self.stack.append(phase)

    def leave(self, env):
        if env is not None:
            env.flush_all()
        self._charge(self.stack.pop())

    def wrap(self, cls, name, phase, flush=True):
        original = getattr(cls, name)
        profiler = self

        def wrapper(self, *args, **kwargs):
            current = phase
            if cls._name == "sale.order" and name == "write":
                current = "lines" if args and "order_line" in args[0] else None
            if current is None:
                return original(self, *args, **kwargs)
            profiler.enter(current)
            try:
                return original(self, *args, **kwargs)
            finally:
                profiler.leave(getattr(self, "env", None) if flush else None)

        wrapper.__name__ = name
        setattr(cls, name, wrapper)

    def install(self, transport_class):
        registry = self.env.registry
        for model, name, phase in self.METHODS:
            if model in registry and hasattr(registry[model], name):
                self.wrap(registry[model], name, phase)
        self.wrap(registry["sale.order"], "write", None)
        # HTTP (listing, token) and payload validation happen in the transport
        transport_class._request = self._plain_wrap(transport_class._request, "http (listing, token)")
        transport_class.normalize_order = self._plain_wrap(transport_class.normalize_order, "normalize payload")

    def _plain_wrap(self, original, phase):
        profiler = self

        def wrapper(*args, **kwargs):
            profiler.enter(phase)
            try:
                return original(*args, **kwargs)
            finally:
                profiler.leave(None)

        return wrapper

    def report(self, orders):
        self._charge(self.stack[-1] if self.stack else "other")
        all_queries = sum(q for q, _t in self.totals.values())
        all_time = sum(t for _q, t in self.totals.values())
        phases = []
        for phase, (queries, seconds) in sorted(self.totals.items(), key=lambda kv: -kv[1][0]):
            phases.append({"phase": phase, "queries": queries,
                           "queries_per_order": round(queries / max(orders, 1), 1),
                           "ms_per_order": round(1000 * seconds / max(orders, 1), 2),
                           "share_queries_pct": round(100.0 * queries / max(all_queries, 1), 1),
                           "share_time_pct": round(100.0 * seconds / max(all_time, 1e-9), 1)})
        return phases


class Child:
    def __init__(self, args):
        import odoo
        from odoo.tools import config

        config.parse_config(["-c", args.config, "-d", args.database, "--no-http"])
        self.odoo = odoo
        from odoo.modules.registry import Registry

        self.registry = Registry(args.database)
        self.params = json.loads(args.params or "{}")
        self.sleep = lambda _seconds: None

    def env(self, cr, **context):
        return self.odoo.api.Environment(cr, self.odoo.SUPERUSER_ID, dict(context, marketplace_sleep=self.sleep))

    def queries(self):
        import odoo.sql_db

        return odoo.sql_db.sql_counter

    # -- helpers ------------------------------------------------------------------------
    def make_channel(self, env, name, base_url, page_size=100, dispatch=False):
        from marketplace_simulator import octopia as sim

        Channel = env["marketplace.channel"].with_context(active_test=False)
        vals = {"name": name, "channel_type": "octopia", "base_url": base_url, "api_login": sim.DEFAULT_CLIENT_ID,
                "api_secret": sim.DEFAULT_CLIENT_SECRET, "api_account": sim.DEFAULT_SELLER_ID,
                "page_size": page_size, "import_interval": 24 * 60, "offer_interval": 24 * 60,
                "initial_import_days": 2, "auto_confirm": True}
        if "queue_job_dispatch" in Channel._fields:
            vals["queue_job_dispatch"] = dispatch
        channel = Channel.create(vals)
        env.cr.commit()
        return channel

    def channel_stats(self, env, channel, begin_queries, elapsed):
        env.invalidate_all()
        cr = env.cr
        cr.execute("""SELECT count(*), count(*) FILTER (WHERE state = 'sale'),
                             (SELECT count(*) FROM sale_order_line l JOIN sale_order o ON o.id = l.order_id
                               WHERE o.marketplace_channel_id = %s)
                        FROM sale_order WHERE marketplace_channel_id = %s""", (channel.id, channel.id))
        orders, confirmed, lines = cr.fetchone()
        cr.execute("SELECT count(*) FROM marketplace_import_failure WHERE channel_id = %s AND state = 'open'",
                   (channel.id,))
        failed = cr.fetchone()[0]
        queries = self.queries() - begin_queries
        return {"channel_id": channel.id, "orders": orders, "confirmed": confirmed, "sale_lines": lines,
                "failed": failed, "elapsed_s": round(elapsed, 2),
                "orders_per_s": round(orders / elapsed, 2) if elapsed else 0.0,
                "queries": queries, "queries_per_order": round(queries / max(orders, 1), 1),
                "peak_rss_mb": peak_rss_mb()}

    # -- tasks --------------------------------------------------------------------------
    def task_setup(self):
        from marketplace_simulator import octopia as sim

        with self.registry.cursor() as cr:
            env = self.env(cr)
            warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
            Product = env["product.product"]
            for item in sim.CATALOG:
                if Product.search_count([("default_code", "=", item["sku"])]):
                    continue
                product = Product.create({"name": item["name"], "default_code": item["sku"], "barcode": item["ean"],
                                          "list_price": item["price"], "is_storable": True,
                                          "invoice_policy": "order"})
                env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 1000000)
            if self.params.get("reservation"):
                # "manual": confirming an order creates its delivery without reserving stock, so
                # parallel imports do not update the same stock.quant rows
                env["stock.picking.type"].search([("code", "=", "outgoing")]).write(
                    {"reservation_method": self.params["reservation"]})
            # only the channels a measurement creates run
            env["marketplace.channel"].search([]).write({"active": False})
            queue_job = bool(env["ir.module.module"].search_count(
                [("name", "=", "marketplace_queue_job"), ("state", "=", "installed")]))
            cr.commit()
            return {"products": len(sim.CATALOG), "queue_job": queue_job}

    def task_stats(self):
        """Sale orders, confirmed ones and open failures of channels (after a worker run)."""
        with self.registry.cursor() as cr:
            ids = tuple(self.params["channel_ids"])
            cr.execute("""SELECT count(*), count(*) FILTER (WHERE state = 'sale') FROM sale_order
                           WHERE marketplace_channel_id IN %s""", (ids,))
            orders, confirmed = cr.fetchone()
            cr.execute("""SELECT count(*) FROM marketplace_import_failure
                           WHERE channel_id IN %s AND state = 'open'""", (ids,))
            return {"orders": orders, "confirmed": confirmed, "failed": cr.fetchone()[0]}

    def task_make_channel(self):
        p = self.params
        with self.registry.cursor() as cr:
            channel = self.make_channel(self.env(cr), p["name"], p["base_url"], p.get("page_size", 100))
            channel.active = False  # its worker activates nothing: it calls the run directly
            cr.commit()
            return {"channel_id": channel.id}

    def task_import(self):
        p = self.params
        mode = p["mode"]
        with self.registry.cursor() as cr:
            env = self.env(cr)
            channel = self.make_channel(env, p["name"], p["base_url"], p.get("page_size", 100),
                                        dispatch=(mode == "enqueue"))
            profiler = None
            if mode == "profile":
                from marketplace_transport.octopia.rest import OctopiaRestTransport

                profiler = PhaseProfiler(env)
                profiler.install(OctopiaRestTransport)
            begin = self.queries()
            started = time.perf_counter()
            if mode in ("ours", "profile"):
                env["marketplace.channel"]._cron_import_orders()
            elif mode == "enqueue":
                channel._run_import()
            elif mode == "naive":
                self.naive_import(env, channel)
            cr.commit()
            elapsed = time.perf_counter() - started
            result = self.channel_stats(env, channel, begin, elapsed)
            result["mode"] = mode
            if mode == "enqueue":
                cr.execute("SELECT count(*) FROM queue_job WHERE identity_key LIKE %s",
                           (f"marketplace-page-{channel.id}-%",))
                result["jobs"] = cr.fetchone()[0]
            if profiler:
                result["phases"] = profiler.report(result["orders"])
                result["ms_per_order"] = round(1000 * elapsed / max(result["orders"], 1), 2)
            channel.active = False
            cr.commit()
            return result

    def naive_import(self, env, channel):
        """The plain per-order import: normalize, create partner, order with lines, confirm, commit."""
        transport = channel._get_transport()
        Partner, Sale = env["res.partner"], env["sale.order"]
        Product, Country = env["product.product"], env["res.country"]
        start = datetime.now(UTC) - timedelta(days=2)
        for page in transport.iter_order_pages(start):
            for payload in page:
                try:
                    order = transport.normalize_order(payload)
                    address = order.billing
                    partner = Partner.create({
                        "name": address.company_name or address.display_name, "street": address.street,
                        "zip": address.zip, "city": address.city, "email": address.email, "phone": address.phone,
                        "country_id": Country.search([("code", "=", address.country_code)], limit=1).id})
                    lines = [(0, 0, {"product_id": Product.search([("default_code", "=", line.sku)], limit=1).id,
                                     "product_uom_qty": line.quantity, "price_unit": line.unit_price})
                             for line in order.lines]
                    if order.shipping_amount:
                        lines.append((0, 0, {"product_id": channel.shipping_product_id.id, "product_uom_qty": 1,
                                             "price_unit": order.shipping_amount}))
                    sale = Sale.create({"partner_id": partner.id, "order_line": lines,
                                        "client_order_ref": order.reference, "marketplace_channel_id": channel.id,
                                        "marketplace_order_ref": order.external_id})
                    if order.marketplace_status in CONFIRM_STATUSES:
                        sale.action_confirm()
                    env.cr.commit()
                except Exception as exc:  # the baseline just skips what fails
                    env.cr.rollback()
                    print(f"naive: order failed: {exc}", file=sys.stderr)

    def task_offers_setup(self):
        from marketplace_simulator.octopia import CATALOG, ean13

        p = self.params
        with self.registry.cursor() as cr:
            env = self.env(cr)
            channel = self.make_channel(env, p["name"], p["base_url"])
            products = env["product.product"].search([("default_code", "in", [c["sku"] for c in CATALOG])])
            started = time.perf_counter()
            Offer = env["marketplace.offer"]
            batch = []
            for index in range(p["count"]):
                product = products[index % len(products)]
                batch.append({"channel_id": channel.id, "product_id": product.id,
                              "seller_sku": f"BENCH-{index:07d}", "ean": ean13(f"377{index:09d}"),
                              "price": 5.0 + index % 100})
                if len(batch) == 1000:
                    Offer.create(batch)
                    batch = []
                    env.invalidate_all()
            if batch:
                Offer.create(batch)
            cr.commit()
            channel.active = False
            cr.commit()
            return {"channel_id": channel.id, "elapsed_s": round(time.perf_counter() - started, 2)}

    def task_offers_push(self):
        import psutil

        p = self.params
        with self.registry.cursor() as cr:
            env = self.env(cr, marketplace_no_queue_job=True)
            channel = env["marketplace.channel"].with_context(active_test=False).browse(p["channel_id"])
            rss_before = round(psutil.Process().memory_info().rss / 1048576.0, 1)
            begin = self.queries()
            started = time.perf_counter()
            channel._push_offers()
            cr.commit()
            elapsed = time.perf_counter() - started
            cr.execute("SELECT state, count(*) FROM marketplace_offer WHERE channel_id = %s GROUP BY state",
                       (channel.id,))
            states = dict(cr.fetchall())
            offers = sum(states.values())
            return {"offers": offers, "done": states.get("done", 0), "errors": states.get("error", 0),
                    "elapsed_s": round(elapsed, 2), "offers_per_s": round(offers / elapsed, 1) if elapsed else 0.0,
                    "queries": self.queries() - begin, "rss_before_push_mb": rss_before,
                    "peak_rss_mb": peak_rss_mb()}

    def task_jobworker(self):
        """Run the page jobs of one channel the way queue_job's /queue_job/runjob does: load, set
        started, commit, perform, set done, commit; a RetryableJobError rolls back and postpones."""
        from odoo.addons.queue_job.exception import RetryableJobError
        from odoo.addons.queue_job.job import Job

        p = self.params
        prefix = f"marketplace-page-{p['channel_id']}-%"
        jobs = orders = failed = retries = 0
        begin = time.time()
        with self.registry.cursor() as cr:
            env = self.env(cr)
            while True:
                cr.execute("""SELECT uuid FROM queue_job WHERE state = 'pending' AND identity_key LIKE %s
                                 AND (eta IS NULL OR eta <= (now() AT TIME ZONE 'UTC'))
                              ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED""", (prefix,))
                row = cr.fetchone()
                if not row:
                    cr.execute("""SELECT count(*) FROM queue_job WHERE identity_key LIKE %s
                                     AND state IN ('pending', 'enqueued', 'started')""", (prefix,))
                    waiting = cr.fetchone()[0]
                    cr.rollback()
                    if not waiting:
                        break
                    time.sleep(0.5)  # postponed jobs, or jobs another worker runs
                    continue
                uuid = row[0]
                job = Job.load(env, uuid)
                job.set_started()
                job.store()
                cr.commit()
                try:
                    job.perform()
                    numbers = [int(n) for n in re.findall(r"\d+", str(job.result or ""))]
                    if len(numbers) == 3:  # "Imported i, unchanged s, failed f"
                        orders += numbers[0]
                        failed += numbers[2]
                    env.flush_all()
                    job.set_done()
                    job.store()
                    cr.commit()
                    jobs += 1
                except RetryableJobError as exc:
                    cr.rollback()
                    env.invalidate_all()
                    retries += 1
                    job = Job.load(env, uuid)
                    job.postpone(result=str(exc), seconds=exc.seconds)
                    job.set_pending(reset_retry=False)
                    job.store()
                    cr.commit()
                except Exception as exc:
                    cr.rollback()
                    env.invalidate_all()
                    print(f"job {uuid} failed: {exc}", file=sys.stderr)
                    job = Job.load(env, uuid)
                    job.set_failed(exc_info=str(exc))
                    job.store()
                    cr.commit()
                env.invalidate_all()
            end = time.time()
            return {"jobs": jobs, "retries": retries, "orders": orders, "failed": failed, "begin": begin,
                    "end": end, "peak_rss_mb": peak_rss_mb()}

    def task_cronworker(self):
        p = self.params
        with self.registry.cursor() as cr:
            env = self.env(cr)
            channel = env["marketplace.channel"].with_context(active_test=False).browse(p["channel_id"])
            begin_q = self.queries()
            begin = time.time()
            runs = 0
            while True:  # as the cron's next runs: a page interrupted by the other process is redone
                channel.with_company(channel.company_id)._run_import()
                cr.commit()
                runs += 1
                done = env["sale.order"].search_count([("marketplace_channel_id", "=", channel.id)])
                if done >= p.get("expected", 0) or runs >= 10:
                    break
            end = time.time()
            result = self.channel_stats(env, channel, begin_q, end - begin)
            result.update(begin=begin, end=end, runs=runs)
            return result


def child_main(args):
    child = Child(args)
    result = getattr(child, f"task_{args.task}")()
    print(RESULT_TAG + json.dumps(result), flush=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--quick", action="store_true", help="500 orders, 5,000 offers (development)")
    parser.add_argument("--orders", type=int, default=0, help="orders of the main import (default 5000)")
    parser.add_argument("--naive-orders", type=int, default=None,
                        help="orders of the naive baseline (default: min(orders, 500); 0 skips it)")
    parser.add_argument("--profile-orders", type=int, default=None,
                        help="orders of the per-phase profile (default: min(orders, 200); 0 skips it)")
    parser.add_argument("--offers", type=int, default=None, help="offers to push (default 50000; 0 skips)")
    parser.add_argument("--workers", type=int, default=1, help="also measure the speed-up of K workers")
    parser.add_argument("--worker-orders", type=int, default=None,
                        help="orders of each worker run (default: min(orders, 1000))")
    parser.add_argument("--worker-split", choices=("jobs", "channels"), default="jobs",
                        help="jobs: queue_job page jobs of one channel (when installed); channels: one "
                             "channel per process, each with 1/K of the orders, from the import cron")
    parser.add_argument("--scale", action="store_true", help="also import N then 4N orders: RSS growth")
    parser.add_argument("--scale-orders", type=int, default=0, help="N of --scale (default: --orders)")
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--worker-page-size", type=int, default=50,
                        help="listing page size of the worker runs (one page = one job)")
    parser.add_argument("--reservation", choices=("at_confirm", "manual"), default=None,
                        help="set the reservation method of outgoing operation types first "
                             "(default: leave Odoo's: at confirmation)")
    parser.add_argument("--status-mix", choices=("confirmed", "realistic"), default="confirmed",
                        help="confirmed: statuses that end as confirmed sale orders; realistic: the "
                             "generator's full mix (waiting acceptance, cancelled...)")
    parser.add_argument("--task", help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.task:
        child_main(arguments)
    else:
        driver_main(arguments)
