"""French translations: every user-facing string of the suite's addons is translated.

For each addon of the suite that has an ``i18n`` folder:

* ``i18n/<addon>.pot`` holds exactly the terms Odoo exports from the installed addon (a string added
  to the Python code, a view or a field without re-exporting the template fails);
* ``i18n/fr.po`` parses (polib and Odoo's own ``PoFileReader``), declares French, and gives every
  msgid of the template a non-empty, non-fuzzy msgstr, with no stale entry left over;
* placeholders match between msgid and msgstr: ``%s`` / ``%(name)s``, ``{name}``, HTML tags and
  QWeb ``t-*`` expressions.

After a string change, in a database where the addon is up to date::

    odoo -d DB --i18n-export=<addon>/i18n/<addon>.pot --modules=<addon> --language= --stop-after-init
    msgmerge --update --no-fuzzy-matching --backup=none <addon>/i18n/fr.po <addon>/i18n/<addon>.pot
    # translate the new empty msgstr, then: msgfmt -c -o /dev/null <addon>/i18n/fr.po
"""
import re
from collections import Counter
from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import PoFileReader, TranslationModuleReader

ROOT = Path(__file__).resolve().parent.parent
I18N_ADDONS = sorted(
    manifest.parent.name for manifest in ROOT.glob("marketplace_*/__manifest__.py")
    if (manifest.parent / "i18n").is_dir()
)

# printf-style (Odoo's _() and _lt()): %s, %d, %r, %(name)s, %%. No space flag, so "20 % of" is text.
PRINTF_RE = re.compile(r"%(?:\((\w+)\))?[-#0+]*\d*(?:\.\d+)?[sdirfgeExXoc%]")
BRACE_RE = re.compile(r"\{\{.*?\}\}|\{\w*\}")
TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>")
QWEB_ATTR_RE = re.compile(r"\bt-[\w-]+\s*=\s*(\"[^\"]*\"|'[^']*')")
# Only real HTML/QWeb tags count: "<state id>=<status>" in a help text is prose, not markup.
HTML_TAGS = {
    "a", "b", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol",
    "p", "pre", "small", "span", "strong", "sub", "sup", "t", "table", "tbody", "td", "th", "thead", "tr",
    "u", "ul",
}


def placeholders(text):
    """Signature of the placeholders of ``text`` (positional ones keep their order)."""
    printf = PRINTF_RE.findall(text)
    positional = [match.group(0) for match in PRINTF_RE.finditer(text) if not match.group(1)]
    return {
        "positional %": positional,
        "named %": Counter(name for name in printf if name),
        "{}": Counter(BRACE_RE.findall(text)),
        "tags": Counter(slash + name.lower() for slash, name in TAG_RE.findall(text)
                        if name.lower() in HTML_TAGS),
        "t-*": Counter(match.group(0) for match in QWEB_ATTR_RE.finditer(text)),
    }


class _RecordTermsReader(TranslationModuleReader):
    """Odoo's exporter without the scan of the source files (code terms are read once for all addons).

    A record extended by several addons (the channel model, a field with ``selection_add``) is exported
    by each of them, so records are read one addon at a time, as ``--i18n-export --modules=<addon>`` does.
    """

    def _export_translatable_resources(self):
        return


def exported_terms(cr, addons):
    """{addon: set of msgids} that Odoo's exporter gives for each installed addon."""
    terms = {addon: set() for addon in addons}
    if not addons:
        return terms
    for module, ttype, _name, _res_id, source, _value, _comments in TranslationModuleReader(cr, modules=addons):
        if ttype == "code" and module in terms:
            terms[module].add(source)
    for addon in addons:
        terms[addon].update(row[4] for row in _RecordTermsReader(cr, modules=[addon]) if row[0] == addon)
    return terms


