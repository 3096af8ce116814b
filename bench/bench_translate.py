"""Benchmark: our batched ArgosEngine against argostranslate's loop and raw CTranslate2.

Not a test. One run times three ways of translating the same real sentences with the
same realistic-size model, so the ratios are meaningful on the machine at hand:

(a) ``ArgosEngine.translate`` (this project's fast path), all sentences in one call;
(b) ``argostranslate.translate.translate()`` once per sentence with argos's default
    settings, in a subprocess whose ARGOS_*/XDG/HOME point at temporary folders;
(c) raw ``ctranslate2.Translator.translate_batch`` at its best measured settings: all
    sentences in one call, token batches, ``inter_threads=2, intra_threads=1``.

The model follows shared/offline-mt.md ("A realistic-size model for benchmarks"): a
Marian 256-wide 3+3-layer transformer trained (about 4-6 minutes on 2 cores) to copy 200
real English sentences, so it stops where a real model would. It is made once and cached
outside git (``~/.cache/miss-i18n/bench/``). Making it needs ``transformers``::

    .venv/bin/pip install transformers
    .venv/bin/python bench/bench_translate.py
    .venv/bin/python bench/bench_translate.py --sentences 100 --inter-threads 1 --repeat 5
"""

# Imports are lazy on purpose (PLC0415): the heavy ones (torch, transformers) only when
# the model must be made, so a missing transformers gets a clear message, and this
# project's modules only after sys.path points at src/.
# ruff: noqa: PLC0415

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

if TYPE_CHECKING:
    from miss_i18n.engines.store import ModelStore

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "miss-i18n" / "bench"
PACKAGE = "translate-en_de-bench-1"
PAGES = [ROOT / "source" / "minimally-invasive-spine-surgery.html",
         *sorted((ROOT / "tests" / "pages").glob("*.html"))]
BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "td", "th", "dd", "dt", "figcaption",
          "blockquote", "caption", "summary")
CONTAINERS = {"p", "li", "ul", "ol", "table", "div"}


def real_sentences() -> list[str]:
    """Unique English sentences from the article and the real-world test pages, in order."""
    from lxml import html

    found: list[str] = []
    for page in PAGES:
        for element in html.parse(str(page)).iter(*BLOCKS):
            if any(isinstance(c.tag, str) and c.tag in CONTAINERS
                   for c in element.iterdescendants()):
                continue  # the innermost block holds the text
            text = " ".join(element.text_content().split())
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z(])", text):
                if 12 <= len(sentence) <= 300 and re.search("[a-z]{3}", sentence):
                    found.append(sentence)
    return list(dict.fromkeys(found))


def train_copy_model(sentences: Sequence[str], work: Path) -> Any:
    """Marian 256x3+3 trained to copy ``sentences`` (offline-mt.md's measured recipe)."""
    import make_test_model as maker
    import torch
    from transformers import MarianConfig, MarianMTModel

    sp_model = maker.train_sentencepiece(sentences, vocab_size=800)
    vocab = maker.marian_vocab(sp_model)
    maker.write_hf_dir(work / "hf", sp_model, vocab)
    torch.manual_seed(0)
    pad = vocab["<pad>"]
    model: Any = MarianMTModel(MarianConfig(
        vocab_size=len(vocab), d_model=256, encoder_layers=3, decoder_layers=3,
        encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=1024,
        decoder_ffn_dim=1024, max_position_embeddings=512, dropout=0.0,
        attention_dropout=0.0, activation_dropout=0.0, activation_function="swish",
        pad_token_id=pad, eos_token_id=0, decoder_start_token_id=pad, forced_eos_token_id=0,
        share_encoder_decoder_embeddings=True, tie_word_embeddings=True, scale_embedding=True))
    with torch.no_grad():
        for part in (model.model.encoder, model.model.decoder):
            part.embed_positions.weight.copy_(maker.ct2_sinusoids(*part.embed_positions.weight.shape))
    ids = [maker.encode(sp_model, vocab, s) for s in sentences]
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    generator = torch.Generator().manual_seed(0)
    model.train()
    started = time.perf_counter()
    for step in range(600):
        batch = [ids[i] for i in torch.randperm(len(ids), generator=generator)[:32].tolist()]
        sources = maker.padded(batch, pad)
        labels = sources.clone()
        labels[labels == pad] = -100
        loss = model(input_ids=sources, attention_mask=sources != pad, labels=labels).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            model.get_input_embeddings().weight[pad].zero_()
        if step % 100 == 99:
            print(f"  step {step + 1}/600  loss {loss.item():.4f}  "
                  f"{time.perf_counter() - started:.0f} s", flush=True)
    model.eval()
    return model, sp_model


