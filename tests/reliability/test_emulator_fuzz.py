"""Fuzzing the emulator's whole HTTP surface: every route and method, headers, query strings
and bodies (JSON near the real shapes, hostile JSON, multipart, raw bytes).

Whatever a client sends, the emulator answers, in time, with no 5xx (a client's mistake is
a 4xx in Azure's error shape), logs no traceback, and stays usable: the job and file lists
still answer 200 after every request, so no request can poison the state.

CI runs a ~20 s slice; `AOFT_FUZZ_EXAMPLES=10000 pytest tests/reliability/test_emulator_fuzz.py`
runs a long one (the number of cases is printed with `-s`).
"""

from __future__ import annotations

import json
import logging
import os
import re
import urllib.parse

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aoft_tui.emulator.embedded import EmbeddedEmulator

from .process_support import API_VERSION, MODEL, TRAINING_TYPE, chat_lines

EXAMPLES = int(os.environ.get("AOFT_FUZZ_EXAMPLES", "1200"))  # ~15 s here
# The CI slice draws the same cases every run (no flaky CI); a long run (AOFT_FUZZ_EXAMPLES) explores.
DERANDOMIZE = "AOFT_FUZZ_EXAMPLES" not in os.environ
ROUTES = [
    ("GET", "/files"),
    ("POST", "/files"),
    ("POST", "/files/import"),
    ("GET", "/files/{file}"),
    ("DELETE", "/files/{file}"),
    ("GET", "/files/{file}/content"),
    ("POST", "/uploads"),
    ("POST", "/uploads/{upload}/parts"),
    ("POST", "/uploads/{upload}/complete"),
    ("POST", "/uploads/{upload}/cancel"),
    ("GET", "/fine_tuning/jobs"),
    ("POST", "/fine_tuning/jobs"),
    ("GET", "/fine_tuning/jobs/{job}"),
    ("DELETE", "/fine_tuning/jobs/{job}"),
    ("POST", "/fine_tuning/jobs/{job}/cancel"),
    ("POST", "/fine_tuning/jobs/{job}/pause"),
    ("POST", "/fine_tuning/jobs/{job}/resume"),
    ("GET", "/fine_tuning/jobs/{job}/events"),
    ("GET", "/fine_tuning/jobs/{job}/checkpoints"),
    ("GET", "/models"),
    ("GET", "/models/{model}"),
]
METHODS = ["GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO"]
WEIRD = [
    "",
    " ",
    "..",
    "%2e%2e",
    "%00",
    "%ff%fe",
    "a" * 3000,
    "ftjob-",
    "file-../../etc",
    "é",
    "\u202e",
    "-1",
    "1e400",
    "null",
    "[]",
    "{}",
    "%",
    "?x=1",
    "#frag",
    ";",
    "%0d%0a",
]

# Number texts json.dumps cannot write (non-finite, or too big for a float), spliced in raw.
RAW_NUMBERS = ["1e400", "-1e999", "Infinity", "-Infinity", "NaN", "1" + "0" * 400, "1" * 5000]
_RAW = "\x00raw:"
_NUMBERS = st.one_of(
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, -1, 1, 2**31, 2**63, 1e308]),
    st.sampled_from(RAW_NUMBERS).map(lambda text: _RAW + text),
)
_SCALARS = st.one_of(st.none(), st.booleans(), _NUMBERS, st.text(max_size=40), st.sampled_from(WEIRD))
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
_HP_VALUES = st.one_of(
    _JSON,
    st.sampled_from(["auto", 1, 3, 0.5, 1e-9, 256, 51]),
    st.sampled_from(RAW_NUMBERS).map(lambda text: _RAW + text),
)


def _dumps(value) -> bytes:
    text = json.dumps(value)
    return re.sub(r'"\\u0000raw:([^"]*)"', r"\1", text).encode()


