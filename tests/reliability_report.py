"""Render .local/reliability-figures.json (written by the reliability tests) into docs/reliability.md.

    .venv/bin/python tests/reliability_report.py

Only the table between the ``figures`` markers is replaced; the rest of the page is hand-written.
"""
import json
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"
BEGIN, END = "<!-- figures:begin -->", "<!-- figures:end -->"


def render(rows):
    lines = ["| fault | orders | imported | duplicates | missing | runs | note |",
             "|---|---:|---:|---:|---:|---:|---|"]
    totals = {"orders": 0, "imported": 0, "duplicates": 0, "missing": 0}
    for fault, row in rows.items():
        lines.append(f"| {fault} | {row['orders']} | {row['imported']} | {row['duplicates']} | {row['missing']} "
                     f"| {row['runs']} | {row.get('note', '')} |")
        for key in totals:
            totals[key] += row[key]
    rejected = totals["orders"] - totals["imported"] - totals["missing"]
    lines.append(f"| **{len(rows)} faults** | **{totals['orders']}** | **{totals['imported']}** "
                 f"| **{totals['duplicates']}** | **{totals['missing']}** | | {rejected} bad-input orders are "
                 "(by design) in the failed imports, not sale orders |")
    stamps = sorted(row["at"] for row in rows.values())
    lines.append("")
    lines.append(f"Recorded by the test run between {stamps[0]} and {stamps[-1]} (UTC).")
    return "\n".join(lines)


def main():
    rows = json.loads((DOCS.parent / ".local" / "reliability-figures.json").read_text())
    page = DOCS / "reliability.md"
    text = page.read_text()
    head, rest = text.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    page.write_text(f"{head}{BEGIN}\n{render(rows)}\n{END}{tail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
