"""Pure-Python VAT logic (no ``odoo`` import): regime decision, EU rates. VIES: ``marketplace_transport.vies``."""
from .rates import EU_MEMBER_STATES, STANDARD_RATES, standard_rate, vies_prefix
from .regime import Regime, RegimeDecision, RegimeInput, VatStatus, decide_regime

__all__ = [
    "EU_MEMBER_STATES", "STANDARD_RATES", "standard_rate", "vies_prefix",
    "Regime", "RegimeDecision", "RegimeInput", "VatStatus", "decide_regime",
]
