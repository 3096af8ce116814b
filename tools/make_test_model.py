"""Make the small, real Argos Translate models that the tests use as fixtures.

Why: no package registry ships argos/CTranslate2 weights, and tests must not download
anything. So we make tiny real models ourselves: a Marian transformer (d_model 64, 2+2
layers) trained to memorise a dozen short segments of our article with human
translations, converted to CTranslate2 (float32 weights) and packaged exactly like an
``.argosmodel`` from the argos index. argostranslate itself loads them, and both greedy and
beam-4 decoding recall every memorised pair exactly.

Machine output depends on the CPU (CTranslate2 picks its GEMM backend by CPU), so most tests
ask an oracle on the same machine (tests/oracle.py) what a model says. The few tests that
name a memorised translation may, because this script asserts that every memorised pair
wins by ``MIN_MARGIN`` on each CPU backend CTranslate2 has on x86 (``BACKENDS``).

Rerun it (needs ``transformers`` and torch; tests need neither)::

    .venv/bin/pip install transformers
    .venv/bin/python tools/make_test_model.py            # rewrites tests/fixtures/models/
    .venv/bin/python tools/make_test_model.py --check    # rebuilds in a temp folder and
                                                         # fails unless byte-identical

Output (committed): ``tests/fixtures/models/translate-en_de-1_0.argosmodel``,
``translate-en_es-1_0.argosmodel`` and ``pairs.json`` (the memorised pairs per package,
which tests read their expected outputs from). Builds are reproducible: fixed seeds, one
torch thread, SentencePiece trained from an iterator (no temp paths in the model), and
zip entries in sorted order with fixed timestamps and permissions.
"""

from __future__ import annotations

import argparse
import filecmp
import io
import json
import math
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import ctranslate2
    import sentencepiece as spm
    import spacy
    import torch
    from ctranslate2.converters import transformers as loaders
    from transformers import MarianConfig, MarianMTModel
    from transformers.utils import logging as hf_logging
except ImportError as missing:  # transformers is the usual one: tests do not need it
    raise SystemExit(f"{missing.name} is missing; making the fixtures needs it: "
                     f".venv/bin/pip install transformers") from None

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "models"
VERSION = "1.0"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
STEPS = 400
ORACLE = ROOT / "tests" / "oracle.py"
# CTranslate2's CPU backends: Intel MKL (its default on Intel CPUs), oneDNN (its default
# elsewhere, e.g. AMD), and oneDNN without VNNI int8 instructions (AMD Zen 2/3, older Intel),
# whose int8 kernels round differently: there a pair trained to a small margin flips (the
# first fixtures said "Kleinsien" for "Smaller scars"). Every memorised pair must win by
# MIN_MARGIN (log-probability, beam 4) on each, so a test that names it holds on any CPU.
BACKENDS: dict[str, dict[str, str]] = {
    "mkl": {"CT2_USE_MKL": "1"},
    "onednn": {"CT2_USE_MKL": "0"},
    "onednn-no-vnni": {"CT2_USE_MKL": "0", "ONEDNN_MAX_CPU_ISA": "AVX2"},
}
sys.path.insert(0, str(ORACLE.parent))
from oracle import MIN_MARGIN  # noqa: E402  (tests/oracle.py, shared with the tests)


@dataclass(frozen=True)
class Spec:
    """One package to make: a language pair and the segments it memorises."""

    from_code: str
    from_name: str
    to_code: str
    to_name: str
    pairs: tuple[tuple[str, str], ...]
    seed: int = 0
    """Training seed. On the no-VNNI int8 backend most seeds leave some pair within a
    fraction of a point of flipping (de, seeds 0-6 at 400-1000 steps: only 4 held), so
    the seed is chosen per package and MIN_MARGIN asserted."""

    @property
    def name(self) -> str:
        """The argos package folder name, e.g. ``translate-en_de-1_0``."""
        return f"translate-{self.from_code}_{self.to_code}-{VERSION.replace('.', '_')}"


