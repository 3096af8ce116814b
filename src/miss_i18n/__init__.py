"""miss-i18n: source HTML → gettext catalogs → offline machine drafts → localized pages.

The Python API is ``Project``: one method per command, each returning a frozen result
(``miss_i18n.results``) and never printing::

    from miss_i18n import Project

    project = Project.load()                        # the nearest pyproject.toml
    project.run(translate=False)                    # extract, update, compile, build
    result = project.check(min_translated=80)       # CheckResult
    if result.failed:
        print(result.reasons)                       # ['below 80% translated: de (61.5%)']

A result's ``error`` is the exception its command fails with (``StaleError`` for a
``check=True`` run that found stale files, ``ValidationFailed`` for a failed check), or
None. The CLI (``miss_i18n.cli``) only parses options, makes that one call and renders.
"""

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .project import Project
    from .results import CheckResult, RunResult

__all__ = ["CheckResult", "Project", "RunResult", "__version__"]


def __getattr__(name: str) -> object:
    """``Project`` and the results, imported on first use: importing one small module
    (``miss_i18n.errors``, an engine) does not load the whole pipeline."""
    if name == "Project":
        from . import project  # noqa: PLC0415

        return project.Project
    if name in {"CheckResult", "RunResult"}:
        from . import results  # noqa: PLC0415

        return getattr(results, name)
    raise AttributeError(f"module 'miss_i18n' has no attribute {name!r}")
