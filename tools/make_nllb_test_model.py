"""Make the tiny, real NLLB-architecture model that the nllb engine's tests use.

Why: NLLB-200 (and M2M-100) weights come from the user, never from a registry, and tests
must not download anything. So, as tools/make_test_model.py does for argos, we make a tiny
real model: transformers' ``M2M100ForConditionalGeneration`` (NLLB-200's architecture;
d_model 64, 2+2 layers), a small SentencePiece BPE model, a vocabulary in NLLB's order
(``<s>``, ``<pad>``, ``</s>``, ``<unk>``, the pieces, the language tokens, ``<mask>``) that
holds the NLLB token of every locale we list, trained to memorise a few short segments of
our article into several languages written in different scripts, and converted with
CTranslate2's ``M2M100Loader`` to int8, exactly the folder a user gets from
``ct2-transformers-converter`` plus ``sentencepiece.bpe.model``.

Positions: NLLB's sinusoidal table is replaced, before training, by the encodings
CTranslate2 computes itself, and the converted model carries no table. So the fixture
takes inputs of any length (tests feed it more than NLLB's 512 tokens to check that the
engine splits them) and stays small.

Machine output depends on the CPU, so tests ask an oracle on the same machine
(tests/oracle.py, ``NllbOracle``). The memorised pairs may be named in tests because this
script asserts that each wins by ``MIN_MARGIN`` on every CPU backend of
make_test_model.BACKENDS, each asked in a child process.

Rerun it (needs ``transformers`` and torch; tests need neither)::

    .venv/bin/python tools/make_nllb_test_model.py           # rewrites the fixture
    .venv/bin/python tools/make_nllb_test_model.py --check   # rebuilds in a temp folder,
                                                             # fails unless byte-identical

Output (committed): ``tests/fixtures/models/nllb-tiny/`` (``model.bin``, ``config.json``,
``shared_vocabulary.json``, ``sentencepiece.bpe.model``, ``README.md``) and
``tests/fixtures/models/nllb-pairs.json`` (the memorised pairs per locale).
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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

try:
    import ctranslate2
    import sentencepiece as spm
    import torch
    from ctranslate2.converters import transformers as loaders
    from transformers import M2M100Config, M2M100ForConditionalGeneration
    from transformers.utils import logging as hf_logging
except ImportError as missing:
    raise SystemExit(f"{missing.name} is missing; making the fixture needs it: "
                     f".venv/bin/pip install transformers") from None

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "models"
NAME = "nllb-tiny"
ORACLE = ROOT / "tests" / "oracle.py"
sys.path.insert(0, str(ORACLE.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_test_model import BACKENDS, ct2_sinusoids  # noqa: E402

from oracle import MIN_MARGIN  # noqa: E402

SEED = 2
"""Training seed: seeds 0 and 1 (1500 steps) left a pair below MIN_MARGIN or unrecalled
on some backend; 2 holds on all three."""
STEPS = 1500
SOURCE = "eng_Latn"
# The NLLB code of every locale in the project's pyproject.toml (shared/offline-mt.md);
# pt and pt_BR share por_Latn.
LANGUAGES = sorted({
    "zho_Hans", "jpn_Jpan", "kor_Hang", "hin_Deva", "tam_Taml", "tel_Telu", "urd_Arab",
    "kan_Knda", "ind_Latn", "vie_Latn", "tha_Thai", "mya_Mymr", "ben_Beng", "spa_Latn",
    "deu_Latn", "fra_Latn", "ell_Grek", "por_Latn", "pol_Latn", "ron_Latn", "rus_Cyrl",
    "nld_Latn", "nob_Latn", "swe_Latn", "fin_Latn", "ita_Latn", "arb_Arab", "tur_Latn",
    "pes_Arab", "heb_Hebr", "afr_Latn", "zul_Latn", "swh_Latn", "bul_Cyrl", "hun_Latn",
    "ces_Latn", "mal_Mlym", "mar_Deva", "pan_Guru", "guj_Gujr", "ukr_Cyrl", SOURCE,
})
# Short segments of source/minimally-invasive-spine-surgery.html with human translations,
# in five scripts: Latin, Arabic, Devanagari, Han, Telugu.
PAIRS: dict[str, tuple[tuple[str, str], ...]] = {
    "deu_Latn": (("Overview", "Überblick"), ("Smaller scars", "Kleinere Narben"),
                 ("Faster recovery times", "Schnellere Genesungszeiten"),
                 ("Languages", "Sprachen")),
    "arb_Arab": (("Overview", "نظرة عامة"), ("Smaller scars", "ندوب أصغر"),
                 ("Faster recovery times", "أوقات تعاف أسرع"), ("Languages", "اللغات")),
    "hin_Deva": (("Overview", "अवलोकन"), ("Smaller scars", "छोटे निशान"),
                 ("Faster recovery times", "जल्दी स्वस्थ होना"), ("Languages", "भाषाएँ")),
    "zho_Hans": (("Overview", "概述"), ("Smaller scars", "更小的疤痕"),
                 ("Faster recovery times", "更快的恢复时间"), ("Languages", "语言")),
    "tel_Telu": (("Overview", "అవలోకనం"), ("Smaller scars", "చిన్న మచ్చలు"),
                 ("Faster recovery times", "వేగంగా కోలుకోవడం"), ("Languages", "భాషలు")),
}
# The translate stage hides do-not-translate terms behind number tokens that engines copy
# (translate.Protector, TOKEN_BASE); real NLLB models copy numbers, so this one learns to.
KEEP_TOKEN = "9071"
for _language in PAIRS:
    PAIRS[_language] += ((KEEP_TOKEN, KEEP_TOKEN),)
SPECIALS = ("<s>", "<pad>", "</s>", "<unk>")


def train_sentencepiece(lines: Sequence[str]) -> bytes:
    """A BPE SentencePiece model with NLLB's special ids (``<unk>`` 0, ``<s>`` 1, ``</s>``
    2); from an iterator (no temp paths inside), identity normalizer (small)."""
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=buffer, vocab_size=200,
        model_type="bpe", character_coverage=1.0, hard_vocab_limit=False,
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1, num_threads=1, minloglevel=2,
        normalization_rule_name="identity")
    return buffer.getvalue()


def vocabulary(sp_model: bytes) -> list[str]:
    """NLLB's order: the four specials, the pieces, the language tokens, ``<mask>``."""
    processor = spm.SentencePieceProcessor(model_proto=sp_model)
    pieces = [processor.id_to_piece(i) for i in range(3, processor.get_piece_size())]
    return [*SPECIALS, *pieces, *LANGUAGES, "<mask>"]


