"""The table "Legal sources" of marketplace_vat/README.md: every test it names exists, every item of issue 19
has rows with a source and a test (the table an accountant reads to find the test of a rule)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST_REF = re.compile(r"`([\w/.]+\.py)::(\w+)(?:\[([^\]`]+)\])?`")


def legal_rows():
    text = (ROOT / "marketplace_vat/README.md").read_text()
    section = text.split("## Legal sources", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| item")]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows]


def test_every_named_test_exists():
    refs = [ref for row in legal_rows() for ref in TEST_REF.findall(row[4])]
    assert len(refs) > 80
    missing = []
    for path, name, case in refs:
        source = (ROOT / path).read_text() if (ROOT / path).is_file() else ""
        if f"def {name}(" not in source or (case and f'"{case}"' not in source):
            missing.append(f"{path}::{name}" + (f"[{case}]" if case else ""))
    assert missing == []


def test_every_item_has_a_source_and_a_test():
    rows = legal_rows()
    assert {row[0] for row in rows} >= {"—", *map(str, range(1, 9))}
    for item, case, _rule, source, tests in rows:
        assert source, f"item {item}, {case}: no source"
        assert TEST_REF.search(tests) or tests == "same two tests", f"item {item}, {case}: no test"
