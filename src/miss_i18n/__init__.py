"""miss-i18n: source HTML → gettext catalogs → offline machine drafts → localized pages.

The Python API is ``Project`` (see ``miss_i18n.project``); the CLI only renders it.
"""

__version__ = "0.1.0"

from .project import Project, RunResult  # after __version__, which catalog.py reads

__all__ = ["Project", "RunResult", "__version__"]
