"""The emulator's model deployments: what the control plane creates and chat completions use.

Kept beside the Store (one registry per store, `registry_for(store)`) rather than inside it,
and saved to its own file in the state dir, so the fine-tuning state's format is untouched.
Time is the store's simulated clock: provisioning finishes, idle deployments expire and
Developer-tier ones reach their 24 h end as the demo clock moves.
"""

from __future__ import annotations

import json
import os
import threading
import weakref
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from aoft_tui.domain import catalog
from aoft_tui.emulator.store import Store

# The resource the emulator pretends to be (what `aoft-tui emulator` tells clients to export).
SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
RESOURCE_GROUP = "aoft-emulator"
ACCOUNT_NAME = "aoft-emulator"
LOCATION = "swedencentral"

PROVISION_SECONDS = 90.0  # Creating → Succeeded, in simulated seconds
IDLE_LIMIT_SECONDS = 15 * 86_400  # a fine-tuned deployment unused for 15 days is deleted
DEVELOPER_LIFETIME_SECONDS = 86_400  # Developer tier: a fixed 24 h
MAX_FINE_TUNED_DEPLOYMENTS = 5
FINE_TUNED_SKUS = ("Standard", "GlobalStandard", "Developer")
BASE_SKUS = ("Standard", "GlobalStandard")
FINE_TUNED_VERSION = "1"

STATE_FILE = "deployments.json"


@dataclass
class DeploymentRec:
    name: str
    model: str
    version: str
    sku: str
    capacity: int
    created_at: float
    ready_at: float
    last_used_at: float | None = None
    fine_tuned: bool = True
    operation_id: str = ""

    def state(self, now: float) -> str:
        return "Succeeded" if now >= self.ready_at else "Creating"

    def ends_at(self) -> float:
        """When Azure removes it: Developer tier at 24 h, others after 15 idle days."""
        if self.sku == "Developer":
            return self.created_at + DEVELOPER_LIFETIME_SECONDS
        if not self.fine_tuned:
            return float("inf")
        return max(self.created_at, self.last_used_at or self.created_at) + IDLE_LIMIT_SECONDS


class DeploymentRegistry:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.lock = threading.RLock()
        self.deployments: dict[str, DeploymentRec] = {}
        self._seq = 0

    @property
    def _path(self) -> Path | None:
        return Path(self.store.state_dir) / STATE_FILE if self.store.state_dir is not None else None

    def now(self) -> float:
        return self.store.clock.now()

    # --- reading ---------------------------------------------------------------------------
    def settle(self) -> float:
        """Drop deployments whose end (idle limit, Developer lifetime) has passed."""
        now = self.now()
        with self.lock:
            gone = [name for name, rec in self.deployments.items() if rec.ends_at() <= now]
            for name in gone:
                del self.deployments[name]
        if gone:
            self.save()
        return now

    def get(self, name: str) -> DeploymentRec | None:
        self.settle()
        with self.lock:
            return self.deployments.get(name)

    def all(self) -> list[DeploymentRec]:
        self.settle()
        with self.lock:
            return sorted(self.deployments.values(), key=lambda d: (d.created_at, d.name))

    def fine_tuned_count(self) -> int:
        return sum(rec.fine_tuned for rec in self.all())

    # --- changing --------------------------------------------------------------------------
    def create(
        self,
        name: str,
        model: str,
        version: str,
        sku: str,
        capacity: int,
        *,
        fine_tuned: bool,
        ready: bool = False,
    ) -> DeploymentRec:
        now = self.now()
        with self.lock:
            self._seq += 1
            rec = DeploymentRec(
                name=name,
                model=model,
                version=version,
                sku=sku,
                capacity=capacity,
                created_at=now,
                ready_at=now if ready else now + PROVISION_SECONDS,
                fine_tuned=fine_tuned,
                operation_id=f"op-{self._seq:04d}-{name}",
            )
            self.deployments[name] = rec
        self.save()
        return rec

    def delete(self, name: str) -> bool:
        with self.lock:
            existed = self.deployments.pop(name, None) is not None
        if existed:
            self.save()
        return existed

    def touch(self, name: str) -> None:
        """A chat call: the idle clock starts again."""
        with self.lock:
            rec = self.deployments.get(name)
            if rec is not None:
                rec.last_used_at = self.now()

    # --- models this resource can deploy -------------------------------------------------------
    def fine_tuned_source(self, model: str) -> Any:
        """The succeeded job that produced `model` (a fine-tuned model or one of its checkpoints)."""
        self.store.settle()
        base_name = model.split(":ckpt-step-", 1)[0]
        with self.store.lock:
            for job in self.store.jobs.values():
                if job.status == "succeeded" and job.fine_tuned_model in (model, base_name):
                    return job
        return None

    # --- persistence ---------------------------------------------------------------------------
    def save(self) -> None:
        path = self._path
        if path is None:
            return
        with self.lock:
            data = {"seq": self._seq, "deployments": [asdict(d) for d in self.deployments.values()]}
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, path)  # atomic: a kill mid-save leaves the previous file whole

    def load(self) -> bool:
        path = self._path
        if path is None or not path.is_file():
            return False
        data = json.loads(path.read_text())
        with self.lock:
            self._seq = int(data.get("seq", 0))
            self.deployments = {d["name"]: DeploymentRec(**d) for d in data.get("deployments", [])}
        return True

    def seed_demo(self) -> None:
        """The demo starts with its newest fine-tuned model deployed, and that model's base
        model beside it, so the try view has something to compare at once."""
        self.store.settle()
        with self.store.lock:
            done = [j for j in self.store.jobs.values() if j.status == "succeeded" and j.fine_tuned_model]
        if not done:
            return
        job = max(done, key=lambda j: j.finished_at or 0.0)
        suffix = job.suffix or "ft"
        model = job.fine_tuned_model
        assert model is not None  # every job in `done` has one
        self.create(
            f"{suffix}-demo",
            model,
            FINE_TUNED_VERSION,
            "Standard",
            1,
            fine_tuned=True,
            ready=True,
        )
        base = catalog.lookup(job.model)
        if base is not None:
            self.create(
                base.family,
                base.family,
                base.id.removeprefix(base.family + "-") or "1",
                "GlobalStandard",
                10,
                fine_tuned=False,
                ready=True,
            )


_REGISTRIES: weakref.WeakKeyDictionary[Store, DeploymentRegistry] = weakref.WeakKeyDictionary()
_REGISTRIES_LOCK = threading.Lock()


def registry_for(store: Store) -> DeploymentRegistry:
    """The one registry of `store`: loaded from the state dir, else seeded when the store
    holds jobs (the demo and `--seed-jobs`), else empty."""
    with _REGISTRIES_LOCK:
        registry = _REGISTRIES.get(store)
        if registry is None:
            registry = DeploymentRegistry(store)
            if not registry.load() and store.jobs:
                registry.seed_demo()
            _REGISTRIES[store] = registry
        return registry
