"""Modules loaded on first use, so that a command loads only what it runs.

Starting the CLI and skipping an unchanged rerun (rerun.py) need the configuration and a
few digests, not the pipeline, lxml, the engines or the HTTP server: importing them all
cost more than the skipped rerun itself. ``module`` is the standard library's recipe
(importlib.util.LazyLoader): the module object exists at once, its code runs at the first
attribute read. Type checkers see the plain import (``if TYPE_CHECKING``).
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def module(name: str) -> ModuleType:
    """The module ``name``, imported when one of its attributes is first read."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:  # pragma: no cover - our own modules exist
        raise ImportError(f"no module named {name!r}")
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    found = importlib.util.module_from_spec(spec)
    sys.modules[name] = found
    loader.exec_module(found)
    return found
