"""A deploy interrupted mid-provisioning (kill -9, Ctrl-C) is found as Creating, and the same
deploy run again finishes it without a second create. Real processes against the emulator."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from click.testing import CliRunner

from aoft_tui.cli import main
from aoft_tui.emulator import control_plane_state as cps
from tests.deploy.cli_support import deploy_and_wait


def _deploy_process(model: str, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aoft_tui",
            "deploy",
            model,
            "--name",
            name,
            "--sku",
            "Developer",
            "--wait",
            "--poll-interval",
            "0.05",
        ],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _until_creating(registry, name: str, process: subprocess.Popen) -> cps.DeploymentRec:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        rec = registry.get(name)
        if rec is not None:
            return rec
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    raise AssertionError("the deploy process never created the deployment")


def test_kill_9_mid_provisioning_then_deploy_again_finishes_it_once(arm_env, registry, ft_model):
    process = _deploy_process(ft_model, "killed")
    rec = _until_creating(registry, "killed", process)
    time.sleep(0.3)  # it is polling now (--wait), the clock frozen: still Creating
    assert process.poll() is None
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)

    listed = {r["name"]: r for r in json.loads(CliRunner().invoke(main, ["deployments", "--json"]).stdout)}
    assert listed["killed"]["state"] == "Creating"

    result = deploy_and_wait(arm_env, ft_model, "killed")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert (body["state"], body["created"]) == ("Succeeded", False)
    again = registry.get("killed")
    assert (again.operation_id, again.created_at) == (rec.operation_id, rec.created_at)  # the one create
    assert [d.name for d in registry.all()].count("killed") == 1


def test_ctrl_c_says_what_is_left_and_how_to_finish_or_remove_it(arm_env, registry, ft_model):
    process = _deploy_process(ft_model, "interrupted")
    _until_creating(registry, "interrupted", process)
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 130
    assert "interrupted may still be provisioning" in stderr and "aoft-tui undeploy interrupted" in stderr
    assert "Traceback" not in stderr and arm_env.api_key not in stderr
    assert registry.get("interrupted").state(registry.now()) == "Creating"  # left in Azure, as it says
