"""The translators' side of the languages: message catalogs (extract, update, compile, check),
the consent texts as .po files and their review, the glossary, the round trip, the web fonts,
and the ``formapp i18n`` command.

It reads the form definitions and the PDF fonts, which use ``formapp.i18n`` (the runtime: the
locale registry, the gettext domains, the choice of locale); so it is a package of its own,
above both, and nothing below ``web`` imports it.
"""
