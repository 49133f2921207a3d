"""Writes the malformed-dataset corpus and its manifest `expected.json`.

    python tests/validation/corpus/make_corpus.py

Each case is a small .jsonl file with one planted mistake (or none, for the files that must
pass: BOM, CRLF, content parts, tool round trips, lone surrogates) and the problem code and
line the validator must report. The files are committed; this script documents how they
were made and regenerates them byte for byte.
"""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
CASES: list[dict[str, Any]] = []


def good(i: int) -> dict[str, Any]:
    return {
        "messages": [
            {"role": "system", "content": "You answer in one sentence."},
            {"role": "user", "content": f"What is {i} + {i}?"},
            {"role": "assistant", "content": f"{i} + {i} is {2 * i}."},
        ]
    }


def dumps(rec: Any) -> str:
    return json.dumps(rec, ensure_ascii=False)


def lines_with(bad: Any, at: int = 3, n: int = 10) -> str:
    """n good examples with `bad` (a record or a raw line) at 1-based line `at`."""
    out = [dumps(good(i)) for i in range(n)]
    out.insert(at - 1, bad if isinstance(bad, str) else dumps(bad))
    return "\n".join(out) + "\n"


# The service's verdict on each file: "processed" (uploads, the job trains), "rejected" (the
# upload's processing fails, status "error") or "job_fails" (uploads, then the job fails on
# a file format error). Errors are rejected at upload unless a case says otherwise.
JOB_FAILS = {"service": "job_fails", "source": "https://github.com/johny-b/llmcomp/issues/59"}


def case(name: str, data: str | bytes, code: str | None, line: int | None = None, **opts: Any) -> None:
    path = HERE / f"{name}.jsonl"
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    CASES.append({"file": path.name, "code": code, "line": line, **opts})


def msgs(*messages: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"messages": list(messages), **extra}


SYS = {"role": "system", "content": "Be brief."}
USER = {"role": "user", "content": "Hi"}
ASSIST = {"role": "assistant", "content": "Hello!"}
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
]


def call(args: Any, call_id: str = "call_1", name: str = "get_weather") -> dict[str, Any]:
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [{"id": call_id, "type": "function", "function": {"name": name, "arguments": args}}],
    }


def image(url: str, role: str = "user", **extra: Any) -> dict[str, Any]:
    return {
        "role": role,
        "content": [
            {"type": "text", "text": "What is this?"},
            {"type": "image_url", "image_url": {"url": url, **extra}},
        ],
    }


PNG = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 64).decode()


