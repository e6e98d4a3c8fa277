"""Benchmark driver: simulator datasets, generated orders, one child process per measurement."""
import copy
import json
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench_common import CONFIRMED_MIX, RESULT_TAG, ROOT

ENTRY = str(Path(__file__).with_name("import_bench.py"))  # the script each measurement process runs


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
        cmd = [sys.executable, ENTRY, "--task", task, "--params", json.dumps(params),
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
        cmd = [sys.executable, ENTRY, "--task", task, "--params", json.dumps(params),
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
