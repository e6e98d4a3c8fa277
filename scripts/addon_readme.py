#!/usr/bin/env python3
"""Build each addon's README.md and static/description/index.html from its ``readme/`` fragments.

    .venv-lint/bin/python scripts/addon_readme.py               write the files of every addon with readme/
    .venv-lint/bin/python scripts/addon_readme.py --check       write nothing; exit 1 naming each stale file
    .venv-lint/bin/python scripts/addon_readme.py ADDON_DIR...  only these addons

The fragments follow the OCA's names. Odoo shows an addon's ``static/description/index.html`` on its
Apps page (``ir.module.module.description_html``) and, without one, parses README.md as
reStructuredText, which garbles Markdown: like the OCA's, the index.html is committed, the README.md
rendered as HTML by Python-Markdown (``tables`` and ``fenced_code``; pinned in lint-requirements.txt,
so installed in .venv-lint by scripts/lint.sh).

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

try:
    import markdown
except ImportError:  # the linters' venv has it: scripts/lint.sh installs lint-requirements.txt
    sys.exit("scripts/addon_readme.py needs Python-Markdown: run it with .venv-lint/bin/python "
             "(bash scripts/lint.sh installs it)")

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
INDENT = re.compile(r"^ +")
MARKDOWN_EXTENSIONS = ("tables", "fenced_code")


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


def widen_indents(lines):
    """Double the indentation outside fenced code: Python-Markdown nests lists by four spaces, GitHub by two."""
    in_fence = False
    for line in lines:
        if FENCE.match(line):
            in_fence = not in_fence
            yield line
        else:
            yield line if in_fence else INDENT.sub(lambda match: match.group() * 2, line)


def render_html(readme):
    """The static/description/index.html text of an addon: its README.md text rendered as HTML."""
    source = "\n".join(widen_indents(readme.removeprefix(HEADER).splitlines()))
    body = markdown.markdown(source, extensions=list(MARKDOWN_EXTENSIONS), output_format="html")
    return f"{HEADER}\n{body}\n"


def generated_files(addon):
    """``(path, text)`` of each file generated for an addon: README.md and static/description/index.html."""
    readme = render_readme(addon)
    return [(addon / "README.md", readme), (addon / "static" / "description" / "index.html", render_html(readme))]


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
    parser.add_argument("--check", action="store_true", help="write nothing, exit 1 when a generated file is stale")
    parser.add_argument("addons", nargs="*", help="addon directories (default: every addon with readme/)")
    args = parser.parse_args(argv)
    stale = [(path, text) for addon in find_addons(args.addons) for path, text in generated_files(addon)
             if not path.is_file() or path.read_text(encoding="utf-8") != text]
    if args.check:
        for path, _text in stale:
            print(f"{display(path)} is stale: run .venv-lint/bin/python scripts/addon_readme.py", file=sys.stderr)
        return 1 if stale else 0
    for path, text in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {display(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
