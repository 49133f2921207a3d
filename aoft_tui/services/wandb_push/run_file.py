"""Read an offline run's `.wandb` transaction log back with the SDK's own record type.

The file is a LevelDB-style log (a 7-byte `:W&B` header, then 32 KiB blocks of
checksummed chunks) whose payloads are `wandb.proto.wandb_internal_pb2.Record`
messages. wandb 0.31 no longer ships a Python reader (the Go core writes the file), so
this small one decodes the framing and lets the SDK's protobuf parse each record.
A torn tail (a push killed mid-write) ends the scan instead of raising: every record
before it is intact, which is exactly what an idempotent re-push needs to know.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_HEADER = struct.Struct("<4sHB")  # ident, magic, version
_IDENT = b":W&B"
_MAGIC = 0xBEE1
_BLOCK = 32768
_CHUNK = struct.Struct("<IHB")  # checksum (crc32 of type+data), length, type
_FULL, _FIRST, _MIDDLE, _LAST = 1, 2, 3, 4


def iter_records(path: Path) -> Iterator[Any]:
    """Yield every intact `Record` of a `.wandb` file, in write order."""
    from wandb.proto import wandb_internal_pb2

    for payload in _iter_payloads(path):
        # stub missing: wandb ships no .pyi for its protobuf modules, whose classes (Record) are
        # built at import time in a protobuf-versioned submodule
        record = wandb_internal_pb2.Record()  # type: ignore[attr-defined]
        record.ParseFromString(payload)
        yield record


def _iter_payloads(path: Path) -> Iterator[bytes]:
    with path.open("rb") as fh:
        header = fh.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return
        ident, magic, _version = _HEADER.unpack(header)
        if ident != _IDENT or magic != _MAGIC:
            raise ValueError(f"{path}: not a W&B run file (header {header!r})")
        offset = _HEADER.size
        pending = bytearray()
        while True:
            room = _BLOCK - offset % _BLOCK
            if room < _CHUNK.size:  # block trailer: zero padding
                fh.read(room)
                offset += room
                continue
            head = fh.read(_CHUNK.size)
            if len(head) < _CHUNK.size:
                return
            checksum, length, kind = _CHUNK.unpack(head)
            data = fh.read(length)
            offset += _CHUNK.size + length
            if len(data) < length or zlib.crc32(bytes([kind]) + data) & 0xFFFFFFFF != checksum:
                return  # torn tail
            if kind == _FULL:
                yield data
            elif kind == _FIRST:
                pending = bytearray(data)
            elif kind == _MIDDLE:
                pending += data
            elif kind == _LAST:
                pending += data
                yield bytes(pending)
                pending = bytearray()
            else:
                return


@dataclass
class OfflineRun:
    """What one offline run file holds, decoded for tests and for resuming a push."""

    run_id: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    artifacts: list[Any] = field(default_factory=list)  # ArtifactRecord protos
    exit_code: int | None = None

    @property
    def steps(self) -> list[int]:
        return [row["_step"] for row in self.history if "_step" in row]

    def artifact(self, name: str) -> Any:
        matches = [a for a in self.artifacts if a.name == name]
        if not matches:
            raise KeyError(f"no artifact {name!r}; have {[a.name for a in self.artifacts]}")
        return matches[-1]


def read_run(path: Path) -> OfflineRun:
    """Decode the `.wandb` file at `path` (or the one inside a run directory)."""
    if path.is_dir():
        path = next(path.glob("*.wandb"))
    run = OfflineRun()
    for record in iter_records(path):
        kind = record.WhichOneof("record_type")
        if kind == "run":
            run.run_id = record.run.run_id
            _apply_config(run.config, record.run.config)
        elif kind == "config":
            _apply_config(run.config, record.config)
        elif kind == "history":
            row = {
                item.key or "/".join(item.nested_key): json.loads(item.value_json)
                for item in record.history.item
            }
            if record.history.HasField("step"):
                row.setdefault("_step", record.history.step.num)
            run.history.append(row)
        elif kind == "summary":
            for item in record.summary.update:
                run.summary[item.key or "/".join(item.nested_key)] = json.loads(item.value_json)
            for item in record.summary.remove:
                run.summary.pop(item.key or "/".join(item.nested_key), None)
        elif kind == "artifact":
            run.artifacts.append(record.artifact)
        elif kind == "exit":
            run.exit_code = record.exit.exit_code
    return run


def _apply_config(config: dict[str, Any], record: Any) -> None:
    for item in record.update:
        if item.key == "_wandb":
            continue
        value = json.loads(item.value_json)
        # wandb stores each config key as {"value": ..., "desc": ...} in newer formats
        config[item.key or "/".join(item.nested_key)] = value
    for item in record.remove:
        config.pop(item.key, None)
