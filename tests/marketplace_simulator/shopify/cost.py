"""Shopify simulator: the GraphQL calculated query cost bucket, one per shop (orders and stock alike)."""
import time


class CostBucket:
    """Shopify's calculated query cost bucket: ``maximum`` points, ``restore_rate`` per second."""

    def __init__(self, maximum=2000.0, restore_rate=100.0):
        self.maximum, self.restore_rate = maximum, restore_rate
        self.available, self.at = maximum, time.monotonic()

    def take(self, cost):
        """True when ``cost`` points were available (and taken)."""
        now = time.monotonic()
        self.available = min(self.maximum, self.available + (now - self.at) * self.restore_rate)
        self.at = now
        if cost > self.available:
            return False
        self.available -= cost
        return True

    def extensions(self, cost, actual):
        return {"cost": {"requestedQueryCost": cost, "actualQueryCost": actual, "throttleStatus": {
            "maximumAvailable": self.maximum, "currentlyAvailable": int(self.available),
            "restoreRate": self.restore_rate}}}