def ensure_model(cache: Path, sentences: Sequence[str]) -> Path:
    """The cached benchmark .argosmodel, made on first use (needs transformers)."""
    archive = cache / f"{PACKAGE}.argosmodel"
    if archive.exists():
        return archive
    if importlib.util.find_spec("transformers") is None:
        raise SystemExit("The benchmark model is not cached yet and making it needs "
                         "transformers: .venv/bin/pip install transformers")
    import make_test_model as maker

    print(f"making the benchmark model in {cache} (about 4-6 minutes, once)", flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        model, sp_model = train_copy_model(sentences, work)
        maker.convert(model, work / "hf", work / "ct2")
        spec = maker.Spec("en", "English", "de", "German (benchmark copy model)", ())
        folder = work / PACKAGE
        maker.write_package(folder, spec, sp_model, work / "ct2")
        maker.zip_folder(folder, work / archive.name)
        (work / archive.name).replace(archive)
    return archive


def best_of(repeat: int, run: Callable[[], list[str]]) -> tuple[float, list[str]]:
    """Fastest wall time of ``repeat`` runs, and the outputs."""
    times, outputs = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        outputs = run()
        times.append(time.perf_counter() - started)
    return min(times), outputs


def our_runner(store: ModelStore, sentences: list[str], args: argparse.Namespace
               ) -> tuple[float, Callable[[], list[str]]]:
    """(a): the model's load time (first call), then ArgosEngine.translate of all sentences."""
    from miss_i18n.engines.argos import ArgosEngine

    engine = ArgosEngine(store, inter_threads=args.inter_threads,
                         intra_threads=args.intra_threads, beam_size=args.beam_size,
                         max_batch_tokens=args.max_batch_tokens,
                         batch_sentences=args.batch_sentences)
    info = engine.model_for("en", "de")
    assert info is not None
    started = time.perf_counter()
    engine.translate(info, sentences[:1])
    return time.perf_counter() - started, lambda: engine.translate(info, sentences)


RAW_BATCHINGS = [(512, "tokens"), (1024, "tokens"), (2048, "tokens"), (4096, "tokens"),
                 (8, "examples"), (16, "examples"), (32, "examples")]


def raw_runner(package: Path, sentences: list[str], args: argparse.Namespace
               ) -> tuple[str, Callable[[], list[str]]]:
    """(c): raw CTranslate2, all sentences in one call, at its best batching.

    Tries several ``max_batch_size``/``batch_type`` settings (inter 2, intra 1, the
    decoding settings argos uses), best of ``args.repeat`` each, and returns the fastest
    (its label and a run of it), so that (a) is compared with CTranslate2 at its best, not
    at our settings. Detokenizes as argos does.
    """
    import ctranslate2
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(package / "sentencepiece.model"))
    translator = ctranslate2.Translator(str(package / "model"), device="cpu",
                                        compute_type="auto", inter_threads=2, intra_threads=1)

    def detokenize(pieces: list[str]) -> str:
        text = str(processor.decode_pieces(pieces)).replace("\u2581", " ").replace("_", " ")
        return text[1:] if text.startswith(" ") else text

    def runner(size: int, kind: str) -> Callable[[], list[str]]:
        def run() -> list[str]:
            tokens = processor.encode(sentences, out_type=str)
            results = translator.translate_batch(
                tokens, max_batch_size=size, batch_type=kind, beam_size=args.beam_size,
                length_penalty=0.2, replace_unknowns=True)
            return [detokenize(r.hypotheses[0]) for r in results]
        return run

    runner(2048, "tokens")()  # warm up
    best: tuple[float, int, str] | None = None
    for size, kind in RAW_BATCHINGS:
        seconds, _ = best_of(args.repeat, runner(size, kind))
        if best is None or seconds < best[0]:
            best = (seconds, size, kind)
    assert best is not None
    return f"max_batch_size={best[1]} {best[2]}", runner(best[1], best[2])


def head_to_head(ours: Callable[[], list[str]], raw: Callable[[], list[str]], rounds: int
                 ) -> tuple[tuple[float, list[str]], tuple[float, list[str]]]:
    """Best of ``rounds`` for (a) and for (c) at its best setting, taken in turns.

    The sweep that chose (c)'s setting took the fastest of many runs; its own figure would
    be a minimum over more samples than (a) gets, which favours (c) on a noisy machine.
    Here each gets the same number of runs, alternating, so a slow spell of the machine
    falls on both.
    """
    timed: list[list[tuple[float, list[str]]]] = [[], []]
    for _ in range(rounds):
        for side, run in enumerate((ours, raw)):
            timed[side].append(best_of(1, run))
    (ours_best, ours_out), (raw_best, raw_out) = (min(t, key=lambda s: s[0]) for t in timed)
    return (ours_best, ours_out), (raw_best, raw_out)