def build() -> None:
    base = "\n".join(dumps(good(i)) for i in range(10)) + "\n"
    # --- reading ---
    case("ok_utf8_bom", "\ufeff" + base, None)
    case("ok_crlf", base.replace("\n", "\r\n"), None)
    case("ok_no_final_newline", base.rstrip("\n"), None)
    case("blank_line", lines_with("", at=4), "blank_line", 4)
    case("whitespace_line", lines_with("   \t", at=6), "blank_line", 6)
    case("utf16_bom", base.encode("utf-16"), "utf16_file")
    case("utf16le_no_bom", base.encode("utf-16-le"), "utf16_file")
    case("utf32", base.encode("utf-32"), "utf16_file")
    case("binary_nul", b"\x00\x01\x02garbage\x00" * 20, "binary_file")
    case("gzip_archive", gzip.compress(base.encode(), mtime=0), "binary_file")
    case(
        "latin1_line",
        lines_with(dumps(good(99)).replace("99", "caf\u00e9"), at=3).encode("latin-1"),
        "not_utf8",
        3,
    )
    case("truncated_last_line", base + dumps(good(11))[:40], "truncated_last_line", 11)
    case(
        "invalid_json_trailing_comma",
        lines_with('{"messages": [{"role": "user", "content": "x"},]}', at=2),
        "invalid_json",
        2,
    )
    case("invalid_json_single_quotes", lines_with("{'messages': []}", at=5), "invalid_json", 5)
    case("json_array_line", lines_with("[1, 2, 3]", at=5), "not_an_object", 5)
    case("json_string_line", lines_with('"just text"', at=7), "not_an_object", 7)
    case("deeply_nested", lines_with("[" * 100_000 + "]" * 100_000, at=2), "invalid_json", 2)
    case("empty_file", "", "empty_file")
    case("only_blank_lines", "\n\n\n", "empty_file")
    # --- chat messages ---
    case("weight_zero_only_reply", lines_with(msgs(USER, {**ASSIST, "weight": 0})), "no_trained_assistant", 3)
    case("weight_two", lines_with(msgs(USER, {**ASSIST, "weight": 2})), "invalid_weight", 3)
    case(
        "weight_nan",
        lines_with(
            '{"messages": [{"role": "user", "content": "q"}, '
            '{"role": "assistant", "content": "a", "weight": NaN}]}'
        ),
        "invalid_weight",
        3,
    )
    case("weight_on_user", lines_with(msgs({**USER, "weight": 1}, ASSIST)), "weight_not_assistant", 3)
    case("content_null_user", lines_with(msgs({"role": "user", "content": None}, ASSIST)), "null_content", 3)
    case("content_missing", lines_with(msgs({"role": "user"}, ASSIST)), "missing_content", 3)
    case("content_number", lines_with(msgs({"role": "user", "content": 42}, ASSIST)), "invalid_content", 3)
    case(
        "ok_content_parts",
        lines_with(
            msgs(
                {
                    "role": "user",
                    "content": [{"type": "text", "text": "Hi"}, {"type": "text", "text": "there"}],
                },
                ASSIST,
            )
        ),
        None,
    )
    case(
        "content_part_unknown_type",
        lines_with(msgs({"role": "user", "content": [{"type": "audio", "data": "x"}]}, ASSIST)),
        "invalid_content_part",
        3,
    )
    case(
        "content_part_text_not_string",
        lines_with(msgs({"role": "user", "content": [{"type": "text", "text": 1}]}, ASSIST)),
        "invalid_content_part",
        3,
    )
    case(
        "endoftext_in_content",
        lines_with(msgs(USER, {"role": "assistant", "content": "Done.<|endoftext|>"})),
        "special_token",
        3,
        **JOB_FAILS,
    )
    # johny-b/llmcomp#59: "Example 6174 message contains an invalid token: <|fim_suffix|>."
    case(
        "fim_suffix_in_reply",
        lines_with(msgs(USER, {"role": "assistant", "content": "x = 1<|fim_suffix|>"}), at=7),
        "special_token",
        7,
        **JOB_FAILS,
    )
    case(
        "endofprompt_in_content_part",
        lines_with(
            msgs({"role": "user", "content": [{"type": "text", "text": "<|endofprompt|>Hi"}]}, ASSIST)
        ),
        "special_token",
        3,
        **JOB_FAILS,
    )
    case(
        "im_start_text_in_content",
        lines_with(msgs(USER, {"role": "assistant", "content": "<|im_start|>Hi"})),
        "special_token_text",
        3,
    )
    case(
        "ok_lone_surrogate_escape",
        lines_with(
            '{"messages": [{"role": "user", "content": "x\\ud800y"}, {"role": "assistant", "content": "ok"}]}'
        ),
        None,
    )
    case("unknown_role", lines_with(msgs({"role": "bot", "content": "x"}, ASSIST)), "unknown_role", 3)
    case("missing_role", lines_with(msgs({"content": "x"}, ASSIST)), "missing_role", 3)
    case(
        "no_assistant",
        lines_with(msgs(SYS, USER, {"role": "system", "content": "x"})),
        "no_assistant_message",
        3,
    )
    case("messages_not_list", lines_with({"messages": {"role": "user"}}), "messages_not_list", 3)
    case("messages_empty", lines_with({"messages": []}), "empty_messages", 3)
    case("message_not_object", lines_with({"messages": ["hello", ASSIST]}), "message_not_object", 3)
    case(
        "unknown_message_key", lines_with(msgs(USER, {**ASSIST, "thought": "hmm"})), "unknown_message_key", 3
    )
    case("unknown_top_level_key", lines_with(msgs(USER, ASSIST, id=7)), "unknown_top_level_key", 3)
    case("name_not_string", lines_with(msgs({**USER, "name": 5}, ASSIST)), "invalid_name", 3)
    case(
        "empty_assistant_reply",
        lines_with(msgs(USER, {"role": "assistant", "content": ""})),
        "empty_assistant",
        3,
    )
    case("duplicate_example", lines_with(good(1), at=9), "duplicate_example", 9)
    # --- tools and functions ---
    answer = {"role": "tool", "tool_call_id": "call_1", "content": '{"temp": 21}'}
    case(
        "ok_tool_round_trip",
        lines_with(
            msgs(
                USER,
                call('{"city": "Paris"}'),
                answer,
                {"role": "assistant", "content": "21 °C."},
                tools=TOOLS,
            )
        ),
        None,
    )
    case(
        "tool_arguments_not_json",
        lines_with(msgs(USER, call("{city: Paris}"), answer, ASSIST, tools=TOOLS)),
        "tool_arguments_not_json",
        3,
    )
    case(
        "tool_arguments_object",
        lines_with(msgs(USER, call({"city": "Paris"}), answer, ASSIST, tools=TOOLS)),
        "tool_arguments_not_json",
        3,
    )
    case(
        "unknown_tool_call_id",
        lines_with(
            msgs(USER, call('{"city": "Rome"}'), {**answer, "tool_call_id": "call_9"}, ASSIST, tools=TOOLS)
        ),
        "unknown_tool_call_id",
        3,
    )
    case(
        "tool_missing_call_id",
        lines_with(
            msgs(USER, call('{"city": "Rome"}'), {"role": "tool", "content": "{}"}, ASSIST, tools=TOOLS)
        ),
        "missing_tool_call_id",
        3,
    )
    case(
        "tool_calls_on_user",
        lines_with(msgs({**call("{}"), "role": "user", "content": "x"}, ASSIST)),
        "tool_calls_not_assistant",
        3,
    )
    case(
        "tool_call_missing_id",
        lines_with(
            msgs(
                USER,
                {
                    "role": "assistant",
                    "tool_calls": [
                        {"type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
                    ],
                },
                ASSIST,
                tools=TOOLS,
            )
        ),
        "invalid_tool_calls",
        3,
    )
    case(
        "undeclared_tool",
        lines_with(msgs(USER, call("{}", name="get_time"), answer, ASSIST, tools=TOOLS)),
        "undeclared_tool",
        3,
    )
    case(
        "fim_prefix_in_tool_arguments",
        lines_with(msgs(USER, call('{"city": "<|fim_prefix|>"}'), answer, ASSIST, tools=TOOLS)),
        "special_token",
        3,
        **JOB_FAILS,
    )
    described = [{**TOOLS[0], "function": {**TOOLS[0]["function"], "description": "Ends at <|endoftext|>."}}]
    case(
        "endoftext_in_tool_definition",
        lines_with(msgs(USER, ASSIST, tools=described)),
        "special_token",
        3,
        **JOB_FAILS,
    )
    case("tools_not_list", lines_with(msgs(USER, ASSIST, tools={"name": "x"})), "invalid_tools", 3)
    case(
        "function_call_bad_arguments",
        lines_with(
            msgs(
                USER,
                {"role": "assistant", "function_call": {"name": "get_weather", "arguments": "not json"}},
                {"role": "function", "name": "get_weather", "content": "{}"},
                ASSIST,
                functions=[{"name": "get_weather"}],
            )
        ),
        "invalid_function_call",
        3,
    )
    # --- images ---
    # A valid image trains, unless the service's screening drops it: a warning that says how many.
    case(
        "image_data_uri_screened",
        lines_with(msgs(image(PNG, detail="low"), ASSIST)),
        "images_may_be_dropped",
        model="gpt-4o",
        service="processed",
        source="https://learn.microsoft.com/en-us/azure/ai-services/openai/how-to/fine-tuning-vision",
    )
    case(
        "image_http_url",
        lines_with(msgs(image("http://example.com/cat.png"), ASSIST)),
        "invalid_image_url",
        3,
    )
    case(
        "image_ftp_url", lines_with(msgs(image("ftp://example.com/cat.png"), ASSIST)), "invalid_image_url", 3
    )
    case(
        "image_gif_data_uri",
        lines_with(msgs(image("data:image/gif;base64,R0lGODlhAQABAAAAACw="), ASSIST)),
        "unsupported_image_format",
        3,
    )
    case(
        "image_bmp_https",
        lines_with(msgs(image("https://example.com/cat.bmp"), ASSIST)),
        "unsupported_image_format",
        3,
    )
    case(
        "image_in_assistant",
        lines_with(msgs(USER, image("https://example.com/a.png", role="assistant"))),
        "image_in_assistant",
        3,
    )
    case(
        "image_bad_detail",
        lines_with(msgs(image("https://example.com/a.png", detail="ultra"), ASSIST)),
        "invalid_image_detail",
        3,
    )
    many = {
        "role": "user",
        "content": [
            {"type": "image_url", "image_url": {"url": f"https://example.com/{k}.png"}} for k in range(65)
        ],
    }
    case("too_many_images", lines_with(msgs(many, ASSIST)), "too_many_images", 3)
    # --- formats ---
    dpo = {
        "input": {"messages": [USER]},
        "preferred_output": [{"role": "assistant", "content": "Hello!"}],
        "non_preferred_output": [{"role": "assistant", "content": "Go away."}],
    }

    def dpo_file(bad, at=3):
        return (
            "\n".join(
                dumps(bad)
                if k == at - 1
                else dumps({**dpo, "input": {"messages": [{"role": "user", "content": f"Hi {k}"}]}})
                for k in range(11)
            )
            + "\n"
        )

    case("ok_dpo", dpo_file(dpo), None, method="dpo", model="gpt-4.1-mini")
    case(
        "dpo_output_without_assistant",
        dpo_file({**dpo, "preferred_output": [{"role": "tool", "content": "x", "tool_call_id": "c"}]}),
        "dpo_output_no_assistant",
        3,
    )
    case(
        "dpo_output_user_role",
        dpo_file({**dpo, "non_preferred_output": [USER, ASSIST]}),
        "dpo_output_role",
        3,
    )
    case(
        "dpo_missing_input", dpo_file({k: v for k, v in dpo.items() if k != "input"}), "invalid_dpo_input", 3
    )
    case(
        "dpo_missing_non_preferred",
        dpo_file({k: v for k, v in dpo.items() if k != "non_preferred_output"}),
        "invalid_dpo_output",
        3,
    )
    case(
        "dpo_identical_outputs",
        dpo_file({**dpo, "non_preferred_output": dpo["preferred_output"]}),
        "dpo_identical_outputs",
        3,
    )
    case(
        "fim_middle_in_dpo_output",
        dpo_file({**dpo, "preferred_output": [{"role": "assistant", "content": "Hello<|fim_middle|>"}]}),
        "special_token",
        3,
        method="dpo",
        model="gpt-4.1-mini",
        **JOB_FAILS,
    )
    case("dpo_file_for_gpt35", dpo_file(dpo), "method_not_supported", None, model="gpt-35-turbo")

    def rft(k):
        return {
            "messages": [
                {"role": "developer", "content": "Solve it."},
                {"role": "user", "content": f"{k} * 3 = ?"},
            ],
            "reference_answer": str(3 * k),
        }

    rft_file = "\n".join(dumps(rft(k)) for k in range(11)) + "\n"
    case("ok_reinforcement_grader_keys", rft_file, None, method="reinforcement", model="o4-mini")
    case("ok_reinforcement_detected", rft_file, None, model="o4-mini")
    bad_rft = rft_file.splitlines()
    bad_rft[4] = dumps({"messages": [{"role": "user", "content": "2 * 3?"}, ASSIST], "reference_answer": "6"})
    case(
        "reinforcement_ends_with_assistant",
        "\n".join(bad_rft) + "\n",
        "rft_last_not_user",
        5,
        method="reinforcement",
    )
    pc = "\n".join(dumps({"prompt": f"Q{k} ->", "completion": f" A{k}"}) for k in range(10)) + "\n"
    case("ok_prompt_completion", pc, None, model="babbage-002")
    case(
        "prompt_completion_not_string",
        pc + dumps({"prompt": "Q", "completion": 5}) + "\n",
        "invalid_prompt_completion",
        11,
        model="davinci-002",
    )
    case(
        "endoftext_in_completion",
        pc + dumps({"prompt": "Q ->", "completion": " A<|endoftext|>"}) + "\n",
        "special_token",
        11,
        model="davinci-002",
        **JOB_FAILS,
    )
    case(
        "prompt_completion_for_chat_model",
        pc,
        "wrong_format_for_method",
        1,
        model="gpt-4o-mini",
        method="supervised",
    )
    case("mixed_chat_and_dpo", lines_with(dpo, at=6), "mixed_formats", 6)
    case("unknown_format_record", lines_with({"text": "free text"}, at=8), "unknown_format", 8)
    case("chat_file_for_reinforcement", base, "rft_last_not_user", 1, method="reinforcement")
    # --- whole file ---
    case("too_few_examples", "\n".join(dumps(good(i)) for i in range(7)) + "\n", "too_few_examples")
    long = msgs(USER, {"role": "assistant", "content": "word " * 5000})
    case("over_context", lines_with(long, at=2), "over_context", 2, model="gpt-35-turbo-0613")
    (HERE / "expected.json").write_text(json.dumps(CASES, indent=1) + "\n")


if __name__ == "__main__":
    for old in HERE.glob("*.jsonl"):
        old.unlink()
    build()
    print(f"{len(CASES)} cases, {sum(c['code'] is not None for c in CASES)} malformed")
