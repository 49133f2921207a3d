"""The Deployments view's `V` (quick evaluation) and `n` (continue training), driven with Pilot
on the emulator: its real chat answers, its real files."""

from __future__ import annotations

import json

from aoft_tui.domain import catalog
from tests.deploy.screen_support import open_deployments, select_fine_tuned_deployment, until
from tests.ui.main_support import loaded, make_app


async def _on_fine_tuned_deployment(pilot):
    await loaded(pilot)
    await open_deployments(pilot)
    screen = pilot.app.screen
    select_fine_tuned_deployment(screen)
    return screen, screen.selected


def _deployed_job(emu, model: str):
    with emu.store.lock:
        return next(j for j in emu.store.jobs.values() if j.fine_tuned_model == model)


def _chat_file(path, n: int) -> str:
    lines = [
        json.dumps(
            {
                "messages": [
                    {"role": "user", "content": f"question {i} about my invoice"},
                    {"role": "assistant", "content": f"answer {i}"},
                ]
            }
        )
        for i in range(n)
    ]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def _deploy_a_job_with_validation(emu, deployments):
    """The demo's deployed job has no validation file: deploy one that has (and its base)."""
    from aoft_tui.emulator import control_plane_state as cps

    with emu.store.lock:
        job = next(j for j in emu.store.jobs.values() if j.fine_tuned_model and j.validation_file)
    family = catalog.lookup(job.model).family
    deployments.deploy("with-validation", job.fine_tuned_model, sku="Developer")
    if not any(d.model == family for d in deployments.list()):
        deployments.deploy(
            f"base-{family}", family, sku="GlobalStandard", version=job.model.removeprefix(f"{family}-")
        )
    emu.advance(cps.PROVISION_SECONDS)
    return job


async def test_V_evaluates_on_the_jobs_validation_file_with_totals_and_cost(
    seeded_emulator, seeded_service, deployments
):
    from aoft_tui.ui.screens.eval_screen import EvalScreen, money

    job = _deploy_a_job_with_validation(seeded_emulator, deployments)
    async with make_app(seeded_service, seeded_emulator).run_test(size=(160, 40)) as pilot:
        screen, _ = await _on_fine_tuned_deployment(pilot)
        screen.query_one("#deployments").move_cursor(row=list(screen.items).index("with-validation"))
        deployment = screen.selected
        await pilot.press("S")
        await until(pilot, lambda: isinstance(pilot.app.screen, EvalScreen), "the evaluate screen")
        screen = pilot.app.screen
        field = screen.query_one("#eval-file")
        # the default: the job's validation file, downloaded
        await until(pilot, lambda: field.value.endswith(f"{job.validation_file}.jsonl"), "the default file")
        screen.query_one("#eval-n").value = "3"
        await pilot.click("#eval-go")
        await until(
            pilot,
            lambda: screen.finished,
            "the evaluation: " + str(screen.query_one("#eval-progress").render()),
        )
        run = screen.run
        assert run.done == 3 and not run.cancelled and len(run.sides) == 2  # fine-tuned and its base
        assert screen.query_one("#eval-results").row_count == 3
        totals = str(screen.query_one("#eval-totals").render())
        for side, model in zip(run.sides, (deployment.model, catalog.lookup(job.model).family), strict=True):
            rate = catalog.inference_price_per_million(model)
            expected = (side.prompt_tokens * rate[0] + side.completion_tokens * rate[1]) / 1e6
            assert side.prompt_tokens > 0 and f"{side.deployment}: exact match {side.exact}/3" in totals
            assert money(expected) in totals
        assert "Done: 3 examples" in str(screen.query_one("#eval-progress").render())


async def test_without_a_validation_file_it_asks_for_one(seeded_emulator, seeded_service):
    from aoft_tui.ui.screens.eval_screen import EvalScreen

    async with make_app(seeded_service, seeded_emulator).run_test(size=(160, 40)) as pilot:
        _, deployment = await _on_fine_tuned_deployment(pilot)
        assert not _deployed_job(seeded_emulator, deployment.model).validation_file  # the demo's
        await pilot.press("S")
        await until(pilot, lambda: isinstance(pilot.app.screen, EvalScreen), "the evaluate screen")
        screen = pilot.app.screen
        await until(
            pilot,
            lambda: "no validation file" in str(screen.query_one("#eval-progress").render()),
            "the note that there is no validation file",
        )
        assert screen.query_one("#eval-file").value == ""


