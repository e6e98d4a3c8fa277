"""The benchmark's result table."""



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
