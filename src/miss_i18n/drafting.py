"""Stage 3, translate: machine drafts (and the translation memory's human translations) for
every catalog that an engine or the memory can draft for, holding one catalog at a time
in a run (``ReadCatalogs``) or the catalogs given (``HeldCatalogs``); a multi-locale
engine's locales in shared batches, or every engine's work on a Dask cluster
(executors.py), stored in the memory first.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import polib

from .config import Config
from .engines.base import (
    Engine,
    ModelInfo,
    MultiLocaleEngine,
    Progress,
    Scored,
    translate_many_scored,
)
from .errors import (
    ConflictError,
    EngineError,
)
from .executors import EngineSpec, Executor, Shard, executor_for, shards
from .files import (
    Snapshot,
    remove_leftovers,
)
from .incremental import Template
from .memory import Memory
from .parallel import jobs_for, map_shared
from .summary import (
    Summary,
)
from .translate import (
    Chooser,
    LocaleResult,
    human_drafts,
    pending_sentences,
    translate_catalog,
)
from .updating import (
    ENTRIES_PER_UNIT,
    merged_one,
    merged_summaries,
    parsed_catalog,
    recorded,
    summary_and_files,
)

Drafting = Iterator[tuple[str, polib.POFile, int]]
"""Catalogs given the memory's human translations, with how many each took."""


@dataclass
class HeldCatalogs:
    """Catalogs held in memory (``translate``), each given its human translations once."""

    catalogs: Mapping[str, polib.POFile]
    source_locale: str
    now: datetime
    taken: dict[str, int] = field(default_factory=dict)

    @property
    def locales(self) -> list[str]:
        return list(self.catalogs)

    def each(self, memory: Memory, only: Collection[str] | None = None) -> Drafting:
        """The catalogs (of the locales ``only``), one after the other."""
        for locale, po in self.catalogs.items():
            if only is not None and locale not in only:
                continue
            if locale not in self.taken:
                self.taken[locale] = human_drafts(po, locale, memory,
                                                  source_locale=self.source_locale,
                                                  now=self.now)
            yield locale, po, self.taken[locale]


@dataclass
class ReadCatalogs:
    """Each locale's catalog read and merged with ``pot`` again on every pass, so that a
    run never holds two (``run``). A catalog whose bytes changed since the run first read
    it is a ConflictError: every pass must draft what the first one saw."""

    config: Config
    pot: polib.POFile
    locales: Sequence[str]
    seen: Snapshot
    now: datetime

    def each(self, memory: Memory, only: Collection[str] | None = None) -> Drafting:
        config = self.config
        for locale in self.locales:
            if only is not None and locale not in only:
                continue
            held, po = merged_one((config, self.pot), locale)
            path = config.po_path(locale)
            if self.seen.digests.setdefault(path, held) != held:
                raise ConflictError("changed on disk while miss-i18n was translating; not "
                                    "overwritten: run the command again", path=path)
            yield locale, po, human_drafts(po, locale, memory,
                                           source_locale=config.source_locale, now=self.now)
            del po


CatalogPass = HeldCatalogs | ReadCatalogs


