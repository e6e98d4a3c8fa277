"""Status mapping tables set on a channel (PrestaShop state ids, WooCommerce custom statuses):
text lines ``<marketplace state>=<normalized status>`` parsed into ``{state: OrderStatus}``."""
from marketplace_transport.exceptions import UserInputError
from marketplace_transport.normalized import OrderStatus


class StateMapError(UserInputError):
    """A line of a status mapping table that cannot be read.

    Code ``state_map_syntax`` (params ``line``) or ``state_map_status`` (params ``state``, ``status``,
    ``statuses``: the allowed ones, comma-separated).
    """

    code = "state_map_syntax"


def parse_state_map(value):
    """Channel setting -> {state id: OrderStatus}.

    Accepts a dict or text lines ``<state id>=<status>`` (``#`` comments allowed), e.g. ``14=to_ship``
    (PrestaShop state id) or ``shipped=shipped`` (WooCommerce status slug).
    """
    if not value:
        return {}
    if isinstance(value, dict):
        items = value.items()
    else:
        items = []
        for raw in str(value).splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if "=" not in line and ":" not in line:
                raise StateMapError(f"State mapping line {raw!r}: expected '<state id>=<status>'",
                                    params={"line": raw.strip()})
            key, _sep, status = line.replace(":", "=", 1).partition("=")
            items.append((key, status))
    result = {}
    for key, status in items:
        try:
            result[str(key).strip()] = OrderStatus(str(status).strip().lower())
        except ValueError:
            allowed = ", ".join(s.value for s in OrderStatus)
            raise StateMapError(f"State mapping: unknown status {status!r} for state {key} ({allowed})",
                                code="state_map_status", params={
                                    "state": str(key).strip(), "status": str(status).strip(), "statuses": allowed,
                                }) from None
    return result
