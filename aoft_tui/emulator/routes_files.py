"""Files and Uploads APIs."""

from __future__ import annotations

import base64
import binascii
import hashlib
import urllib.parse

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from aoft_tui.emulator.context import int_param, json_body, json_object_body, list_body, page_after, state
from aoft_tui.emulator.errors import bad_request, not_found
from aoft_tui.emulator.records import PartRec, UploadRec
from aoft_tui.emulator.views import file_json, upload_json

PURPOSES = (
    "fine-tune",
    "fine-tune-results",
    "assistants",
    "assistants_output",
    "batch",
    "batch_output",
    "evals",
    "evals_output",
)
UPLOADABLE = ("fine-tune", "assistants", "batch", "evals")
MAX_FILE_BYTES = 512 * 1024 * 1024  # Files API limit; larger files go through the Uploads API


def _purpose(value: object) -> str:
    if value not in UPLOADABLE:
        raise bad_request(f"Invalid purpose {value!r}: use one of {', '.join(UPLOADABLE)}.", param="purpose")
    return str(value)


async def list_files(request: Request) -> Response:
    st = state(request)
    purpose = request.query_params.get("purpose")
    if purpose is not None and purpose not in PURPOSES:
        raise bad_request(f"Invalid purpose {purpose!r}.", param="purpose")
    order = request.query_params.get("order", "desc")
    if order not in ("asc", "desc"):
        raise bad_request("order must be 'asc' or 'desc'.", param="order")
    limit = int_param(request, "limit", 10_000)
    with st.store.lock:
        now = st.store.settle()
        # insertion order breaks ties (a frozen clock gives many files the same created_at)
        files = [f for f in st.store.files.values() if purpose is None or f.purpose == purpose]
        rank = {f.id: i for i, f in enumerate(files)}
        files.sort(key=lambda f: (f.created_at, rank[f.id]), reverse=order == "desc")
        chosen, _ = page_after(files, request.query_params.get("after"), limit)
        data = [file_json(st.store, f, now) for f in chosen]
    return JSONResponse(list_body(data))


async def upload_file(request: Request) -> Response:
    st = state(request)
    async with request.form(max_part_size=MAX_FILE_BYTES) as form:
        upload = form.get("file")
        purpose = _purpose(form.get("purpose"))
        if upload is None or isinstance(upload, str):
            raise bad_request("A file is required (multipart field 'file').", param="file")
        content = await upload.read()
        filename = upload.filename or "upload.jsonl"
    rec = st.store.add_file(filename, purpose, content)
    body = file_json(st.store, rec, st.store.clock.now())
    return JSONResponse(body, status_code=201, headers={"Location": _location(request, f"files/{rec.id}")})


async def import_file(request: Request) -> Response:
    st = state(request)
    body = await json_object_body(request)
    purpose = _purpose(body.get("purpose"))
    filename, url = body.get("filename"), body.get("content_url")
    if not isinstance(filename, str) or not filename:
        raise bad_request("'filename' is required.", param="filename")
    if not isinstance(url, str) or not url.startswith(("http://", "https://", "data:")):
        raise bad_request("'content_url' must be an http(s) URL.", param="content_url")
    # The emulator is offline: a data: URL (base64) is imported, other URLs yield an error file.
    content = _data_url_content(url) if url.startswith("data:") else b""
    rec = st.store.add_file(filename, purpose, content)
    if not content:
        rec.status_details = f"Import of file failed: the emulator cannot download {url.split('?')[0]}."
    return JSONResponse(
        file_json(st.store, rec, st.store.clock.now()),
        status_code=201,
        headers={"Location": _location(request, f"files/{rec.id}")},
    )


def _data_url_content(url: str) -> bytes:
    """The bytes of a `data:[<type>][;base64],<data>` URL; a malformed one is the client's 400."""
    header, comma, data = url.partition(",")
    if not comma:
        raise bad_request("'content_url' is a data: URL without a ',' before its data.", param="content_url")
    if not header.endswith(";base64"):
        return urllib.parse.unquote_to_bytes(data)
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise bad_request(
            f"'content_url' is a data: URL whose data is not valid base64 ({exc}); encode "
            "the file with standard base64 (A-Z, a-z, 0-9, +, /, = padding).",
            param="content_url",
        ) from None


def _get(request: Request):
    st = state(request)
    file_id = request.path_params["file_id"]
    rec = st.store.files.get(file_id)
    if rec is None:
        raise not_found(f"File with id '{file_id}' not found.", param="file-id")
    return st, rec


async def get_file(request: Request) -> Response:
    st, rec = _get(request)
    with st.store.lock:
        return JSONResponse(file_json(st.store, rec, st.store.settle()))


async def delete_file(request: Request) -> Response:
    st, rec = _get(request)
    with st.store.lock:
        st.store.files.pop(rec.id, None)
    return JSONResponse({"object": "file", "deleted": True, "id": rec.id})


async def file_content(request: Request) -> Response:
    st, rec = _get(request)
    with st.store.lock:
        data = st.store.file_content(rec)
    return Response(data, media_type="application/octet-stream")  # what the spec's Files_GetContent produces


