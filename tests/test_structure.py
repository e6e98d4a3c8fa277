"""Structure rules of the suite, checked on the source: the core names no marketplace.

Each marketplace lives in its connector addon (its descriptor in ``<addon>/connector.py``); the core
reads descriptors and capabilities. ``marketplace_vat/models/account_move.py`` is left out until its
invoice upload reads the channel's ``can_upload_invoice``.
"""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKETPLACE_NAMES = re.compile(r"octopia|cdiscount|shopify|woocommerce|prestashop|wix", re.IGNORECASE)
CORE_SOURCES = [
    "marketplace_connector/models",
    "marketplace_connector/controllers",
    "marketplace_connector/connector.py",
    "marketplace_vat/models",
]
ADDS_TYPE = re.compile(r"channel_type = fields\.Selection\(\s*selection_add=")
NOT_YET = {"marketplace_vat/models/account_move.py"}


def core_files():
    for source in CORE_SOURCES:
        path = ROOT / source
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            if file.relative_to(ROOT).as_posix() not in NOT_YET:
                yield file


def marketplace_names(file):
    """``path:line: text`` of each line of ``file`` naming a marketplace."""
    lines = file.read_text(encoding="utf-8").splitlines()
    return [f"{file.relative_to(ROOT)}:{number}: {line.strip()}"
            for number, line in enumerate(lines, 1) if MARKETPLACE_NAMES.search(line)]


def test_core_names_no_marketplace():
    files = list(core_files())
    assert len(files) > 10, "the core's sources are found"
    hits = [hit for file in files for hit in marketplace_names(file)]
    assert hits == [], "the core names a marketplace:\n" + "\n".join(hits)


def connector_addons():
    """The addons that add a channel type (``selection_add`` on ``channel_type``)."""
    for models in sorted(ROOT.glob("marketplace_*/models")):
        if any(ADDS_TYPE.search(file.read_text(encoding="utf-8")) for file in models.glob("*.py")):
            yield models.parent


def test_every_connector_addon_registers_a_descriptor():
    addons = list(connector_addons())
    assert len(addons) >= 5, addons
    for addon in addons:
        assert "register(ConnectorDescriptor(" in (addon / "connector.py").read_text(encoding="utf-8"), addon.name
        assert "from . import connector" in (addon / "__init__.py").read_text(encoding="utf-8"), addon.name
