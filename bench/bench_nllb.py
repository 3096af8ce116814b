"""Benchmark: the nllb engine against raw CTranslate2, several locales at once.

Not a test. One run translates the same real English sentences into several locales with
the same realistic-size NLLB-architecture model, three ways:

(a) ``NllbEngine.translate_many``: every locale's sentences in one call (shared batches);
(b) ``NllbEngine.translate`` once per locale (what the translate stage does today);
(c) raw ``ctranslate2.Translator.translate_batch``: all examples in one call, each with its
    own ``target_prefix``, ``inter_threads=2, intra_threads=1``, at the fastest of several
    batch settings, decoded as the documented NLLB recipe says.

The model follows shared/offline-mt.md ("A realistic-size model for benchmarks") with
NLLB's architecture: M2M-100, 256 wide, 3+3 layers, 4 heads, FFN 1024, a SentencePiece
model of about 800 pieces, the language tokens of tools/make_nllb_test_model.py, trained
to copy 200 real English sentences behind whichever target token it is given (so it stops
where a real model would); int8, cached outside git in ``~/.cache/miss-i18n/bench/``.
Making it needs ``transformers`` and takes minutes on 2 cores, once::

    .venv/bin/python bench/bench_nllb.py
    .venv/bin/python bench/bench_nllb.py --locales de,zh,te --repeat 5
"""

# ruff: noqa: PLC0415  (heavy imports only where needed, project modules after sys.path)

from __future__ import annotations

import argparse
import importlib.util
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_translate import CACHE, best_of, real_sentences  # noqa: E402

MODEL = "nllb-bench-256x3"
STEPS = 600
TRAIN_TOKENS = ("deu_Latn", "fra_Latn", "zho_Hans", "hin_Deva", "tel_Telu", "arb_Arab")


def train_copy_model(sentences: Sequence[str], folder: Path) -> None:
    """M2M-100 256x3+3 trained to copy ``sentences`` behind a target token; int8 folder."""
    import make_nllb_test_model as maker
    import sentencepiece as spm
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences), model_writer=buffer, vocab_size=800,
        model_type="unigram", character_coverage=1.0, hard_vocab_limit=False, unk_id=0,
        bos_id=1, eos_id=2, pad_id=-1, num_threads=1, minloglevel=2)
    sp_model = buffer.getvalue()
    tokens = maker.vocabulary(sp_model)
    ids = {token: index for index, token in enumerate(tokens)}
    processor = spm.SentencePieceProcessor(model_proto=sp_model)
    torch.manual_seed(0)
    model: Any = M2M100ForConditionalGeneration(M2M100Config(
        vocab_size=len(tokens), d_model=256, encoder_layers=3, decoder_layers=3,
        encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=1024,
        decoder_ffn_dim=1024, max_position_embeddings=256, dropout=0.0,
        attention_dropout=0.0, activation_dropout=0.0, scale_embedding=True,
        tie_word_embeddings=True, pad_token_id=ids["<pad>"], bos_token_id=ids["<s>"],
        eos_token_id=ids["</s>"], decoder_start_token_id=ids["</s>"]))
    with torch.no_grad():
        for part in (model.model.encoder, model.model.decoder):
            table = part.embed_positions.weights
            offset = part.embed_positions.offset
            table[offset:] = maker.ct2_sinusoids(table.shape[0] - offset, table.shape[1])
    pieces = [[ids[p] for p in processor.encode(s, out_type=str)] for s in sentences]
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    generator = torch.Generator().manual_seed(0)
    model.train()
    started = time.perf_counter()
    for step in range(STEPS):
        chosen = torch.randperm(len(pieces), generator=generator)[:32].tolist()
        langs = torch.randint(len(TRAIN_TOKENS), (len(chosen),), generator=generator).tolist()
        sources = maker.padded([[ids["eng_Latn"], *pieces[i], ids["</s>"]] for i in chosen],
                               ids["<pad>"])
        labels = maker.padded([[ids[TRAIN_TOKENS[k]], *pieces[i], ids["</s>"]]
                               for i, k in zip(chosen, langs, strict=True)], -100)
        loss = model(input_ids=sources, attention_mask=sources != ids["<pad>"],
                     labels=labels).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 100 == 99:
            print(f"  step {step + 1}/{STEPS}  loss {loss.item():.4f}  "
                  f"{time.perf_counter() - started:.0f} s", flush=True)
    model.eval()
    maker.convert(model, tokens, folder)
    (folder / "sentencepiece.bpe.model").write_bytes(sp_model)