class World:
    """The emulator under test and ids of things that exist in it."""

    def __init__(self, emu: EmbeddedEmulator) -> None:
        self.emu = emu
        self.http = httpx2.Client(base_url=emu.endpoint, timeout=10)
        auth = {"api-key": emu.api_key}
        q = {"api-version": API_VERSION}
        reply = self.http.post(
            "/openai/files",
            params=q,
            headers=auth,
            files={"file": ("t.jsonl", chat_lines(20))},
            data={"purpose": "fine-tune"},
        )
        self.file_id = reply.json()["id"]
        emu.advance(60)
        self.job_id = self.http.post(
            "/openai/fine_tuning/jobs",
            params=q,
            headers=auth,
            json={"model": MODEL, "training_file": self.file_id, "trainingType": TRAINING_TYPE},
        ).json()["id"]
        self.upload_id = self.http.post(
            "/openai/uploads",
            params=q,
            headers=auth,
            json={"purpose": "fine-tune", "filename": "u.jsonl", "bytes": 10, "mime_type": "text/jsonl"},
        ).json()["id"]
        self.cases = 0


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    errors: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.ERROR:
                errors.append(record)

    handler = Collect()
    logging.getLogger("uvicorn").addHandler(handler)
    logging.getLogger("aoft_tui").addHandler(handler)
    with EmbeddedEmulator(
        seed_jobs=4, speed=0, seed=11, state_dir=tmp_path_factory.mktemp("fuzz-state")
    ) as emu:
        w = World(emu)
        w.errors = errors
        yield w
        w.http.close()
    logging.getLogger("uvicorn").removeHandler(handler)
    logging.getLogger("aoft_tui").removeHandler(handler)
    print(f"\nfuzzed the emulator with {w.cases} requests")


@st.composite
def requests(draw, world: World) -> dict:
    method, template = draw(st.sampled_from(ROUTES))
    if draw(st.integers(0, 9)) == 0:
        method = draw(st.sampled_from(METHODS))
    ids = {"file": world.file_id, "job": world.job_id, "upload": world.upload_id, "model": MODEL}
    path = template
    for name, real in ids.items():
        if "{" + name + "}" in path:
            value = draw(st.one_of(st.just(real), st.sampled_from(WEIRD), st.text(max_size=30)))
            path = path.replace("{" + name + "}", urllib.parse.quote(value, safe="%"))  # raw %-escapes stay
    prefix = draw(
        st.sampled_from(["/openai", "/openai", "/openai/v1", "", "/openai/deployments/x", "/OPENAI"])
    )
    params: dict = {}
    version = draw(
        st.sampled_from([API_VERSION, API_VERSION, "2024-10-21", "preview", None, "", "2099-01-01", "é"])
    )
    if version is not None:
        params["api-version"] = version
    for name in draw(st.lists(st.sampled_from(["limit", "after", "purpose", "order", "x"]), max_size=3)):
        params[name] = draw(
            st.one_of(st.text(max_size=20), st.integers(-5, 200).map(str), st.sampled_from(WEIRD))
        )
    headers = {}
    key = draw(st.sampled_from(["right", "right", "right", "bearer", "wrong", "none"]))
    if key == "right":
        headers["api-key"] = world.emu.api_key
    elif key == "bearer":
        headers["authorization"] = f"Bearer {world.emu.api_key}"
    elif key == "wrong":
        # (what h11 lets a client send: no blank edges)
        headers["api-key"] = draw(
            st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
        ).strip()
    if draw(st.booleans()):
        headers["idempotency-key"] = draw(st.text(alphabet="abc-1", max_size=8))
    # mostly the body the route reads, so requests get past the first check; sometimes any body
    kinds = ["none", "create", "json", "raw", "multipart", "upload", "import"]
    fitting = {
        "/fine_tuning/jobs": "create",
        "/files/import": "import",
        "/uploads": "upload",
        "/complete": "upload",
        "/parts": "multipart",
        "/files": "multipart",
    }
    fit = next((kind for end, kind in fitting.items() if template.endswith(end)), None)
    body_kind = fit if fit and method == "POST" and draw(st.integers(0, 3)) else draw(st.sampled_from(kinds))
    content: bytes | None = None
    files = data = None
    if body_kind == "create":
        body = {
            "model": MODEL if draw(st.integers(0, 4)) else draw(_JSON),
            "training_file": world.file_id if draw(st.integers(0, 4)) else draw(_JSON),
            "trainingType": TRAINING_TYPE,
        }  # valid mostly, so creates get past the tier check
        for field in draw(
            st.lists(
                st.sampled_from(
                    [
                        "validation_file",
                        "suffix",
                        "seed",
                        "hyperparameters",
                        "method",
                        "integrations",
                        "trainingType",
                    ]
                ),
                max_size=3,
            )
        ):
            body[field] = draw(_JSON)
        if draw(st.booleans()):
            hp = draw(
                st.dictionaries(
                    st.sampled_from(["n_epochs", "batch_size", "learning_rate_multiplier", "beta", "x"]),
                    _HP_VALUES,
                    max_size=3,
                )
            )
            kind = draw(st.sampled_from(["supervised", "dpo", "reinforcement", "top"]))
            if kind == "top":
                body["hyperparameters"] = hp
            else:
                body["method"] = {"type": kind, kind: {"hyperparameters": hp}}
        content = _dumps(body)
    elif body_kind == "json":
        content = _dumps(draw(_JSON))
    elif body_kind == "raw":
        content = draw(
            st.one_of(
                st.binary(max_size=200),
                st.sampled_from(
                    [
                        b"[" * 5000,
                        b'{"a":' * 3000,
                        b"NaN",
                        b'{"purpose": Infinity}',
                        b"1e400",
                        b"\xff\xfe",
                        b'{"x": 1',
                    ]
                ),
            )
        )
    elif body_kind == "multipart":
        files = {
            draw(st.sampled_from(["file", "data", "x"])): (
                draw(st.text(max_size=20)) or "f",
                draw(st.binary(max_size=100)),
            )
        }
        data = {
            "purpose": draw(st.one_of(st.sampled_from(["fine-tune", "batch", "evals"]), st.text(max_size=10)))
        }
    elif body_kind == "upload":
        content = _dumps(
            {
                "purpose": draw(st.sampled_from(["fine-tune", "x"])),
                "filename": draw(st.one_of(st.just("u.jsonl"), _JSON)),
                "bytes": draw(_JSON),
                "mime_type": draw(st.one_of(st.just("text/jsonl"), _JSON)),
                "part_ids": draw(_JSON),
                "md5": draw(_JSON),
            }
        )
    elif body_kind == "import":
        url = draw(
            st.one_of(
                st.text(max_size=40),
                st.builds(
                    lambda head, tail: f"data:{head},{tail}",
                    st.sampled_from(["", ";base64", "text/plain;base64", "x"]),
                    st.text(max_size=40),
                ),
            )
        )
        content = json.dumps(
            {"purpose": "fine-tune", "filename": draw(st.text(max_size=10)), "content_url": url}
        ).encode()
    if content is not None and draw(st.integers(0, 3)):
        headers["content-type"] = draw(
            st.sampled_from(
                [
                    "application/json",
                    "text/plain",
                    "multipart/form-data",
                    "multipart/form-data; boundary=x",
                    "application/x-www-form-urlencoded",
                ]
            )
        )
    return {
        "method": method,
        "url": prefix + path,
        "params": params,
        "headers": headers,
        "content": content,
        "files": files,
        "data": data,
    }


