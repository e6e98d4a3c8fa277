"""Shared by the benchmark's modules: paths, the result tag, the status mix, peak RSS."""
import resource
import sys
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
