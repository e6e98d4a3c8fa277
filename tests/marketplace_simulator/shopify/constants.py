"""Constants of the Shopify simulator: API version, limits, routes prefix."""
from datetime import timedelta, timezone

NAME = "shopify"
API_VERSION = "2026-10"
CLIENT_ID = "sim-client-id-0123456789abcdef"
CLIENT_SECRET = "shpss_sim_client_secret_0123456789"
MAX_LIMIT = 250
DEFAULT_LIMIT = 50
SHOP_TZ = timezone(timedelta(hours=1))  # a Paris shop: Shopify writes dates with the shop's offset
PREFIX = r"/admin/api/(?P<version>\d{4}-\d{2})"
THROTTLED = "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."