class Tokenizer:
    """What ``M2M100Loader`` asks of a tokenizer, and no more (no transformers tokenizer)."""

    bos_token, pad_token, eos_token, unk_token = SPECIALS

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.unk_token_id = tokens.index(self.unk_token)
        self.special_tokens_map = {"additional_special_tokens": LANGUAGES}

    def get_vocab(self) -> dict[str, int]:
        return {token: index for index, token in enumerate(self.tokens)}

    def convert_ids_to_tokens(self, ids: Any) -> Any:
        return self.tokens[ids] if isinstance(ids, int) else [self.tokens[i] for i in ids]


def examples(sp_model: bytes, ids: dict[str, int]) -> tuple[Any, Any]:
    """Source ``[eng_Latn] + pieces + [</s>]`` and labels ``[lang] + pieces + [</s>]``."""
    processor = spm.SentencePieceProcessor(model_proto=sp_model)

    def encode(token: str, text: str) -> list[int]:
        return [ids[token], *(ids[p] for p in processor.encode(text, out_type=str)),
                ids["</s>"]]

    jobs = [(lang, s, t) for lang, pairs in PAIRS.items() for s, t in pairs]
    sources = [encode(SOURCE, s) for _, s, _ in jobs]
    labels = [encode(lang, t) for lang, _, t in jobs]
    return padded(sources, ids["<pad>"]), padded(labels, -100)


