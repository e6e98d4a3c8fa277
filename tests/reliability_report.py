"""Render .local/reliability-figures.json (written by the reliability tests) into docs/reliability.md.

    .venv/bin/python tests/reliability_report.py

Only the table between the ``figures`` markers is replaced; the rest of the page is hand-written.
Rows are (connector, fault); a fault kind that does not apply to a platform has its row with the
reason ("n/a: ..." notes, no figures).
"""
import json
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"
BEGIN, END = "<!-- figures:begin -->", "<!-- figures:end -->"
COUNTED = ("orders", "imported", "duplicates", "missing")


def normalized(rows):
    """Rows sorted by connector then fault (rows of older runs have no connector: Octopia REST)."""
    result = []
    for key, row in rows.items():
        connector = row.get("connector") or "Octopia REST"
        fault = row.get("fault") or key.split(" | ", 1)[-1]
        result.append(dict(row, connector=connector, fault=fault))
    return sorted(result, key=lambda row: (row["connector"] != "Octopia REST", row["connector"], row["fault"]))


def is_na(row):
    return str(row.get("note", "")).startswith("n/a")


def detail_table(rows):
    lines = ["| connector | fault | orders | imported | duplicates | missing | runs | note |",
             "|---|---|---:|---:|---:|---:|---:|---|"]
    for row in rows:
        if is_na(row):
            lines.append(f"| {row['connector']} | {row['fault']} | – | – | – | – | – | {row['note']} |")
            continue
        lines.append(f"| {row['connector']} | {row['fault']} | {row['orders']} | {row['imported']} "
                     f"| {row['duplicates']} | {row['missing']} | {row['runs']} | {row.get('note', '')} |")
    return lines


def summary_table(rows):
    lines = ["| connector | faults run | kinds n/a | orders | imported | duplicates | missing |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    totals = dict.fromkeys(("run", "na", *COUNTED), 0)
    for connector in dict.fromkeys(row["connector"] for row in rows):
        mine = [row for row in rows if row["connector"] == connector]
        run = [row for row in mine if not is_na(row)]
        sums = {key: sum(row[key] for row in run) for key in COUNTED}
        lines.append(f"| {connector} | {len(run)} | {len(mine) - len(run)} | "
                     + " | ".join(str(sums[key]) for key in COUNTED) + " |")
        for key in COUNTED:
            totals[key] += sums[key]
        totals["run"] += len(run)
        totals["na"] += len(mine) - len(run)
    lines.append("| **all** | " + " | ".join(f"**{totals[key]}**" for key in ("run", "na", *COUNTED)) + " |")
    rejected = totals["orders"] - totals["imported"] - totals["missing"]
    return lines, rejected


def render(rows):
    rows = normalized(rows)
    summary, rejected = summary_table(rows)
    stamps = sorted(row["at"] for row in rows)
    return "\n".join([
        *summary, "",
        f"{rejected} bad-input orders (Octopia REST) are, by design, in the failed imports, not sale orders.", "",
        *detail_table(rows), "",
        f"Recorded by the test run between {stamps[0]} and {stamps[-1]} (UTC)."])


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