def test_no_request_breaks_the_emulator(world):
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=DERANDOMIZE,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(st.data())
    def case(data):
        req = data.draw(requests(world))
        world.cases += 1
        reply = world.http.request(
            req["method"],
            req["url"],
            params=req["params"],
            headers=req["headers"],
            content=req["content"],
            files=req["files"],
            data=req["data"],
        )
        assert reply.status_code < 500, (req, reply.status_code, reply.text[:500])
        if (
            reply.status_code >= 400
            and req["method"] != "HEAD"
            and reply.headers.get("content-type", "").startswith("application/json")
        ):
            error = reply.json()["error"]
            assert isinstance(error["code"], str) and isinstance(error["message"], str), reply.text
        assert not world.errors, [r.getMessage() for r in world.errors]
        if req["method"] not in ("GET", "HEAD"):
            for listing in ("/openai/fine_tuning/jobs", "/openai/files"):
                check = world.http.get(
                    listing, params={"api-version": API_VERSION}, headers={"api-key": world.emu.api_key}
                )
                assert check.status_code == 200, (req, listing, check.text[:500])

    case()


def test_the_fuzzed_state_reloads(world):
    """Everything the fuzzing left behind is a state the next start loads without a warning."""
    world.emu.store.save()
    with EmbeddedEmulator(speed=0, seed=11, state_dir=world.emu.store.state_dir) as again:
        assert again.store.load_warnings == []
        assert again.job_count() == world.emu.job_count()