def drafted_summaries(config: Config, template: Template, choose: Chooser, *, seen: Snapshot,
                      include_fuzzy: bool, now: datetime,
                      progress: Callable[[str], Progress | None] = lambda _locale: None,
                      ) -> tuple[dict[str, Summary], list[LocaleResult]]:
    """A run's translate stage, holding one catalog at a time however many locales.

    A locale an engine or the memory's human translations can draft for is read, merged,
    drafted, summarized and written beside its file before the next is read (ReadCatalogs;
    a multi-locale engine's shared batches read them once more, first). The others have
    nothing to draft: they go as in ``merged_summaries``, over processes.
    """
    human: set[str] = set()
    if config.memory_path.exists():
        with Memory(config.memory_path) as memory:
            human = {locale for locale in config.targets
                     if memory.has_human(config.source_locale, locale)}
    draftable = [locale for locale in config.targets
                 if locale in human or choose(locale) is not None]
    others = [locale for locale in config.targets if locale not in draftable]
    pot = template.pot
    found = merged_summaries(config, template, seen=seen, include_fuzzy=include_fuzzy,
                             check=False, locales=others) if others else {}
    # every catalog read (and so found valid) before the memory is opened, let alone written
    recorded(config, seen, draftable, map_shared(parsed_catalog, config, draftable, jobs_for(
        config.jobs, len(pot) * len(draftable) // ENTRIES_PER_UNIT)))

    def drafted(locale: str, po: polib.POFile) -> None:
        found[locale] = summary_and_files(config, po, locale, include_fuzzy=include_fuzzy,
                                           check=False,
                                           expected=seen.digests.get(config.po_path(locale)),
                                           template=template)

    try:
        results = draft_each(config, ReadCatalogs(config, pot, draftable, seen, now), choose,
                             now=now, progress=progress, drafted=drafted)
    except BaseException:
        remove_leftovers([path for locale in config.targets
                          for path in (config.po_path(locale), config.mo_path(locale))],
                         check=False)
        raise
    results += [LocaleResult(locale, None, waiting=found[locale].needing) for locale in others]
    order = {locale: n for n, locale in enumerate(config.targets)}
    return ({locale: found[locale] for locale in config.targets},
            sorted(results, key=lambda result: order[result.locale]))


def translate_all(
    config: Config,
    catalogs: Mapping[str, polib.POFile],
    choose: Chooser,
    *,
    now: datetime,
    progress: Callable[[str], Progress | None] = lambda _locale: None,
    executor: Executor | None = None,
) -> list[LocaleResult]:
    """Machine drafts for every catalog, in place (draft_each of the catalogs held)."""
    return draft_each(config, HeldCatalogs(catalogs, config.source_locale, now), choose,
                      now=now, progress=progress, executor=executor)


def draft_each(
    config: Config,
    catalogs: CatalogPass,
    choose: Chooser,
    *,
    now: datetime,
    progress: Callable[[str], Progress | None] = lambda _locale: None,
    executor: Executor | None = None,
    drafted: Callable[[str, polib.POFile], None] | None = None,
) -> list[LocaleResult]:
    """Machine drafts for every catalog, through the project's translation memory.

    Human translations imported into the memory (TMX) come first, whole msgids only.
    Then locales that one multi-locale engine serves (nllb) are translated together, in
    shared batches, into the memory; each catalog is then drafted from it as usual. With a
    Dask scheduler configured (or an ``executor``), all the engine work goes there first
    instead, shard by shard, each stored as it completes; the drafting then loads no model.
    ``drafted`` gets each catalog once it is drafted (before the next is read).
    """
    keep = config.glossary.do_not_translate
    if executor is None:
        executor = executor_for(config)
    results = []
    with Memory(config.memory_path) as memory:
        if executor is None:
            early = _translate_together(catalogs, choose, memory, keep, progress)
        else:
            early = _translate_elsewhere(config, catalogs, choose, memory,
                                         executor=executor, progress=progress)
        for locale, po, human in catalogs.each(memory):
            result = translate_catalog(po, locale, choose, memory, now=now, keep=keep,
                                       progress=progress(locale))
            results.append(replace(result, from_memory=result.from_memory - early.get(locale, 0),
                                   from_engine=result.from_engine + early.get(locale, 0),
                                   from_people=human))
            if drafted is not None:
                drafted(locale, po)
    return results


def _pending(catalogs: Iterable[tuple[str, polib.POFile, int]], choose: Chooser,
             memory: Memory, keep: Sequence[str]
             ) -> list[tuple[str, Engine, ModelInfo, list[str]]]:
    """Per locale, the sentences its engine must still translate (pending_sentences); one
    that two locales would ask under one memory key (pt and pt_BR) goes with the first."""
    pending = []
    seen: dict[tuple[str, ...], set[str]] = {}
    for locale, po, _human in catalogs:
        found = pending_sentences(po, locale, choose, memory, keep=keep)
        if found is None:
            continue
        engine, model, sentences = found
        asked = seen.setdefault((model.engine, model.model, model.memory_version, model.source,
                                 model.target), set())  # the memory's key
        sentences = [s for s in sentences if s not in asked]
        asked.update(sentences)
        if sentences:
            pending.append((locale, engine, model, sentences))
    return pending


def _translate_together(catalogs: CatalogPass, choose: Chooser, memory: Memory,
                        keep: Sequence[str], progress: Callable[[str], Progress | None]
                        ) -> dict[str, int]:
    """One ``translate_many`` call per multi-locale engine for all its locales' new
    sentences, stored in the memory; how many each locale got. Only the catalogs of
    locales that share such an engine are read for it."""
    sharing: dict[int, list[str]] = {}
    for locale in catalogs.locales:
        chosen = choose(locale)
        if chosen is not None and isinstance(chosen[0], MultiLocaleEngine):
            sharing.setdefault(id(chosen[0]), []).append(locale)
    wanted = {locale for locales in sharing.values() if len(locales) > 1 for locale in locales}
    if not wanted:
        return {}
    groups: dict[int, tuple[MultiLocaleEngine, list[tuple[str, ModelInfo, list[str]]]]] = {}
    for locale, engine, model, sentences in _pending(catalogs.each(memory, wanted), choose,
                                                     memory, keep):
        if isinstance(engine, MultiLocaleEngine):
            groups.setdefault(id(engine), (engine, []))[1].append((locale, model, sentences))
    done: dict[str, int] = {}
    for engine, jobs in groups.values():
        if len(jobs) < 2:
            continue  # one locale: translate_catalog makes the same call
        try:
            outputs = translate_many_scored(engine, [(model, sentences) for _, model, sentences
                                                     in jobs], progress(f"{len(jobs)} locales"))
        except EngineError:
            continue  # each locale then asks alone, and its failure is reported as its own
        for (locale, model, sentences), output in zip(jobs, outputs, strict=True):
            memory.store(model, [(s, o.text) for s, o in zip(sentences, output, strict=True)],
                         [o.score for o in output])
            done[locale] = len(sentences)
    return done


def _translate_elsewhere(config: Config, catalogs: CatalogPass,
                         choose: Chooser, memory: Memory, *, executor: Executor,
                         progress: Callable[[str], Progress | None]) -> dict[str, int]:
    """Every locale's engine work, cut in shards and run by ``executor``, each shard's
    outputs stored in the memory as it completes (a failure later loses none of them);
    how many sentences each locale got."""
    keep = config.glossary.do_not_translate
    done: dict[str, int] = {}

    def store(shard: Shard, outputs: list[Scored]) -> None:
        memory.store(shard.model, [(s, o.text) for s, o in zip(shard.sentences, outputs,
                                                               strict=True)],
                     [o.score for o in outputs])
        done[shard.locale] = done.get(shard.locale, 0) + len(shard.sentences)

    engines = {locale for locale in catalogs.locales if choose(locale) is not None}
    for _round in range(2):  # the sentences, then the unprotected retries they call for
        cut = [shard for locale, engine, model, sentences in _pending(
                   catalogs.each(memory, engines), choose, memory, keep)
               for shard in shards(locale, EngineSpec.of(engine.name, config), model,
                                   sentences, config.translate.shard_sentences)]
        if not cut:
            break
        executor.run(cut, store, progress(f"{len(cut)} shard(s)"))
    return done