async def test_esc_cancels_a_running_evaluation_keeping_what_was_done(
    seeded_emulator, seeded_service, tmp_path
):
    from aoft_tui.ui.screens.eval_screen import EvalScreen

    async with make_app(seeded_service, seeded_emulator).run_test(size=(160, 40)) as pilot:
        await _on_fine_tuned_deployment(pilot)
        await pilot.press("S")
        await until(pilot, lambda: isinstance(pilot.app.screen, EvalScreen), "the evaluate screen")
        screen = pilot.app.screen
        screen.query_one("#eval-file").value = _chat_file(tmp_path / "many.jsonl", 400)
        screen.query_one("#eval-n").value = "400"
        await pilot.click("#eval-go")
        await until(pilot, lambda: screen.run is not None and screen.run.done >= 1, "a first result")
        await pilot.press("escape")
        await until(pilot, lambda: screen.finished, "the cancellation")
        run = screen.run
        assert run.cancelled and 1 <= run.done < 400
        assert f"Cancelled after {run.done} of 400" in str(screen.query_one("#eval-progress").render())
        assert screen.query_one("#eval-results").row_count == run.done
        assert f"/{run.done}," in str(screen.query_one("#eval-totals").render())  # totals of what was done
        assert pilot.app.screen is screen  # the first esc only cancelled
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.screen is not screen, "leaving")


async def test_a_bad_line_is_named_and_nothing_runs(seeded_emulator, seeded_service, tmp_path):
    from aoft_tui.ui.screens.eval_screen import EvalScreen

    bad = tmp_path / "bad.jsonl"
    _chat_file(bad, 1)
    bad.write_text(bad.read_text() + '{"prompt": "x"}\n')  # line 2: not a chat example
    async with make_app(seeded_service, seeded_emulator).run_test(size=(160, 40)) as pilot:
        await _on_fine_tuned_deployment(pilot)
        await pilot.press("S")
        await until(pilot, lambda: isinstance(pilot.app.screen, EvalScreen), "the evaluate screen")
        screen = pilot.app.screen
        screen.query_one("#eval-file").value = str(bad)
        screen.query_one("#eval-n").value = "5"
        await pilot.click("#eval-go")
        await pilot.pause(0.1)
        shown = str(screen.query_one("#eval-progress").render())
        assert f"{bad}, line 2" in shown and screen.run is None


async def test_n_continues_training_from_the_deployed_model(seeded_emulator, seeded_service):
    from aoft_tui.ui.screens.new_job_screen import NewJobScreen

    async with make_app(seeded_service, seeded_emulator).run_test(size=(160, 40)) as pilot:
        _, deployment = await _on_fine_tuned_deployment(pilot)
        job = _deployed_job(seeded_emulator, deployment.model)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(pilot.app.screen, NewJobScreen), "the new-job form")
        form = pilot.app.screen
        assert form.prefill.model == deployment.model
        assert job.id in form.prefill_note and deployment.model in form.prefill_note


async def test_the_views_keys_are_in_its_key_bar_and_help(seeded_emulator, seeded_service):
    from aoft_tui.ui.screens.help_screen import HelpScreen

    async with make_app(seeded_service, seeded_emulator).run_test(size=(160, 40)) as pilot:
        screen, _ = await _on_fine_tuned_deployment(pilot)
        bar = str(screen.query_one("#keys").render())
        assert all(label in bar for label in ("⏎ Try", "S Evaluate", "n Continue", "X Delete")), bar
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "the help")
        rows = dict(pilot.app.screen.rows)
        assert rows["S"].startswith("Score it and its base") and rows["n"].startswith("A new fine-tuning job")
        assert any(keys.split()[0] == "X" and what == "Delete the deployment" for keys, what in rows.items())
        assert any(keys.split()[0] == "⏎" and what.startswith("Chat with it") for keys, what in rows.items())
