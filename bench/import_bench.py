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
import json

from bench_child import Child
from bench_common import RESULT_TAG
from bench_driver import Driver
from bench_report import print_table


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