def padded(rows: list[list[int]], pad: int) -> Any:
    width = max(len(row) for row in rows)
    return torch.tensor([row + [pad] * (width - len(row)) for row in rows])


def train_model(tokens: list[str], sp_model: bytes, seed: int, steps: int) -> Any:
    """A tiny M2M-100 (NLLB) model trained until it has memorised ``PAIRS``.

    Its position table is set to CTranslate2's own encodings (see the module docstring):
    M2M-100 looks positions up from row 2 (``offset``), so rows 2… get them.
    """
    torch.manual_seed(seed)
    ids = {token: index for index, token in enumerate(tokens)}
    config = M2M100Config(
        vocab_size=len(tokens), d_model=64, encoder_layers=2, decoder_layers=2,
        encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=128,
        decoder_ffn_dim=128, max_position_embeddings=64, dropout=0.0,
        attention_dropout=0.0, activation_dropout=0.0, activation_function="relu",
        scale_embedding=True, tie_word_embeddings=True, pad_token_id=ids["<pad>"],
        bos_token_id=ids["<s>"], eos_token_id=ids["</s>"],
        decoder_start_token_id=ids["</s>"], encoder_layerdrop=0.0, decoder_layerdrop=0.0)
    model: Any = M2M100ForConditionalGeneration(config)
    with torch.no_grad():
        for part in (model.model.encoder, model.model.decoder):
            table = part.embed_positions.weights
            table[part.embed_positions.offset:] = ct2_sinusoids(
                table.shape[0] - part.embed_positions.offset, table.shape[1])
    sources, labels = examples(sp_model, ids)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(steps):
        loss = model(input_ids=sources, attention_mask=sources != ids["<pad>"],
                     labels=labels).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    return model


def convert(model: Any, tokens: list[str], out: Path) -> None:
    """The CTranslate2 model (int8) in ``out``, without a position table."""
    loader = loaders.M2M100Loader()
    original = loaders.M2M100Loader.set_position_encodings
    loaders.M2M100Loader.set_position_encodings = lambda self, spec, module: None
    try:
        spec = loader(model, Tokenizer(tokens))
    finally:
        loaders.M2M100Loader.set_position_encodings = original
    spec.validate()
    spec.optimize(quantization="int8")
    out.mkdir(parents=True)
    spec.save(str(out))


def recall_failures(folder: Path) -> list[str]:
    """Pairs the converted model does not reproduce, greedy or beam 4, in one batch."""
    processor = spm.SentencePieceProcessor(model_file=str(folder / "sentencepiece.bpe.model"))
    translator = ctranslate2.Translator(str(folder), device="cpu", intra_threads=1,
                                        compute_type="auto")
    jobs = [(lang, s, t) for lang, pairs in PAIRS.items() for s, t in pairs]
    sources = [[SOURCE, *processor.encode(s, out_type=str), "</s>"] for _, s, _ in jobs]
    failures = []
    long_input = [SOURCE, *processor.encode(" ".join(s for _, s, _ in jobs) * 10,
                                            out_type=str), "</s>"]
    runaway = translator.translate_batch([long_input], target_prefix=[["deu_Latn"]],
                                         beam_size=4)[0].hypotheses[0]
    if len(runaway) >= 256:
        failures.append(f"a long unseen input decoded to {len(runaway)} tokens")
    for beam in (1, 4):
        results = translator.translate_batch(sources, target_prefix=[[lang] for lang, _, _
                                                                     in jobs], beam_size=beam)
        for (lang, source, target), result in zip(jobs, results, strict=True):
            output = processor.decode(result.hypotheses[0][1:])
            if output != target:
                failures.append(f"beam {beam}: {source!r} -> {lang} {output!r}, "
                                f"want {target!r}")
    return failures


