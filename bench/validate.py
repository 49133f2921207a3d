"""Benchmark: `aoft-tui validate` against the OpenAI Cookbook's data-prep loop, in one run.

    python bench/validate.py [--examples 100000] [--keep DIR]

1. Generates a deterministic chat file (default 100,000 examples, ~80 MB: multi-turn,
   multilingual, some tool calls and weights) in a temp dir.
2. Times a faithful re-implementation of "Chat_finetuning_data_prep" (json.loads of every
   line into a list, its seven format checks, its num_tokens_from_messages counting and
   its distribution statistics), tokenizing with tiktoken itself (o200k_base vocab rebuilt
   offline and checked against OpenAI's SHA-256), and the same loop with quicktok as the
   tokenizer (so only the approach differs).
3. Times `aoft-tui validate --json` as a subprocess.
Each runs in its own process (`--repeat N`: interleaved, best time of N); peak RSS and PSS
are the peaks of the sums over the process tree, sampled every 10 ms from /proc (Linux) in
one more run of each contender (sampling slows a multi-process run, so it is not timed).
Prints examples/s, MB/s, peak RSS and the ratios, and each contender's median CPU time (user +
sys of its process tree), the steadier measure when other work shares the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

MODEL = "gpt-4o-mini"  # o200k_base, 65,536-token context

WORDS = {  # a few sentences' worth of words per language, joined at random
    "en": "the model should answer briefly and cite the relevant policy section when the customer asks about refunds shipping delays invoices or account security".split(),
    "de": "das Modell soll kurz antworten und den passenden Abschnitt der Richtlinie nennen wenn der Kunde nach Erstattung Lieferung Rechnung oder Sicherheit fragt".split(),
    "fr": "le modèle doit répondre brièvement et citer la section pertinente lorsque le client demande un remboursement une livraison une facture ou la sécurité du compte".split(),
    "es": "el modelo debe responder brevemente y citar la sección correspondiente cuando el cliente pregunta por reembolsos envíos facturas o la seguridad de la cuenta".split(),
    "ja": "モデル は 簡潔 に 答え 返金 配送 請求書 アカウント の 安全 について 質問 された 時 は 規定 の 該当 箇所 を 引用 する".split(),
    "zh": "模型 应 简洁 回答 并 在 客户 询问 退款 发货 延迟 发票 或 账户 安全 时 引用 相关 政策 条款".split(),
    "ru": "модель должна отвечать кратко и ссылаться на раздел правил когда клиент спрашивает о возврате доставке счетах или безопасности".split(),
    "ar": "يجب أن يجيب النموذج باختصار ويستشهد بالقسم المناسب عندما يسأل العميل عن الاسترداد أو الشحن".split(),
}
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "lookup_order",
            "description": "Find an order by id",
            "parameters": {
                "type": "object",
                "properties": {"order_id": {"type": "string"}},
                "required": ["order_id"],
            },
        },
    }
]


def _sentence(rng: random.Random, lang: str, n: int) -> str:
    words = WORDS[lang]
    return " ".join(rng.choice(words) for _ in range(n)).capitalize() + rng.choice(".?!")


def make_example(rng: random.Random, i: int) -> dict:
    lang = rng.choice(list(WORDS))
    messages = [
        {"role": "system", "content": "You are a support assistant for ACME. " + _sentence(rng, "en", 8)}
    ]
    if rng.random() < 0.1:  # a tool round trip
        messages.append({"role": "user", "content": _sentence(rng, lang, 14) + f" Order {i:07d}."})
        call_id = f"call_{i:07d}"
        messages.append(
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": call_id,
                        "type": "function",
                        "function": {
                            "name": "lookup_order",
                            "arguments": json.dumps({"order_id": f"{i:07d}"}),
                        },
                    }
                ],
            }
        )
        messages.append(
            {
                "role": "tool",
                "tool_call_id": call_id,
                "content": json.dumps({"status": "shipped", "eta_days": rng.randint(1, 9)}),
            }
        )
        messages.append({"role": "assistant", "content": _sentence(rng, lang, 25)})
        return {"messages": messages, "tools": TOOLS}
    turns = rng.randint(1, 3)
    for turn in range(turns):
        messages.append({"role": "user", "content": _sentence(rng, lang, rng.randint(8, 22))})
        reply = {"role": "assistant", "content": _sentence(rng, lang, rng.randint(10, 34))}
        if turn == 0 and turns > 1 and rng.random() < 0.15:
            reply["weight"] = 0
        messages.append(reply)
    return {"messages": messages}


def generate(path: Path, n: int) -> None:
    rng = random.Random(1234)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps(make_example(rng, i), ensure_ascii=False))
            f.write("\n")


# --- the cookbook's loop (run in a child process: `bench/validate.py --cookbook FILE TOKENIZER`) ---


def _tiktoken_o200k():
    """tiktoken's own o200k_base, on a vocab file rebuilt offline and hash-checked."""
    import base64

    import tiktoken
    import tiktoken_ext.openai_public as op
    from tiktoken.load import load_tiktoken_bpe

    from aoft_tui.domain import tokens

    enc = tokens.get_encoding("o200k_base")
    vocab = Path(tempfile.gettempdir()) / "aoft-bench-o200k_base.tiktoken"
    if not vocab.exists():
        vocab.write_bytes(
            b"".join(
                base64.b64encode(enc.decode_single_token_bytes(r)) + b" %d\n" % r
                for r in range(enc.n_vocab)
                if not enc.is_special_token(r) and _has_token(enc, r)
            )
        )
    op.load_tiktoken_bpe = lambda url, expected_hash=None: load_tiktoken_bpe(str(vocab), expected_hash)
    return tiktoken.Encoding(**op.o200k_base())  # raises if the SHA-256 differs


