"""miss-i18n: source HTML → gettext catalogs → offline machine drafts → localized pages.

The Python API is ``Project`` (see ``miss_i18n.project``); the CLI only renders it.
"""

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .project import Project, RunResult

__all__ = ["Project", "RunResult", "__version__"]


def __getattr__(name: str) -> object:
    """``Project`` and ``RunResult``, imported on first use: importing one small module
    (``miss_i18n.errors``, an engine) does not load the whole pipeline."""
    if name in {"Project", "RunResult"}:
        from . import project  # noqa: PLC0415

        return getattr(project, name)
    raise AttributeError(f"module 'miss_i18n' has no attribute {name!r}")
