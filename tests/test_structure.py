"""Structure rules of the suite, checked on the source: the core names no marketplace.

Each marketplace lives in its connector addon (its descriptor in ``<addon>/connector.py``); the core
reads descriptors and capabilities.
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


def core_files():
    for source in CORE_SOURCES:
        path = ROOT / source
        yield from sorted(path.rglob("*.py")) if path.is_dir() else [path]


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


#: the context keys that carried a page's state before the run objects (marketplace_connector/run.py)
CONTEXT_LIST_KEYS = re.compile(r"marketplace_run_cache|marketplace_create_batch|marketplace_confirm_batch|PageList")


def test_no_page_state_in_the_context():
    files = [file for addon in sorted(ROOT.glob("marketplace_*")) for file in sorted(addon.rglob("*.py"))]
    assert len(files) > 50, "the addons' sources are found"
    hits = [f"{file.relative_to(ROOT)}:{number}" for file in files
            for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1)
            if CONTEXT_LIST_KEYS.search(line)]
    assert hits == [], "page state travels through the context again:\n" + "\n".join(hits)


def python_sources():
    """Every Python file of the repository (addons, transports, simulators, tests, scripts, bench)."""
    skipped = {".venv", ".venv-pure", ".venv-lint", ".local", ".git"}
    return [file for file in sorted(ROOT.rglob("*.py"))
            if not skipped & set(file.relative_to(ROOT).parts)]


def test_every_python_file_is_under_400_lines():
    files = python_sources()
    assert len(files) > 100, "the sources are found"
    long = [f"{file.relative_to(ROOT)}: {n}" for file in files
            if (n := len(file.read_text(encoding="utf-8").splitlines())) > 400]
    assert long == [], "files over 400 lines:\n" + "\n".join(long)