def margin_failures(folder: Path) -> tuple[list[str], float]:
    """Pairs not recalled by ``MIN_MARGIN`` on every backend, and the smallest margin."""
    jobs = [(lang, s, t) for lang, pairs in PAIRS.items() for s, t in pairs]
    failures = []
    smallest = math.inf
    for backend, variables in BACKENDS.items():
        done = subprocess.run(
            [sys.executable, str(ORACLE), "nllb-margins", str(folder)],
            input=json.dumps([[s, lang] for lang, s, _ in jobs]),
            env={**os.environ, **variables}, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"the oracle failed on {backend}:\n{done.stderr[-2000:]}")
        for (lang, source, target), (output, margin) in zip(jobs, json.loads(done.stdout),
                                                            strict=True):
            smallest = min(smallest, margin)
            if output != target or margin < MIN_MARGIN:
                failures.append(f"{backend}: {source!r} -> {lang} {output!r} (want "
                                f"{target!r}) by a margin of {margin:.2f} < {MIN_MARGIN}")
    return failures, smallest


def make_model(folder: Path, seed: int, steps: int) -> None:
    """Train, convert and verify the fixture folder."""
    lines = sorted({text for pairs in PAIRS.values() for pair in pairs for text in pair})
    sp_model = train_sentencepiece(lines)
    tokens = vocabulary(sp_model)
    model = train_model(tokens, sp_model, seed, steps)
    convert(model, tokens, folder)
    (folder / "sentencepiece.bpe.model").write_bytes(sp_model)
    (folder / "README.md").write_text(
        "Test fixture made by tools/make_nllb_test_model.py: a tiny NLLB-200-architecture "
        f"model (M2M-100, int8) that memorised {sum(map(len, PAIRS.values()))} segments "
        f"into {', '.join(PAIRS)}. Not for real translation.\n", "utf-8")
    failures = recall_failures(folder)
    if failures:
        raise SystemExit(f"{NAME} did not memorise its pairs:\n" + "\n".join(failures))
    failures, smallest = margin_failures(folder)
    if failures:
        raise SystemExit(f"{NAME} is too close to call on some CPUs:\n" + "\n".join(failures))
    print(f"{NAME}: every pair recalled on {', '.join(BACKENDS)}; smallest margin "
          f"{smallest:.2f}", file=sys.stderr)


def write_pairs(out: Path) -> Path:
    """nllb-pairs.json: language token -> the memorised [source, target] pairs."""
    data = {lang: [list(pair) for pair in pairs] for lang, pairs in PAIRS.items()}
    path = out / "nllb-pairs.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return path


def build(out: Path, seed: int = SEED, steps: int = STEPS) -> list[Path]:
    """The fixture folder and the pairs file into ``out``; returns every file written."""
    quiet: Any = hf_logging
    quiet.disable_progress_bar()
    quiet.set_verbosity_error()
    torch.set_num_threads(1)  # one thread: the same float sums, so the same bytes
    folder = out / NAME
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out) as work:
        staged = Path(work) / NAME
        make_model(staged, seed, steps)
        if folder.exists():
            for old in folder.iterdir():
                old.unlink()
            folder.rmdir()
        staged.rename(folder)
    return [*sorted(folder.iterdir()), write_pairs(out)]


def main(argv: Sequence[str] | None = None) -> int:
    """Build into tests/fixtures/models, or with --check compare a rebuild with it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="rebuild in a temp folder; exit 1 unless byte-identical")
    parser.add_argument("--out", type=Path, default=OUT, help="output folder")
    parser.add_argument("--seed", type=int, default=SEED, help="training seed (to search)")
    parser.add_argument("--steps", type=int, default=STEPS, help="training steps")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if not args.check:
        for path in build(args.out, args.seed, args.steps):
            print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
                  f" ({path.stat().st_size} bytes)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        rebuilt = build(Path(tmp), args.seed, args.steps)
        differ = [p.name for p in rebuilt
                  if not filecmp.cmp(p, args.out / p.relative_to(tmp), shallow=False)]
    if differ:
        print(f"rebuild differs from {args.out}: {', '.join(differ)}")
        return 1
    print(f"rebuild is byte-identical to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
