#!/usr/bin/env python3
"""Build each addon's README.md from its ``readme/`` fragments (OCA fragment names).

    python3 scripts/addon_readme.py               write the README.md of every addon that has readme/
    python3 scripts/addon_readme.py --check       write nothing; exit 1 naming each stale README.md
    python3 scripts/addon_readme.py ADDON_DIR...  only these addons

The title is the manifest's ``name``, followed by its ``summary``. Each fragment ``readme/NAME.md``
becomes one ``##`` section, in this order: DESCRIPTION, CONFIGURE, USAGE, the other fragments
alphabetically, CONTRIBUTORS last. A fragment whose first line is a ``# `` heading gives its own
section title; the others are titled after their name. Headings inside a fragment move one level
down (``##`` becomes ``###``); fenced code blocks are copied as they are.
"""
import argparse
import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = "<!-- Generated from readme/ by scripts/addon_readme.py: edit the fragments, then run the script. -->"
FIRST = ("DESCRIPTION", "CONFIGURE", "USAGE")
LAST = ("CONTRIBUTORS",)
TITLES = {
    "DESCRIPTION": "Description",
    "CONFIGURE": "Configuration",
    "USAGE": "Usage",
    "ROADMAP": "Known issues / Roadmap",
    "CONTRIBUTORS": "Contributors",
}
FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^#{1,5} ")


def fragment_order(name):
    """Sort key of a fragment name: the OCA sections first, CONTRIBUTORS last, others alphabetically."""
    if name in FIRST:
        return (0, FIRST.index(name), "")
    if name in LAST:
        return (2, LAST.index(name), "")
    return (1, 0, name)


def demote_headings(lines):
    """Move every Markdown heading outside fenced code one level down."""
    in_fence = False
    for line in lines:
        if FENCE.match(line):
            in_fence = not in_fence
        yield "#" + line if not in_fence and HEADING.match(line) else line


def render_section(name, text):
    """One ``##`` section from a fragment's text."""
    lines = text.strip().splitlines()
    title = TITLES.get(name) or name.replace("_", " ").capitalize()
    if lines and lines[0].startswith("# "):
        title, lines = lines[0][2:].strip(), lines[1:]
    body = "\n".join(demote_headings(lines)).strip()
    return f"## {title}\n\n{body}\n"


def render_readme(addon):
    """The README.md text of an addon directory."""
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text(encoding="utf-8"))
    parts = [HEADER, f"# {manifest['name']}"]
    if manifest.get("summary"):
        parts.append(manifest["summary"].strip())
    fragments = sorted((addon / "readme").glob("*.md"), key=lambda path: fragment_order(path.stem))
    parts += [render_section(path.stem, path.read_text(encoding="utf-8")) for path in fragments]
    return "\n\n".join(part.strip() for part in parts) + "\n"


def find_addons(paths):
    """Addon directories to handle: the given ones, else every addon of the repository with readme/."""
    candidates = [Path(path) for path in paths] or sorted(path.parent for path in ROOT.glob("*/__manifest__.py"))
    return [path for path in candidates if (path / "__manifest__.py").is_file() and (path / "readme").is_dir()]


def display(path):
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing, exit 1 when a README.md is stale")
    parser.add_argument("addons", nargs="*", help="addon directories (default: every addon with readme/)")
    args = parser.parse_args(argv)
    stale = []
    for addon in find_addons(args.addons):
        readme, text = addon / "README.md", render_readme(addon)
        current = readme.read_text(encoding="utf-8") if readme.is_file() else None
        if current == text:
            continue
        stale.append(readme)
        if not args.check:
            readme.write_text(text, encoding="utf-8")
            print(f"wrote {display(readme)}")
    if args.check and stale:
        for readme in stale:
            print(f"{display(readme)} is stale: run python3 scripts/addon_readme.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