ARGOS_LOOP = """
import json, sys, time
import argostranslate.translate as t
sentences = json.load(sys.stdin)
translation = t.get_translation_from_codes("en", "de")
translation.translate(sentences[0])  # loads the model and the sentence splitter
started = time.perf_counter()
outputs = [t.translate(s, "en", "de") for s in sentences]
print(json.dumps({"seconds": time.perf_counter() - started, "outputs": outputs}))
"""


def time_argos_loop(store: ModelStore, sentences: list[str]) -> tuple[float, list[str]]:
    """(b): argostranslate's translate() per sentence, default settings, isolated env."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("ARGOS_")}
        env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"),
                   XDG_CACHE_HOME=str(home / "cache"), XDG_CONFIG_HOME=str(home / "config"),
                   ARGOS_PACKAGES_DIR=str(store.root), ARGOS_CHUNK_TYPE="SPACY")
        # spaCy mode needs this folder to exist, or it tries a download; the package's
        # own spacy/ folder is what actually splits sentences.
        (home / "cache" / "argos-translate" / "spacy" / "senter" / "model").mkdir(parents=True)
        done = subprocess.run([sys.executable, "-c", ARGOS_LOOP], input=json.dumps(sentences),
                              capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the argostranslate loop failed:\n{done.stderr[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return float(result["seconds"]), list(result["outputs"])


def main(argv: Sequence[str] | None = None) -> int:
    """Make or reuse the model, time (a), (b), (c), print segments/s and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=200, help="how many (default 200)")
    parser.add_argument("--inter-threads", type=int, default=2, help="(a) (default 2)")
    parser.add_argument("--intra-threads", type=int, default=1, help="(a) (default 1)")
    parser.add_argument("--batch-sentences", type=int, default=8, help="(a) (default 8)")
    parser.add_argument("--max-batch-tokens", type=int, default=2048, help="(a) (default 2048)")
    parser.add_argument("--beam-size", type=int, default=4, help="(a) and (c) (default 4)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="best of N for (a) and (c), in turns, and for each batching "
                        "(c) tries (default 3)")
    parser.add_argument("--skip-argos", action="store_true", help="leave out the slow (b)")
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"default {CACHE}")
    args = parser.parse_args(argv)

    from miss_i18n.engines.store import ModelStore

    corpus = real_sentences()
    archive = ensure_model(args.cache, corpus[:200])
    sentences = (corpus * (args.sentences // len(corpus) + 1))[:args.sentences]
    with tempfile.TemporaryDirectory() as tmp:
        store = ModelStore(Path(tmp) / "models")
        [installed] = store.install(archive)
        tokens = _mean_tokens(installed.path, sentences)
        print(f"model {archive} ({archive.stat().st_size / 1e6:.1f} MB), "
              f"{len(sentences)} sentences, {tokens:.1f} tokens each on average, "
              f"{os.cpu_count()} CPUs")
        load, run_ours = our_runner(store, sentences, args)
        raw_setting, run_raw = raw_runner(installed.path, sentences, args)
        (ours, our_out), (raw, raw_out) = head_to_head(run_ours, run_raw, args.repeat)
        rows = [(f"(a) ArgosEngine.translate, one call (inter {args.inter_threads}, intra "
                 f"{args.intra_threads}, batches of {args.batch_sentences})", ours),
                (f"(c) raw CTranslate2, one call (inter 2, intra 1, best: {raw_setting})", raw)]
        argos_out: list[str] = []
        if not args.skip_argos:
            argos, argos_out = time_argos_loop(store, sentences)
            rows.insert(1, ("(b) argostranslate translate() per sentence, defaults", argos))
    n = len(sentences)
    for label, seconds in rows:
        print(f"{label:<88} {seconds:6.2f} s {n / seconds:7.1f} segments/s")
    print(f"model load in ArgosEngine (first call): {load:.2f} s (not in the figures)")
    if argos_out:
        print(f"ours vs argos loop: {argos / ours:.1f}x faster; outputs equal "
              f"{sum(a == b for a, b in zip(our_out, argos_out, strict=True))}/{n}")
    print(f"ours vs raw CTranslate2: {raw / ours:.2f}x the raw speed; outputs equal "
          f"{sum(a == b for a, b in zip(our_out, raw_out, strict=True))}/{n}")
    copied = sum(a == b for a, b in zip(our_out, sentences, strict=True))
    print(f"model sanity (a copy model): {copied}/{n} sentences copied exactly")
    return 0


def _mean_tokens(package: Path, sentences: Sequence[str]) -> float:
    """Average SentencePiece tokens per sentence with the package's own model."""
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(package / "sentencepiece.model"))
    return statistics.mean(len(t) for t in processor.encode(list(sentences), out_type=str))


if __name__ == "__main__":
    sys.exit(main())
