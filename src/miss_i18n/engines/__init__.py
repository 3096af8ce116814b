"""Offline machine translation engines behind one interface (see base.py)."""

from __future__ import annotations

from pathlib import Path


def store_for(models_dir: Path) -> Path:
    """The NLLB store that goes with an argos store: ``<models-dir>-nllb`` beside it.

    Here, not in nllb_store.py, so that what only needs the path (rerun.py's digest of
    the model stores) does not import the store's archive handling.
    """
    return models_dir.with_name(f"{models_dir.name}-nllb")
