"""Constants of the WooCommerce simulator: paths, page size, site time zone, tracking providers."""
from datetime import timedelta, timezone

NAME = "woocommerce"
PREFIX = "/wp-json/wc/v3"
TRACKING_PREFIX = "/wp-json/wc-shipment-tracking/v3"
MAX_PER_PAGE = 100
SITE_TZ = timezone(timedelta(hours=1))  # site timezone: local dates differ from the GMT ones
VAT_RATE_ID = 75
PROVIDERS = {"France": {"Colissimo": "https://www.laposte.fr/outils/suivre-vos-envois?code=%1$s",
                        "Chronopost": "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT=%1$s"},
             "United States": {"USPS": "https://tools.usps.com/go/TrackConfirmAction_input?qtc_tLabels1=%1$s",
                               "UPS": "https://www.ups.com/track?tracknum=%1$s"},
             "Global": {"DHL": "https://www.dhl.com/track?AWB=%1$s"}}
