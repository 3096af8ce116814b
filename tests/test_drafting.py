"""A run's translate stage holds one catalog at a time (drafting.drafted_summaries) and
writes what drafting every catalog held in memory writes (drafting.translate_all)."""

from __future__ import annotations

import functools
import gc
from pathlib import Path
from typing import Any

import polib
import pytest

from conftest import make_project
from miss_i18n import drafting, extracting, updating
from miss_i18n.catalog import to_bytes
from miss_i18n.config import load_config
from miss_i18n.engines.base import ModelInfo
from miss_i18n.files import Snapshot
from miss_i18n.incremental import Template
from test_dask import NOW, SETTINGS, FakeEngine, fake

LOCALES = ("de", "es", "ar", "fr")


def _choose(engine: FakeEngine, locale: str) -> tuple[FakeEngine, ModelInfo] | None:
    """The fake engine (not MT: it upper-cases) for every locale but Arabic, which has no
    model."""
    return None if locale == "ar" else fake(engine, locale)


def _catalogs_alive(before: frozenset[int] = frozenset()) -> int:
    """The catalogs of LOCALES in memory, but those alive ``before`` (ids): other tests'
    modules hold some for good (a hypothesis ``@example`` made as they are collected)."""
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is polib.POFile
               and o.metadata.get("Language") in LOCALES and id(o) not in before)


def _catalog_ids() -> frozenset[int]:
    gc.collect()
    return frozenset(id(o) for o in gc.get_objects() if type(o) is polib.POFile)


def _held(root: Path) -> tuple[dict[str, bytes], list[Any]]:
    config = load_config(root / "pyproject.toml")
    catalogs = updating.merged(config, extracting.template(config, NOW, seen=Snapshot()),
                               seen=Snapshot())
    results = drafting.translate_all(config, catalogs,
                                     functools.partial(_choose, FakeEngine()), now=NOW)
    return {loc: to_bytes(po) for loc, po in catalogs.items()}, results


def _one_at_a_time(root: Path, monkeypatch: pytest.MonkeyPatch
                   ) -> tuple[dict[str, bytes], list[Any], list[int]]:
    config = load_config(root / "pyproject.toml")
    pot = extracting.template(config, NOW, seen=Snapshot())
    alive: list[int] = []
    real = drafting.translate_catalog
    before = _catalog_ids()

    def counting(*args: Any, **kwargs: Any) -> Any:
        alive.append(_catalogs_alive(before))
        return real(*args, **kwargs)

    monkeypatch.setattr(drafting, "translate_catalog", counting)
    summaries, results = drafting.drafted_summaries(
        config, Template(pot, "", None, None), functools.partial(_choose, FakeEngine()),
        seen=Snapshot(), include_fuzzy=False, now=NOW)
    written = {}
    for locale, summary in summaries.items():
        [po] = [f for f in summary.files if f.path.suffix == ".po"]
        assert po.staged is not None
        written[locale] = po.staged.temp.read_bytes()
    return written, results, alive


def test_a_run_drafts_one_catalog_at_a_time_and_writes_what_translate_all_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    held, held_results = _held(make_project(tmp_path / "held", LOCALES, extra=SETTINGS))
    streamed, results, alive = _one_at_a_time(
        make_project(tmp_path / "streamed", LOCALES, extra=SETTINGS), monkeypatch)
    assert alive == [1, 1, 1]  # de, es, fr: each drafted alone; ar has no model
    assert list(streamed) == list(LOCALES) and streamed == held
    assert results == held_results
    assert next(r for r in results if r.locale == "ar").waiting > 0
