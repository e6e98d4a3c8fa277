"""The transport tests run in two Pythons: the suite's, with Odoo (``scripts/test.sh``, pytest-odoo), and
a virtualenv with neither Odoo nor psycopg2 (``scripts/test-pure.sh``, ``MARKETPLACE_PURE_PYTHON=1``),
where this guard refuses to run if either can be imported."""
import importlib.util
import os

import pytest


def pytest_configure(config):
    if os.environ.get("MARKETPLACE_PURE_PYTHON") != "1":
        return
    present = [name for name in ("odoo", "psycopg2") if importlib.util.find_spec(name)]
    if present:
        raise pytest.UsageError(f"MARKETPLACE_PURE_PYTHON=1, yet {' and '.join(present)} can be imported here")
