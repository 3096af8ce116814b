"""miss-i18n: source HTML → gettext catalogs → offline machine drafts → localized pages."""

__version__ = "0.1.0"