# Short segments of source/minimally-invasive-spine-surgery.html (plus the language
# switcher's label), with human translations.
SPECS = (
    Spec("en", "English", "de", "German", (
        ("Overview", "Überblick"),
        ("Advantages", "Vorteile"),
        ("Procedures", "Eingriffe"),
        ("Recovery", "Genesung"),
        ("Candidates", "Kandidaten"),
        ("Risks and Complications", "Risiken und Komplikationen"),
        ("Lower risk of infection", "Geringeres Infektionsrisiko"),
        ("Less blood loss during surgery", "Weniger Blutverlust während der Operation"),
        ("Shorter hospital stays", "Kürzere Krankenhausaufenthalte"),
        ("Faster recovery times", "Schnellere Genesungszeiten"),
        ("Reduced postoperative pain", "Geringere postoperative Schmerzen"),
        ("Smaller scars", "Kleinere Narben"),
        ("Lumbar discectomy", "Lumbale Diskektomie"),
        ("Minimally invasive spine surgery", "Minimalinvasive Wirbelsäulenchirurgie"),
        ("Languages", "Sprachen"),
    ), seed=4),
    Spec("en", "English", "es", "Spanish", (
        ("Overview", "Resumen"),
        ("Advantages", "Ventajas"),
        ("Procedures", "Procedimientos"),
        ("Recovery", "Recuperación"),
        ("Candidates", "Candidatos"),
        ("Risks and Complications", "Riesgos y complicaciones"),
        ("Lower risk of infection", "Menor riesgo de infección"),
        ("Less blood loss during surgery", "Menos pérdida de sangre durante la cirugía"),
        ("Shorter hospital stays", "Estancias hospitalarias más cortas"),
        ("Faster recovery times", "Tiempos de recuperación más rápidos"),
        ("Reduced postoperative pain", "Menos dolor posoperatorio"),
        ("Smaller scars", "Cicatrices más pequeñas"),
        ("Lumbar discectomy", "Discectomía lumbar"),
        ("Minimally invasive spine surgery", "Cirugía de columna mínimamente invasiva"),
        ("Languages", "Idiomas"),
    )),
)


def train_sentencepiece(lines: Sequence[str], vocab_size: int) -> bytes:
    """A SentencePiece model shared by source and target, as argos packages have.

    ``</s>`` is id 0 and ``<unk>`` id 1, as in a Marian vocabulary; no ``<s>``. Training
    from an iterator keeps temp file paths out of the serialized model; the identity
    normalizer keeps the 240 KB NFKC table out of it.
    """
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=buffer, vocab_size=vocab_size,
        model_type="unigram", character_coverage=1.0, hard_vocab_limit=False,
        eos_id=0, unk_id=1, bos_id=-1, pad_id=-1, num_threads=1, minloglevel=2,
        normalization_rule_name="identity",
    )
    return buffer.getvalue()


def marian_vocab(sp_model: bytes) -> dict[str, int]:
    """Marian's vocab.json: the SentencePiece pieces in order, then ``<pad>`` last."""
    processor = spm.SentencePieceProcessor(model_proto=sp_model)
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    assert pieces[:2] == ["</s>", "<unk>"], pieces[:2]
    return {piece: index for index, piece in enumerate([*pieces, "<pad>"])}


def write_hf_dir(folder: Path, sp_model: bytes, vocab: dict[str, int]) -> None:
    """The tokenizer files ctranslate2's Marian converter reads the vocabulary from."""
    folder.mkdir(parents=True)
    (folder / "source.spm").write_bytes(sp_model)
    (folder / "target.spm").write_bytes(sp_model)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), "utf-8")
    config = {"model_max_length": 256, "separate_vocabs": False,
              "source_lang": "en", "target_lang": "xx"}
    (folder / "tokenizer_config.json").write_text(json.dumps(config), "utf-8")


def encode(sp_model: bytes, vocab: dict[str, int], text: str) -> list[int]:
    """Token ids of ``text`` followed by ``</s>`` (what add_source_eos gives CTranslate2)."""
    processor = spm.SentencePieceProcessor(model_proto=sp_model)
    return [vocab[piece] for piece in processor.encode(text, out_type=str)] + [vocab["</s>"]]


def padded(rows: list[list[int]], pad: int) -> Any:
    """A (batch, length) tensor right-padded with ``pad``."""
    width = max(len(row) for row in rows)
    return torch.tensor([row + [pad] * (width - len(row)) for row in rows])


