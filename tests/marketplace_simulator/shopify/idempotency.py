"""Shopify simulator: the ``@idempotent(key:)`` directive of ``inventorySetQuantities`` and its answers.

A key runs its request once: the same key with the same variables answers the first result again (nothing
written twice), with other variables ``IDEMPOTENCY_KEY_PARAMETER_MISMATCH``. Fault injection
(:func:`fail_idempotency`) serves the other documented answers, their bodies from
``tests/fixtures/shopify/inventorySetQuantities.idempotency.response.json`` (codes and messages published,
envelope inferred: see its SOURCE.md):

- ``IDEMPOTENCY_CONCURRENT_REQUEST``: a request with this key is still in progress; it completes (its write
  lands, once) while this one is refused, and the same key then answers its result;
- ``IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED``: nothing is written and the key stays failed (every later request
  with it answers the same: only a new key goes through).
"""
import copy
import json
import re

from ..contract import FIXTURES
from .api import _state

IDEMPOTENT = re.compile(r'@idempotent\s*\(\s*key:\s*"([^"]+)"\s*\)')
ANSWERS = json.loads((FIXTURES / "shopify" / "inventorySetQuantities.idempotency.response.json").read_text())
CONCURRENT, FAILED, MISMATCH = ("IDEMPOTENCY_CONCURRENT_REQUEST", "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED",
                                "IDEMPOTENCY_KEY_PARAMETER_MISMATCH")


def fail_idempotency(app, code, times=1):
    """The next ``times`` ``inventorySetQuantities`` calls carrying a key answer ``code`` (module docstring)."""
    if code not in ANSWERS:
        raise ValueError(f"not an idempotency answer of inventorySetQuantities: {code}")
    _state(app).setdefault("idempotency_faults", []).extend([code] * times)


def _answer(code):
    return copy.deepcopy(ANSWERS[code]["data"]), ""


def idempotent(app, body, run):
    """``run()`` (``(data, error)``) once per ``@idempotent`` key; without the directive, every time."""
    match = IDEMPOTENT.search(body.get("query") or "")
    if not match:
        return run()
    key, variables, state = match.group(1), body.get("variables") or {}, _state(app)
    seen, failed = state.setdefault("idempotency", {}), state.setdefault("idempotency_failed", set())
    faults = state.setdefault("idempotency_faults", [])
    fault = faults.pop(0) if faults else None
    if fault == MISMATCH or (key in seen and seen[key][0] != variables):
        return _answer(MISMATCH)
    if key in failed or (fault == FAILED and key not in seen):
        failed.add(key)
        return _answer(FAILED)
    if key not in seen:
        seen[key] = (copy.deepcopy(variables), run())
    return _answer(fault) if fault else seen[key][1]
