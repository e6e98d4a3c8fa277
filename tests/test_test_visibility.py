"""Every test of an addon is visible to ``odoo-bin --test-enable``, the same tests pytest runs.

Odoo runs the test modules that an addon's ``tests/__init__.py`` imports and, in each, the test
methods a class defines itself (inherited ones only with ``allow_inherited_tests_method``); pytest
finds every ``tests/test_*.py`` and every inherited method. ``scripts/odoo-bin-tests.sh`` compares
the counts of a real odoo-bin run with pytest's.
"""
import ast
import importlib
import importlib.util
import inspect
import unittest
from collections import Counter
from pathlib import Path

import pytest

from odoo.tests import loader

ROOT = Path(__file__).resolve().parent.parent
TEST_FOLDERS = sorted(manifest.parent / "tests" for manifest in ROOT.glob("marketplace_*/__manifest__.py")
                      if (manifest.parent / "tests" / "__init__.py").is_file())


def imported_submodules(init_file):
    """Names that ``from . import name`` statements of a package's ``__init__.py`` import."""
    return {alias.name for node in ast.walk(ast.parse(init_file.read_text()))
            if isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module
            for alias in node.names}


def pytest_tests(module):
    """(class, method) of each test pytest collects in ``module``: every TestCase class of its
    namespace, imported ones included, with their inherited test methods."""
    names = unittest.TestLoader().getTestCaseNames
    return Counter((f"{cls.__module__}.{cls.__qualname__}", method)
                   for cls in vars(module).values()
                   if inspect.isclass(cls) and issubclass(cls, unittest.TestCase) and getattr(cls, "__test__", True)
                   for method in names(cls))


def odoo_tests(module):
    """(class, method, tags) of each test Odoo's loader finds in ``module``."""
    return [(f"{type(test).__module__}.{type(test).__qualname__}", test._testMethodName, test.test_tags)
            for test in loader.get_module_test_cases(module)]


def skip_without_dependencies(addon):
    manifest = ast.literal_eval((ROOT / addon / "__manifest__.py").read_text())
    missing = [name for name in manifest.get("depends", []) if not importlib.util.find_spec(f"odoo.addons.{name}")]
    if missing:
        pytest.skip(f"{addon} needs {missing}")


@pytest.mark.parametrize("folder", TEST_FOLDERS, ids=lambda folder: folder.parent.name)
def test_the_tests_package_imports_every_test_module(folder):
    modules = {path.stem for path in folder.glob("test_*.py")}
    missing = sorted(modules - imported_submodules(folder / "__init__.py"))
    assert modules, f"{folder.relative_to(ROOT)} has no test module"
    assert not missing, f"{folder.relative_to(ROOT)}/__init__.py does not import {missing}: odoo-bin skips them"


@pytest.mark.parametrize("folder", TEST_FOLDERS, ids=lambda folder: folder.parent.name)
def test_odoo_runs_the_tests_pytest_collects(folder):
    addon = folder.parent.name
    skip_without_dependencies(addon)
    collected = sum((pytest_tests(importlib.import_module(f"odoo.addons.{addon}.tests.{path.stem}"))
                     for path in sorted(folder.glob("test_*.py"))), Counter())
    # the imports above make the modules visible to the loader: the test before checks __init__.py
    found = [test for module in loader.get_test_modules(addon) for test in odoo_tests(module)]
    assert Counter((cls, method) for cls, method, _tags in found) == collected
    not_run = sorted(f"{cls}.{method}" for cls, method, tags in found
                     if "standard" not in tags or not tags & {"at_install", "post_install"})
    assert not not_run, f"tagged out of a plain --test-enable run: {not_run}"