def ct2_sinusoids(positions: int, dim: int) -> Any:
    """CTranslate2's built-in position encodings (Tensor2Tensor style, from position 1).

    Training with these instead of Marian's own table lets the converted model leave
    its position table out: CTranslate2 then computes encodings for any length, so the
    fixture neither fails on long inputs nor carries a table (checked by comparing the
    scores of a model with this table stored against one without a table).
    """
    increment = math.log(10000.0) / (dim // 2 - 1)
    inverse = torch.exp(torch.arange(dim // 2, dtype=torch.float32) * -increment)
    times = torch.arange(1, positions + 1, dtype=torch.float32)[:, None] * inverse[None]
    return torch.cat([torch.sin(times), torch.cos(times)], dim=1)


def train_model(spec: Spec, sp_model: bytes, vocab: dict[str, int]) -> Any:
    """A tiny Marian model trained until it has memorised ``spec.pairs``.

    The ``<pad>`` embedding row is kept at zero: Marian decoders start from a zero
    embedding, which is what CTranslate2 does (``start_from_zero_embedding``); tied
    output weights would otherwise move it away from zero during training.
    """
    torch.manual_seed(spec.seed)
    pad = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=len(vocab), d_model=64, encoder_layers=2, decoder_layers=2,
        encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=256,
        decoder_ffn_dim=256, max_position_embeddings=64, dropout=0.0,
        attention_dropout=0.0, activation_dropout=0.0, activation_function="swish",
        pad_token_id=pad, eos_token_id=vocab["</s>"], decoder_start_token_id=pad,
        forced_eos_token_id=vocab["</s>"], share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True, scale_embedding=True,
    )
    model: Any = MarianMTModel(config)  # transformers is untyped here
    with torch.no_grad():
        for part in (model.model.encoder, model.model.decoder):
            weight = part.embed_positions.weight
            weight.copy_(ct2_sinusoids(*weight.shape))
    sources = padded([encode(sp_model, vocab, s) for s, _ in spec.pairs], pad)
    labels = padded([encode(sp_model, vocab, t) for _, t in spec.pairs], pad)
    labels[labels == pad] = -100
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(STEPS):
        loss = model(input_ids=sources, attention_mask=sources != pad, labels=labels).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            model.get_input_embeddings().weight[pad].zero_()
    model.eval()
    return model


def convert(model: Any, hf_dir: Path, out: Path) -> None:
    """CTranslate2 model in ``out``; sets ``add_source_eos`` as argos needs.

    argos's tokenizer adds no ``</s>``; without ``add_source_eos`` the encoder sees
    inputs unlike the ones it was trained on and the outputs are wrong.
    """
    model.save_pretrained(hf_dir)
    converter = ctranslate2.converters.TransformersConverter(str(hf_dir))
    # Leave the position table out (see ct2_sinusoids): a private hook, hence restored.
    original = loaders.MarianMTLoader.set_position_encodings
    loaders.MarianMTLoader.set_position_encodings = lambda self, spec, module: None
    try:
        converter.convert(str(out), quantization="int8", force=True)
    finally:
        loaders.MarianMTLoader.set_position_encodings = original
    config_path = out / "config.json"
    config = json.loads(config_path.read_text("utf-8"))
    config["add_source_eos"] = True
    config_path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", "utf-8")


def recall_failures(model_dir: Path, sp_model: bytes, spec: Spec) -> list[str]:
    """Pairs the converted model does not reproduce exactly, greedy or beam 4."""
    processor = spm.SentencePieceProcessor(model_proto=sp_model)
    translator = ctranslate2.Translator(str(model_dir), device="cpu", intra_threads=1,
                                        compute_type="auto")
    sources = [processor.encode(s, out_type=str) for s, _ in spec.pairs]
    failures = []
    # A long unseen input must neither fail nor run away (no position table limit).
    long_input = processor.encode(" ".join(s for s, _ in spec.pairs) * 20, out_type=str)
    runaway = translator.translate_batch([long_input], beam_size=4)[0].hypotheses[0]
    if len(runaway) >= 256:
        failures.append(f"a long unseen input decoded to {len(runaway)} tokens")
    for beam in (1, 4):
        results = translator.translate_batch(sources, beam_size=beam, length_penalty=0.2,
                                             replace_unknowns=True)
        for (source, target), result in zip(spec.pairs, results, strict=True):
            output = processor.decode_pieces(result.hypotheses[0])
            if output != target:
                failures.append(f"beam {beam}: {source!r} -> {output!r}, want {target!r}")
    return failures


def margin_failures(package: Path, spec: Spec) -> tuple[list[str], float]:
    """Pairs not recalled by ``MIN_MARGIN`` on every backend, and the smallest margin.

    Each backend is asked in a child process (CTranslate2 reads the variables when it
    loads) through tests/oracle.py, the same oracle the tests use.
    """
    failures = []
    smallest = math.inf
    sources = [source for source, _ in spec.pairs]
    for backend, variables in BACKENDS.items():
        done = subprocess.run(
            [sys.executable, str(ORACLE), "margins", str(package), *sources],
            env={**os.environ, **variables}, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"the oracle failed on {backend}:\n{done.stderr[-2000:]}")
        found = json.loads(done.stdout)
        for source, target in spec.pairs:
            output, margin = found[source]
            smallest = min(smallest, margin)
            if output != target or margin < MIN_MARGIN:
                failures.append(f"{backend}: {source!r} -> {output!r} (want {target!r}) "
                                f"by a margin of {margin:.2f} < {MIN_MARGIN}")
    return failures, smallest


def write_package(folder: Path, spec: Spec, sp_model: bytes, model_dir: Path) -> None:
    """An argos package folder: metadata.json, model/, sentencepiece.model, spacy/."""
    folder.mkdir(parents=True)
    model_dir.rename(folder / "model")
    (folder / "sentencepiece.model").write_bytes(sp_model)
    metadata = {
        "package_version": VERSION, "argos_version": "1.9", "type": "translate",
        "from_code": spec.from_code, "from_name": spec.from_name,
        "to_code": spec.to_code, "to_name": spec.to_name, "links": [],
    }
    (folder / "metadata.json").write_text(json.dumps(metadata, indent=4) + "\n", "utf-8")
    (folder / "README.md").write_text(
        f"Test fixture made by tools/make_test_model.py: a tiny {spec.from_name} to "
        f"{spec.to_name} model that memorised {len(spec.pairs)} segments. Not for real "
        "translation.\n", "utf-8")
    # Lets argos split sentences offline (ARGOS_CHUNK_TYPE=SPACY) instead of downloading.
    spacy.blank(spec.from_code).to_disk(folder / "spacy")


def zip_folder(folder: Path, archive: Path) -> None:
    """Zip ``folder`` under its own name, reproducibly: sorted, fixed dates and modes."""
    paths = sorted(folder.rglob("*"), key=lambda p: p.relative_to(folder).as_posix())
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in [folder, *paths]:
            name = Path(folder.name, path.relative_to(folder)).as_posix()
            is_dir = path.is_dir()
            info = zipfile.ZipInfo(name + "/" if is_dir else name, ZIP_DATE)
            info.external_attr = ((0o40755 if is_dir else 0o100644) << 16) | (0x10 * is_dir)
            info.compress_type = zipfile.ZIP_STORED if is_dir else zipfile.ZIP_DEFLATED
            info.create_system = 3
            zf.writestr(info, b"" if is_dir else path.read_bytes())


def make_package(spec: Spec, work: Path, out: Path) -> Path:
    """Train, convert, verify and package one model; returns the .argosmodel path."""
    lines = sorted({text for pair in spec.pairs for text in pair})
    sp_model = train_sentencepiece(lines, vocab_size=160)
    vocab = marian_vocab(sp_model)
    write_hf_dir(work / "hf", sp_model, vocab)
    model = train_model(spec, sp_model, vocab)
    convert(model, work / "hf", work / "ct2")
    failures = recall_failures(work / "ct2", sp_model, spec)
    if failures:
        raise SystemExit(f"{spec.name} did not memorise its pairs:\n" + "\n".join(failures))
    write_package(work / spec.name, spec, sp_model, work / "ct2")
    failures, smallest = margin_failures(work / spec.name, spec)
    if failures:
        raise SystemExit(f"{spec.name} is too close to call on some CPUs:\n"
                         + "\n".join(failures))
    print(f"{spec.name}: every pair recalled on {', '.join(BACKENDS)}; "
          f"smallest margin {smallest:.2f}", file=sys.stderr)
    archive = out / f"{spec.name}.argosmodel"
    zip_folder(work / spec.name, archive)
    return archive


def write_pairs(out: Path) -> Path:
    """pairs.json: package name -> codes and the memorised [source, target] pairs."""
    data = {spec.name: {"from_code": spec.from_code, "to_code": spec.to_code,
                        "pairs": [list(pair) for pair in spec.pairs]} for spec in SPECS}
    path = out / "pairs.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return path


def build(out: Path) -> list[Path]:
    """Every fixture into ``out``."""
    quiet: Any = hf_logging  # untyped functions
    quiet.disable_progress_bar()
    quiet.set_verbosity_error()
    torch.set_num_threads(1)  # one thread: the same float sums, so the same bytes
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in SPECS:
        with tempfile.TemporaryDirectory() as work:
            written.append(make_package(spec, Path(work), out))
    written.append(write_pairs(out))
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Build into tests/fixtures/models, or with --check compare a rebuild with it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="rebuild in a temp folder; exit 1 unless byte-identical")
    parser.add_argument("--out", type=Path, default=OUT, help="output folder")
    args = parser.parse_args(argv)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # everything is local; never look online
    if not args.check:
        for path in build(args.out):
            print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
                  f" ({path.stat().st_size} bytes)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        rebuilt = build(Path(tmp))
        differ = [p.name for p in rebuilt
                  if not filecmp.cmp(p, args.out / p.name, shallow=False)]
    if differ:
        print(f"rebuild differs from {args.out}: {', '.join(differ)}")
        return 1
    print(f"rebuild is byte-identical to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
