"""User-facing messages through gettext catalogues (Babel's .po/.mo in reportgen/locale).

Message ids are English; the Vietnamese catalogue translates them and is the default
language. Code marks a message with `N_` where it is defined and translates it with
`_` where it is shown, so the catalogue can be extracted with `pybabel extract`.
"""
from __future__ import annotations

import gettext as _gettext
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "reportgen"
DEFAULT_LANGUAGE = "vi"
SUPPORTED_LANGUAGES = ("vi", "en")

_current = DEFAULT_LANGUAGE


def N_(message: str) -> str:
    """Mark a message for extraction without translating it yet."""
    return message


@lru_cache(maxsize=None)
def _translations(language: str) -> _gettext.NullTranslations:
    if language == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def set_language(language: str) -> None:
    global _current
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"unsupported language: {language}")
    _current = language


def _(message: str, **params: object) -> str:
    """Translate a message into the current language and fill its {placeholders}."""
    text = _translations(_current).gettext(message)
    return text.format(**params) if params else text
