"""Pure-Python VAT logic (no ``odoo`` import): regime decision, rates, territories, threshold.
VIES: ``marketplace_transport.vies``."""
from .rates import EU_MEMBER_STATES, STANDARD_RATES, category_rate, standard_rate, vies_prefix
from .regime import Regime, RegimeDecision, RegimeInput, VatStatus, decide_regime
from .territories import ship_territory

__all__ = [
    "EU_MEMBER_STATES", "STANDARD_RATES", "category_rate", "standard_rate", "vies_prefix",
    "Regime", "RegimeDecision", "RegimeInput", "VatStatus", "decide_regime", "ship_territory",
]
