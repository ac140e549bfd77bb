"""Every label of the web pages is in the Vietnamese catalogue (tests/test_i18n.py looks
at the Python sources only; the pages' _() calls live in Jinja templates)."""
from __future__ import annotations

import gettext

from babel.messages.extract import extract_from_dir

from reportgen.i18n import DOMAIN, LOCALE_DIR
from reportgen.resources import TEMPLATES_DIR


def test_every_page_label_has_a_vietnamese_translation():
    with (LOCALE_DIR / "vi" / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog
    labels = {message for _f, _l, message, _c, _x in extract_from_dir(
        TEMPLATES_DIR / "web", method_map=[("**.j2", "jinja2")], keywords={"_": None})}
    assert len(labels) > 60
    missing = sorted(label for label in labels if not catalogue.get(label))
    assert not missing, f"run scripts/update_messages.sh and translate: {missing}"