# --- Uploads API ---------------------------------------------------------------------------
async def start_upload(request: Request) -> Response:
    st = state(request)
    body = await json_object_body(request)
    purpose = _purpose(body.get("purpose"))
    for key in ("filename", "mime_type"):
        if not isinstance(body.get(key), str) or not body[key]:
            raise bad_request(f"'{key}' is required.", param=key)
    size = body.get("bytes")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0 or size > 9 * 1024**3:
        raise bad_request("'bytes' must be an integer up to 9 GB.", param="bytes")
    with st.store.lock:
        up = UploadRec(
            id=st.store.new_id("upload"),
            filename=body["filename"],
            purpose=purpose,
            size=size,
            mime_type=body["mime_type"],
            created_at=st.store.clock.now(),
        )
        st.store.uploads[up.id] = up
        out = upload_json(st.store, up, up.created_at)
    return JSONResponse(out, headers={"Location": _location(request, f"uploads/{up.id}")})


def _upload(request: Request) -> tuple:
    st = state(request)
    upload_id = request.path_params["upload_id"]
    up = st.store.uploads.get(upload_id)
    if up is None:
        raise not_found(f"Upload with id '{upload_id}' not found.", param="upload-id")
    if up.status == "pending" and st.store.clock.now() > up.expires_at:
        up.status = "expired"
    return st, up


async def add_part(request: Request) -> Response:
    st, up = _upload(request)
    if up.status != "pending":
        raise bad_request(
            f"Upload '{up.id}' is {up.status}; parts can only be added while it is pending.",
            code="unexpectedEntityState",
        )
    async with request.form(max_part_size=MAX_FILE_BYTES) as form:
        data = form.get("data")
        if data is None or isinstance(data, str):
            raise bad_request("A part is required (multipart field 'data').", param="data")
        content = await data.read()
    with st.store.lock:
        part_id = st.store.new_id("uplprt")
        block = base64.b64encode(hashlib.md5(part_id.encode()).digest()).decode()
        up.parts.append(PartRec(part_id, block, content))
        now = st.store.clock.now()
    return JSONResponse(
        {
            "object": "upload.part",
            "id": part_id,
            "created_at": int(now),
            "upload_id": up.id,
            "azure_block_id": block,
        }
    )


async def complete_upload(request: Request) -> Response:
    st, up = _upload(request)
    body = await json_body(request)
    ids = body.get("part_ids") if isinstance(body, dict) else None
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise bad_request("'part_ids' must be a non-empty list of part ids.", param="part_ids")
    if up.status != "pending":
        raise bad_request(
            f"Upload '{up.id}' is {up.status} and cannot be completed.", code="unexpectedEntityState"
        )
    by_id = {p.id: p for p in up.parts} | {p.block_id: p for p in up.parts}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise bad_request(f"Unknown part id(s): {', '.join(missing)}.", param="part_ids")
    content = b"".join(by_id[i].data for i in ids)
    if len(content) != up.size:
        raise bad_request(
            f"The parts add up to {len(content)} bytes, but the upload was created with bytes={up.size}.",
            param="part_ids",
        )
    md5 = body.get("md5")
    if md5 and md5 != hashlib.md5(content).hexdigest():
        raise bad_request("The md5 checksum does not match the uploaded content.", param="md5")
    with st.store.lock:
        rec = st.store.add_file(up.filename, up.purpose, content)
        up.file_id, up.status = rec.id, "completed"
        up.parts.clear()  # the bytes now live in the file; a state dir drops the part files
        out = upload_json(st.store, up, st.store.clock.now())
    return JSONResponse(out)


async def cancel_upload(request: Request) -> Response:
    st, up = _upload(request)
    if up.status != "pending":
        raise bad_request(
            f"Upload '{up.id}' is {up.status} and cannot be cancelled.", code="unexpectedEntityState"
        )
    with st.store.lock:
        up.status = "cancelled"
        up.parts.clear()
        out = upload_json(st.store, up, st.store.clock.now())
    return JSONResponse(out)


def _location(request: Request, rest: str) -> str:
    base = str(request.base_url).rstrip("/")
    prefix = "/openai/v1" if request.url.path.startswith("/openai/v1/") else "/openai"
    return f"{base}{prefix}/{rest}"


ROUTES = [
    Route("/files", list_files, methods=["GET"]),
    Route("/files", upload_file, methods=["POST"]),
    Route("/files/import", import_file, methods=["POST"]),
    Route("/files/{file_id}", get_file, methods=["GET"]),
    Route("/files/{file_id}", delete_file, methods=["DELETE"]),
    Route("/files/{file_id}/content", file_content, methods=["GET"]),
    Route("/uploads", start_upload, methods=["POST"]),
    Route("/uploads/{upload_id}/parts", add_part, methods=["POST"]),
    Route("/uploads/{upload_id}/complete", complete_upload, methods=["POST"]),
    Route("/uploads/{upload_id}/cancel", cancel_upload, methods=["POST"]),
]