def _has_token(enc, rank: int) -> bool:
    try:
        enc.decode_single_token_bytes(rank)
        return True
    except Exception:
        return False


def cookbook(path: str, tokenizer: str) -> dict:
    from collections import defaultdict

    import numpy as np

    if tokenizer == "tiktoken":
        encoding = _tiktoken_o200k()
    else:
        import quicktok

        encoding = quicktok.get_encoding("o200k_base")
    t0 = time.perf_counter()
    with open(path, encoding="utf-8") as f:
        dataset = [json.loads(line) for line in f]

    format_errors: dict[str, int] = defaultdict(int)
    for ex in dataset:
        if not isinstance(ex, dict):
            format_errors["data_type"] += 1
            continue
        messages = ex.get("messages", None)
        if not messages:
            format_errors["missing_messages_list"] += 1
            continue
        for message in messages:
            if "role" not in message or "content" not in message:
                format_errors["message_missing_key"] += 1
            if any(k not in ("role", "content", "name", "function_call", "weight") for k in message):
                format_errors["message_unrecognized_key"] += 1
            if message.get("role", None) not in ("system", "user", "assistant", "function"):
                format_errors["unrecognized_role"] += 1
            content = message.get("content", None)
            function_call = message.get("function_call", None)
            if (not content and not function_call) or not isinstance(content, str):
                format_errors["missing_content"] += 1
        if not any(message.get("role", None) == "assistant" for message in messages):
            format_errors["example_missing_assistant_message"] += 1

    def num_tokens_from_messages(messages, tokens_per_message=3, tokens_per_name=1):
        num_tokens = 0
        for message in messages:
            num_tokens += tokens_per_message
            for key, value in message.items():
                if isinstance(value, str):  # the notebook crashes on weights and tool_calls here
                    num_tokens += len(encoding.encode(value))
                if key == "name":
                    num_tokens += tokens_per_name
        num_tokens += 3
        return num_tokens

    def num_assistant_tokens_from_messages(messages):
        num_tokens = 0
        for message in messages:
            if message["role"] == "assistant" and isinstance(message.get("content"), str):
                num_tokens += len(encoding.encode(message["content"]))
        return num_tokens

    n_missing_system = n_missing_user = 0
    n_messages, convo_lens, assistant_message_lens = [], [], []
    for ex in dataset:
        messages = ex["messages"]
        if not any(message["role"] == "system" for message in messages):
            n_missing_system += 1
        if not any(message["role"] == "user" for message in messages):
            n_missing_user += 1
        n_messages.append(len(messages))
        convo_lens.append(num_tokens_from_messages(messages))
        assistant_message_lens.append(num_assistant_tokens_from_messages(messages))
    for values in (n_messages, convo_lens, assistant_message_lens):  # print_distribution
        _ = (
            min(values),
            max(values),
            np.mean(values),
            np.median(values),
            np.quantile(values, 0.1),
            np.quantile(values, 0.9),
        )
    n_too_long = sum(length > 16385 for length in convo_lens)
    n_epochs = 3
    n_train = len(dataset)
    if n_train * 3 < 100:
        n_epochs = min(25, 100 // n_train)
    elif n_train * 3 > 25000:
        n_epochs = max(1, 25000 // n_train)
    billing = sum(min(16385, length) for length in convo_lens)
    return {
        "seconds": time.perf_counter() - t0,
        "examples": len(dataset),
        "tokens": sum(convo_lens),
        "errors": dict(format_errors),
        "too_long": n_too_long,
        "billed": billing * n_epochs,
    }


# --- measuring ---


def _tree(pid: int) -> list[int]:
    """pid and all its descendants (Linux /proc)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return out


def _mem(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes. PSS splits pages shared with other processes
    (the tokenizer tables forked workers share) among them, so PSS sums to real use."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss, pss


def run_measured(cmd: list[str], *, memory: bool) -> tuple[float, float, int, int, str]:
    """Wall time, CPU time (user + sys of the process tree), peak RSS and peak PSS summed over
    the process tree (bytes), stdout. CPU time is the steadier measure on a shared machine:
    other load stretches the wall time, hardly the work done.

    Time and memory come from separate runs (`memory=False` / `True`): reading a process's
    smaps_rollup takes its mmap lock and costs ~0.8 ms a read, so sampling every 10 ms slows
    the run being sampled — a three-process run ~0.2 s, a one-process run hardly at all."""
    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak_rss = peak_pss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_rss, peak_pss
        while memory and not done.is_set():
            mems = [_mem(pid) for pid in _tree(proc.pid)]
            peak_rss = max(peak_rss, sum(m[0] for m in mems))
            peak_pss = max(peak_pss, sum(m[1] for m in mems))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the child and the workers it waited for
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    done.set()
    sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd} failed ({proc.returncode}):\n{err}")
    return elapsed, cpu, peak_rss, peak_pss, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--examples", type=int, default=100_000)
    ap.add_argument("--keep", type=Path, help="write the data file here instead of a temp dir")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each contender (best time is kept)")
    ap.add_argument("--cookbook", nargs=2, metavar=("FILE", "TOKENIZER"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.cookbook:
        print(json.dumps(cookbook(*args.cookbook)))
        return

    with tempfile.TemporaryDirectory() as tmp:
        path = (args.keep or Path(tmp)) / "bench-train.jsonl"
        t = time.perf_counter()
        generate(path, args.examples)
        size = path.stat().st_size
        print(
            f"data: {args.examples:,} examples, {size / 1e6:.1f} MB, generated in "
            f"{time.perf_counter() - t:.1f} s ({os.cpu_count()} cores)"
        )
        _tiktoken_o200k()  # build the offline vocab file now, not inside the timed run
        aoft = Path(sys.executable).with_name("aoft-tui")
        contenders = [
            ("cookbook loop + tiktoken", [sys.executable, __file__, "--cookbook", str(path), "tiktoken"]),
            ("cookbook loop + quicktok", [sys.executable, __file__, "--cookbook", str(path), "quicktok"]),
            ("aoft-tui validate", [str(aoft), "validate", str(path), "--model", MODEL, "--json"]),
            (
                "aoft-tui validate --workers 1",
                [str(aoft), "validate", str(path), "--model", MODEL, "--json", "--workers", "1"],
            ),
        ]
        best: dict[str, list] = {}
        cpu_times: dict[str, list[float]] = {}
        # interleaved, best time of N (other load on the machine hits all alike), then one
        # more run of each with memory sampling, for the peaks
        for run in range(args.repeat + 1):
            sampled = run == args.repeat
            for label, cmd in contenders:
                wall, cpu, rss, pss, out = run_measured(cmd, memory=sampled)
                if sampled:
                    wall = float("inf")  # its time is not comparable: sampling slowed it
                doc = json.loads(out)
                toks = doc["tokens"] if "tokens" in doc else doc["stats"]["tokens"]["total"]
                if "stats" in doc:
                    assert doc["stats"]["examples"] == args.examples, doc["stats"]
                    summary = doc["summary"]
                row = best.setdefault(label, [label, wall, rss, pss, toks])
                row[1], row[2], row[3] = min(row[1], wall), max(row[2], rss), max(row[3], pss)
                if not sampled:
                    cpu_times.setdefault(label, []).append(cpu)
        rows = list(best.values())
        with open("/proc/loadavg") as f:
            print(
                f"best time of {args.repeat} unsampled runs; peak memory from one more, sampled run each; "
                f"load average now {f.read().split()[0]}"
            )

        print(
            f"{'':30} {'seconds':>8} {'examples/s':>11} {'MB/s':>6} {'peak RSS':>9} {'peak PSS':>9} "
            f"{'tokens':>11}"
        )
        for label, wall, rss, pss, toks in rows:
            print(
                f"{label:30} {wall:8.2f} {args.examples / wall:11,.0f} {size / 1e6 / wall:6.1f} "
                f"{rss / 1e6:7.0f}MB {pss / 1e6:7.0f}MB {toks:11,}"
            )
        for ours in rows[2:]:
            for label, wall, rss, pss, _ in rows[:2]:
                print(
                    f"{ours[0]} vs {label}: throughput x{wall / ours[1]:.1f}, peak RSS "
                    f"x{ours[2] / rss:.2f}, peak PSS x{ours[3] / pss:.2f} (targets: >= 8x, <= 0.25x)"
                )
        cpu = {label: statistics.median(times) for label, times in cpu_times.items()}
        print(
            f"CPU time (user + sys, median of {args.repeat}): "
            + ", ".join(f"{k} {v:.2f} s" for k, v in cpu.items())
        )
        for ours in rows[2:]:
            for label, *_ in rows[:2]:
                print(f"{ours[0]} vs {label}: CPU time x{cpu[label] / cpu[ours[0]]:.1f}")
        print(
            "Token totals differ only because aoft-tui also counts tool calls and tool definitions; "
            f"problems found by aoft-tui: {summary}"
        )


if __name__ == "__main__":
    main()
