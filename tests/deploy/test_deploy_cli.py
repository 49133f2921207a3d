"""`aoft-tui deploy | deployments | undeploy | try` against the emulator (both planes)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from aoft_tui.cli import main
from tests.deploy.cli_support import deploy_and_wait


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def _succeeded_job(emu) -> tuple[str, str]:
    with emu.store.lock:
        job = next(j for j in emu.store.jobs.values() if j.status == "succeeded" and j.fine_tuned_model)
    return job.id, job.fine_tuned_model


def test_deploy_a_job_by_id_and_wait(arm_env):
    job_id, model = _succeeded_job(arm_env)
    result = deploy_and_wait(arm_env, job_id, "cli-one")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert (body["name"], body["model"], body["state"], body["created"]) == (
        "cli-one",
        model,
        "Succeeded",
        True,
    )
    assert (
        body["hosting_cost_usd"] == 0.0 and 23.0 < body["hours_left_if_idle"] < 25.0
    )  # the CLI reads the wall clock, the emulator its own


def test_deploy_twice_says_it_already_exists(arm_env):
    _, model = _succeeded_job(arm_env)
    assert run("deploy", model, "--name", "twice", "--sku", "Standard").exit_code == 0
    result = run("deploy", model, "--name", "twice", "--sku", "Standard")
    assert result.exit_code == 0 and "already exists" in result.stdout and "nothing new" in result.stdout


def test_deployments_lists_creating_ones_with_cost(arm_env):
    _, model = _succeeded_job(arm_env)
    run("deploy", model, "--name", "in-flight", "--sku", "Standard")
    creating = {r["name"]: r for r in json.loads(run("deployments", "--json").stdout)}
    assert creating["in-flight"]["state"] == "Creating"  # an unfinished deploy is visible
    arm_env.advance(2 * 3600)
    by_name = {r["name"]: r for r in json.loads(run("deployments", "--json").stdout)}
    assert by_name["in-flight"]["state"] == "Succeeded"
    assert by_name["in-flight"]["hosting_cost_usd"] == round(1.70 * by_name["in-flight"]["hours_hosted"], 2)
    table = run("deployments").stdout
    assert "in-flight" in table and "LEFT IF IDLE" in table


def test_refusal_is_one_line_exit_1(arm_env):
    _, model = _succeeded_job(arm_env)
    result = run("deploy", model, "--name", "x", "--sku", "Standard")
    assert result.exit_code == 1 and "InvalidResourceName" in result.stderr and "2-64" in result.stderr
    result = run("deploy", "gpt-4o-mini-2024-07-18.ft-0000-nope", "--name", "bad", "--sku", "Standard")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Request rejected: DeploymentModelNotSupported")
    assert "Traceback" not in result.output and arm_env.api_key not in result.output


def test_deploy_without_resource_names_exit_2(arm_env, monkeypatch):
    # a resource group and account can be found from the endpoint; a subscription cannot
    monkeypatch.delenv("AZURE_RESOURCE_GROUP")
    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID")
    result = run("deploy", "m", "--name", "n", "--sku", "Standard")
    assert (
        result.exit_code == 2
        and "AZURE_SUBSCRIPTION_ID" in result.stderr
        and "subscription_id" in result.stderr
    )


def test_undeploy_needs_yes_without_a_terminal_then_deletes(arm_env, registry):
    name = registry.all()[0].name
    refused = run("undeploy", name)
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    assert run("undeploy", name, "--yes").stdout.startswith(f"Deleted deployment {name}")
    assert "nothing to delete" in run("undeploy", name, "--yes").stdout


def test_try_shows_fine_tuned_and_base_answers_side_by_side(arm_env, registry):
    ft = next(d for d in registry.all() if d.fine_tuned).name
    base = next(d for d in registry.all() if not d.fine_tuned).name
    result = run("try", ft, "--base", base, "--prompt", "I need help with my refund", "--json")
    assert result.exit_code == 0, result.output
    answers = {a["deployment"]: a["answer"] for a in json.loads(result.stdout)["answers"]}
    assert "Settings > Support" in answers[ft]  # like its training data
    assert "general-purpose assistant" in answers[base]


def test_try_eval_scores_both(arm_env, registry, tmp_path):
    ft_rec = next(d for d in registry.all() if d.fine_tuned)
    job = registry.fine_tuned_source(ft_rec.model)
    data = tmp_path / "eval.jsonl"
    data.write_bytes(arm_env.store.files[job.training_file].content)
    base = next(d for d in registry.all() if not d.fine_tuned).name
    result = run("try", ft_rec.name, "--base", base, "--eval", str(data), "--n", "5", "--json")
    assert result.exit_code == 0, result.output
    ft_side, base_side = json.loads(result.stdout)["results"]
    assert ft_side["examples"] == 5 and ft_side["exact_match"] >= 1  # its own training answers come back
    assert base_side["exact_match"] == 0 and ft_side["mean_similarity"] > base_side["mean_similarity"]
    assert ft_side["prompt_tokens"] > 0


def test_try_eval_bad_line_names_file_and_line(arm_env, tmp_path):
    data = tmp_path / "bad.jsonl"
    data.write_text(
        '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}\nnot json\n'
    )
    result = run("try", "any", "--eval", str(data))
    assert result.exit_code == 1 and f"{data}, line 2" in result.stderr and "Traceback" not in result.output
