"""Modules loaded on first use, so that a command loads only what it runs.

Starting the CLI and skipping an unchanged rerun (rerun.py) need the configuration and a
few digests, not the pipeline, lxml, the engines or the HTTP server: importing them all
cost more than the skipped rerun itself. ``module`` gives a stand-in for the module whose
first attribute read imports it, as a plain import does, and reads the attribute there.
Type checkers see the plain import (``if TYPE_CHECKING``).

Not the standard library's recipe (importlib.util.LazyLoader): its module object sits in
``sys.modules`` from the start, and an import it runs that fails midway (Ctrl-C while the
module's code runs) leaves it there half made, so the next import of a name from it
raised ImportError ("cannot import name 'CheckContext'") instead of the interrupt. A plain
import removes a module that failed to load.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Any


class _Deferred(ModuleType):
    """A module's name, imported by the first attribute read; every read is the real
    module's (what a test sets on the module is seen through it too)."""

    def __getattr__(self, attribute: str) -> Any:
        name = self.__name__
        real = sys.modules.get(name)
        if real is None:
            real = importlib.import_module(name)
        return getattr(real, attribute)


def module(name: str) -> ModuleType:
    """The module ``name``, imported when one of its attributes is first read (a name
    that names no module raises ImportError then)."""
    return sys.modules.get(name) or _Deferred(name)