@tagged("post_install", "-at_install", "marketplace", "i18n")
class TestFrenchTranslations(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.installed = set(cls.env["ir.module.module"].search(
            [("name", "in", I18N_ADDONS), ("state", "=", "installed")]).mapped("name"))
        cls.exported = exported_terms(cls.env.cr, sorted(cls.installed))

    def _files(self, addon):
        i18n = ROOT / addon / "i18n"
        return i18n / f"{addon}.pot", i18n / "fr.po"

    def test_addons_found(self):
        self.assertTrue(I18N_ADDONS, "no addon of the suite has an i18n folder")
        missing = [str(path) for addon in I18N_ADDONS for path in self._files(addon) if not path.is_file()]
        self.assertFalse(missing, "template or French file missing")

    def test_pot_matches_the_code(self):
        """The template lists exactly what Odoo exports from the installed addon today."""
        problems = {}
        for addon in sorted(self.installed):
            pot, _po = self._files(addon)
            template = {entry.msgid for entry in polib.pofile(str(pot)) if not entry.obsolete}
            exported = self.exported[addon]
            if not exported:
                problems[addon] = "Odoo exports no term"
            elif exported != template:
                problems[addon] = {"missing from the .pot": sorted(exported - template),
                                   "gone from the code": sorted(template - exported)}
        self.assertFalse(problems, "re-export these templates (--i18n-export) and update fr.po")

    def test_fr_po_translates_every_msgid(self):
        problems = {}
        for addon in I18N_ADDONS:
            pot_path, po_path = self._files(addon)
            po = polib.pofile(str(po_path))
            translations = {entry.msgid: entry for entry in po if not entry.obsolete}
            template = [entry.msgid for entry in polib.pofile(str(pot_path)) if not entry.obsolete]
            # Odoo's reader (used when the language is loaded) must read every entry with its French value.
            rows = list(PoFileReader(str(po_path)))
            found = {
                "header": [key for key, value in (("Language", "fr"), ("Plural-Forms", "nplurals=2"))
                           if value not in po.metadata.get(key, "")],
                "untranslated": [msgid for msgid in template
                                 if msgid not in translations or not translations[msgid].msgstr.strip()],
                "fuzzy": [entry.msgid for entry in translations.values() if "fuzzy" in entry.flags],
                "stale (not in the .pot)": sorted(set(translations) - set(template)),
                "unread by Odoo": [row["src"] for row in rows if not row["value"] or row["module"] != addon]
                                  + ([] if rows else ["<nothing>"]),
            }
            found = {key: value for key, value in found.items() if value}
            if found:
                problems[addon] = found
        self.assertFalse(problems, "fr.po incomplete: msgmerge it with the .pot and translate the new msgids")

    def test_placeholders_kept(self):
        problems = []
        for addon in I18N_ADDONS:
            _pot, po_path = self._files(addon)
            for entry in polib.pofile(str(po_path)):
                if entry.obsolete or not entry.msgstr:
                    continue
                if placeholders(entry.msgstr) != placeholders(entry.msgid):
                    problems.append((addon, entry.msgid, entry.msgstr))
        self.assertFalse(problems, "placeholders differ between msgid and msgstr")

    def test_placeholder_check_catches_mistakes(self):
        """The signature tells a lost or renamed placeholder apart from reworded prose."""
        self.assertEqual(placeholders("%(count)s orders in %(channel)s"),
                         placeholders("%(channel)s : %(count)s commandes"))
        self.assertNotEqual(placeholders("Order %(ref)s"), placeholders("Commande %(réf)s"))
        self.assertNotEqual(placeholders("%s of %s"), placeholders("%s"))
        self.assertNotEqual(placeholders("Go <b>now</b>"), placeholders("Allez maintenant"))
        self.assertNotEqual(placeholders('<span t-esc="name"/>'), placeholders('<span t-esc="nom"/>'))
        self.assertEqual(placeholders("<state id>=<status>, 20 % off"), placeholders("<id>=<statut>, 20 % de remise"))