def ensure_model(cache: Path, sentences: Sequence[str]) -> Path:
    """The cached benchmark model folder, made on first use (needs transformers)."""
    folder = cache / MODEL
    if (folder / "sentencepiece.bpe.model").exists():
        return folder
    if importlib.util.find_spec("transformers") is None:
        raise SystemExit("The benchmark model is not cached yet and making it needs "
                         "transformers: .venv/bin/pip install transformers")
    print(f"making the benchmark model in {folder} (minutes, once)", flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        train_copy_model(sentences, Path(tmp) / MODEL)
        shutil.rmtree(folder, ignore_errors=True)
        (Path(tmp) / MODEL).rename(folder)
    return folder


RAW_BATCHINGS = [(1024, "tokens"), (2048, "tokens"), (4096, "tokens"), (8, "examples"),
                 (12, "examples"), (32, "examples")]


def time_raw(folder: Path, jobs: list[tuple[str, list[str]]], beam: int, repeat: int
             ) -> tuple[float, str, list[str]]:
    """(c): raw CTranslate2, every example in one call, at its best batching."""
    import ctranslate2
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(folder / "sentencepiece.bpe.model"))
    translator = ctranslate2.Translator(str(folder), device="cpu", compute_type="auto",
                                        inter_threads=2, intra_threads=1)

    def runner(size: int, kind: str) -> Callable[[], list[str]]:
        def run() -> list[str]:
            sources, prefixes = [], []
            for token, sentences in jobs:
                for pieces in processor.encode(sentences, out_type=str):
                    sources.append(["eng_Latn", *pieces, "</s>"])
                    prefixes.append([token])
            results = translator.translate_batch(
                sources, target_prefix=prefixes, max_batch_size=size, batch_type=kind,
                beam_size=beam, max_decoding_length=512)
            return [str(processor.decode(r.hypotheses[0][1:])) for r in results]
        return run

    runner(2048, "tokens")()  # warm up
    best: tuple[float, str, list[str]] | None = None
    for size, kind in RAW_BATCHINGS:
        seconds, outputs = best_of(repeat, runner(size, kind))
        if best is None or seconds < best[0]:
            best = (seconds, f"max_batch_size={size} {kind}", outputs)
    assert best is not None
    return best


def main(argv: Sequence[str] | None = None) -> int:
    """Make or reuse the model, time (a), (b), (c), print segments/s and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=200, help="per locale (default 200)")
    parser.add_argument("--locales", default="de,zh,hi,te,ar",
                        help="comma-separated Babel locales (default de,zh,hi,te,ar)")
    parser.add_argument("--beam-size", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3, help="best of N")
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"default {CACHE}")
    args = parser.parse_args(argv)

    from miss_i18n.engines.nllb import NllbEngine
    from miss_i18n.engines.nllb_store import NllbStore

    corpus = real_sentences()
    folder = ensure_model(args.cache, corpus[:200])
    sentences = (corpus * (args.sentences // len(corpus) + 1))[:args.sentences]
    with tempfile.TemporaryDirectory() as tmp:
        store = NllbStore(Path(tmp) / "nllb")
        store.install(folder)
        engine = NllbEngine(store, beam_size=args.beam_size)
        infos = [engine.model_for("en", loc) for loc in args.locales.split(",")]
        jobs = [(info, sentences) for info in infos if info is not None]
        started = time.perf_counter()
        engine.translate(jobs[0][0], sentences[:1])
        load = time.perf_counter() - started
        many, many_out = best_of(args.repeat, lambda: [
            out for row in engine.translate_many(jobs) for out in row])
        each, each_out = best_of(args.repeat, lambda: [
            out for info, s in jobs for out in engine.translate(info, s)])
        raw, setting, raw_out = time_raw(folder, [(i.target, s) for i, s in jobs],
                                         args.beam_size, args.repeat)
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(folder / "sentencepiece.bpe.model"))
    mean = statistics.mean(len(t) for t in processor.encode(sentences, out_type=str))
    n = len(jobs) * len(sentences)
    print(f"model {folder} ({(folder / 'model.bin').stat().st_size / 1e6:.1f} MB), "
          f"{len(jobs)} locales x {len(sentences)} sentences of {mean:.1f} tokens, "
          f"beam {args.beam_size}, {os.cpu_count()} CPUs")
    for label, seconds in (("(a) NllbEngine.translate_many, all locales in one call", many),
                           ("(b) NllbEngine.translate, one call per locale", each),
                           (f"(c) raw CTranslate2, one call ({setting})", raw)):
        print(f"{label:<72} {seconds:6.2f} s {n / seconds:7.1f} segments/s")
    print(f"model load (first call): {load:.2f} s (not in the figures)")
    print(f"(a) vs raw: {raw / many:.2f}x the raw speed; outputs equal "
          f"{sum(a == b for a, b in zip(many_out, raw_out, strict=True))}/{n}; "
          f"(a) = (b) {sum(a == b for a, b in zip(many_out, each_out, strict=True))}/{n}")
    copied = sum(a == b for a, b in zip(many_out, sentences * len(jobs), strict=True))
    print(f"model sanity (a copy model): {copied}/{n} sentences copied exactly")
    return 0


if __name__ == "__main__":
    sys.exit(main())
