"""The new-job form in the real app (key n), against the emulator: fill it, start a job and
see it run; and every failure path ends in a clear message with no stray file or job."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static
from textual.widgets.select import InvalidSelectValueError

from aoft_tui.emulator.file_checks import FileVerdict
from aoft_tui.services.settings import load_settings
from aoft_tui.ui.app import AoftApp
from aoft_tui.ui.screens.new_job_dialogs import FilePickerScreen, PreflightReportScreen
from aoft_tui.ui.screens.new_job_screen import NewJobScreen
from tests.start.start_support import confirm_shown, open_form, wait_for

MODEL = "gpt-4o-mini-2024-07-18"
SIZE = (80, 24)


@pytest.fixture(autouse=True)
def _fast_file_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(NewJobScreen, "file_poll_interval", 0.05)


def fill(
    screen: NewJobScreen,
    *,
    model: str = MODEL,
    training: Path | None = None,
    validation: Path | None = None,
    **inputs: str,
) -> None:
    select = screen.query_one("#model-select", Select)
    try:
        select.value = model
    except InvalidSelectValueError:  # not in the resource's list: typed as free text
        select.value = "__other__"
        screen.query_one("#model-text", Input).value = model
    if training is not None:
        screen.query_one("#training", Input).value = str(training)
    if validation is not None:
        screen.query_one("#validation", Input).value = str(validation)
    for name, value in inputs.items():
        screen.query_one(f"#{name}", Input).value = value


async def submit_and_confirm(pilot: Pilot) -> None:
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: confirm_shown(pilot), "the confirm dialog")
    await pilot.press("y")


def outcome(screen: NewJobScreen) -> str:
    return str(screen.query_one("#outcome", Static).render())


def hold_file_processing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Uploaded files stay `running` on the emulator (real and simulated time alike)."""
    monkeypatch.setattr("aoft_tui.emulator.records.FILE_DONE_AFTER", 1e12)
    monkeypatch.setattr("aoft_tui.emulator.records.FILE_DONE_AFTER_REAL", 1e12)


def app_for(service) -> AoftApp:
    return AoftApp(service, load_settings())


async def test_start_a_job_with_the_keyboard_and_see_it_run(
    emulator, service, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(data_dir)  # the form resolves relative paths from where aoft-tui started
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        assert screen.focused is screen.query_one("#model-select")
        await pilot.press("enter", *"gpt-4o-mini", "enter")  # type-to-search in the open list
        assert screen.query_one("#model-select", Select).value == MODEL
        await pilot.press("tab", *"train.jsonl")  # training file
        await pilot.press("tab", *"valid.jsonl")  # validation file
        await pilot.press("tab", *"wx-1")  # suffix
        await pilot.press("tab", "tab", "3")  # past the method to epochs
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: confirm_shown(pilot), "the confirm dialog")
        message = str(app.screen.query_one("#confirm-message", Static).render())
        assert "billed tokens" in message and "$" in message
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "MainScreen", "the dashboard again")

        jobs = service.list_jobs()
        assert len(jobs) == 1
        job = jobs[0]
        assert (job.model, job.suffix, job.hyperparameters.get("n_epochs")) == (MODEL, "wx-1", 3)
        assert job.validation_file is not None
        table = app.screen.table
        await wait_for(
            pilot,
            lambda: table.selected_job is not None and table.selected_job.id == job.id,
            "the new job selected in the table",
        )
        statuses = set()
        for _ in range(60):  # simulated minutes: validating → queued → running
            emulator.advance(60)
            statuses.add(str(service.get_job(job.id).status))
            if "running" in statuses:
                break
        assert "running" in statuses, statuses


async def test_field_messages_and_files_required(service, data_dir: Path) -> None:
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        fill(screen, n_epochs="0", suffix="no spaces please")
        await pilot.pause()
        assert "from 1 to 50" in str(screen.query_one("#error-n_epochs", Static).render())
        assert "a-z, A-Z" in str(screen.query_one("#error-suffix", Static).render())
        assert screen.query_one("#beta", Input).disabled  # DPO only
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Choose the training file" in str(screen.query_one("#error-training", Static).render())
        assert app.screen is screen and "Fix the highlighted fields" in outcome(screen)
        assert screen.focused is screen.query_one("#training")
        screen.query_one("#method", Select).value = "dpo"
        await pilot.pause()
        assert not screen.query_one("#beta", Input).disabled
    assert service.list_files() == []


async def test_preflight_errors_block_with_the_report_one_key_away(service, data_dir: Path) -> None:
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        fill(screen, training=data_dir / "broken.jsonl")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "error(s)" in outcome(screen), "the pre-flight verdict")
        assert "Nothing was uploaded" in outcome(screen)
        await pilot.press("ctrl+r")
        assert isinstance(app.screen, PreflightReportScreen)
        report = str(app.screen.query_one("#report-body", Static).render())
        assert "broken.jsonl:13" in report and "assistant" in report
        await pilot.press("escape")
        assert app.screen is screen
        # v in the report opens the full validator on that file, already run.
        await pilot.press("ctrl+r", "v")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ValidateScreen", "the validator")
        assert app.screen.query_one("#validate-path", Input).value == str(data_dir / "broken.jsonl")
    assert service.list_files() == [] and service.list_jobs() == []


async def test_a_rejected_file_shows_azures_status_details_verbatim(
    service, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    details = "The file failed a server-side check: example 7 contains disallowed content."
    monkeypatch.setattr(
        "aoft_tui.emulator.store.check_training_file", lambda data, name: FileVerdict(details, None)
    )
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        fill(screen, training=data_dir / "train.jsonl")
        await submit_and_confirm(pilot)
        await wait_for(pilot, lambda: details in outcome(screen), "Azure's words")
        assert "aoft-tui validate" in outcome(screen)
        assert app.screen is screen and not screen.busy
    assert service.list_files() == [] and service.list_jobs() == []


async def test_a_400_from_create_is_explained_and_makes_nothing(service, data_dir: Path) -> None:
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        fill(screen, model="gpt-5-preview-2099", training=data_dir / "train.jsonl")
        await submit_and_confirm(pilot)
        await wait_for(pilot, lambda: "Request rejected" in outcome(screen), "the rejection")
        assert "No job was created" in outcome(screen)
        assert app.screen is screen
    assert service.list_jobs() == []


async def test_a_connection_reset_during_create_gives_exactly_one_job(
    emulator, service, big_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aoft_tui.ui.screens.new_job_widgets import SubmitProgress

    shown: list[tuple[str, str]] = []
    original = SubmitProgress.show

    def recording(self, p):
        original(self, p)
        shown.append((p.phase.value, str(self.query_one("#transfer").render())))

    monkeypatch.setattr(SubmitProgress, "show", recording)
    emulator.faults.schedule("reset_after", method="POST", path_contains="/fine_tuning/jobs", count=1)
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        fill(app.screen, training=big_file)
        await submit_and_confirm(pilot)
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "MainScreen", "the dashboard again")
    assert len(service.list_jobs()) == 1
    assert ("reset_after", "POST") in [(k, m) for k, m, _ in emulator.faults.injected]
    # What the user watched: bytes with rate and ETA, then Azure's processing, then the create.
    uploads = [text for phase, text in shown if phase == "uploading"]
    assert uploads and uploads[-1].startswith("1.") and "MiB / 1." in uploads[-1] and "ETA" in uploads[-1]
    phases = [phase for phase, _ in shown]
    assert phases.index("uploading") < phases.index("processing") < phases.index("creating")


async def test_cancelling_the_upload_leaves_no_file_and_no_job(
    service, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hold_file_processing(monkeypatch)  # the submit stays in flight until we cancel it
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        fill(screen, training=data_dir / "train.jsonl")
        await submit_and_confirm(pilot)
        phase = screen.query_one("#phase")
        await wait_for(pilot, lambda: "processing" in str(phase.render()), "the processing wait")
        await pilot.press("q")  # quitting now would strand the upload: refused, with advice
        assert app.is_running and app.screen is screen and screen.busy
        await pilot.press("escape")
        await wait_for(pilot, lambda: "Cancelled" in outcome(screen), "the cancel")
        assert "no job was created" in outcome(screen)
        assert app.screen is screen and not screen.busy
    assert service.list_files(purpose="fine-tune") == [] and service.list_jobs() == []


async def test_the_file_picker_fills_the_path(service, data_dir: Path) -> None:
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        screen.start_dir = data_dir
        screen.query_one("#training", Input).focus()
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, FilePickerScreen)
        tree = app.screen.query_one("#picker-tree")
        await wait_for(pilot, lambda: tree.last_line >= 3, "the folder listing")
        names = [str(line.label) for line in [tree.get_node_at_line(i) for i in range(tree.last_line + 1)]]
        assert "train.jsonl" in names
        for _ in range(names.index("train.jsonl")):
            await pilot.press("down")
        await pilot.press("enter")
        assert app.screen is screen
        assert screen.query_one("#training", Input).value == str(data_dir / "train.jsonl")


async def test_escape_abandons_a_slow_preflight(
    service, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from aoft_tui.services.start_job import preflight

    release, finished = threading.Event(), threading.Event()

    def slow_preflight(*args, **kwargs):
        release.wait(10)
        try:
            return preflight(*args, **kwargs)
        finally:
            finished.set()

    monkeypatch.setattr("aoft_tui.ui.screens.new_job_submit.preflight", slow_preflight)
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        fill(screen, training=data_dir / "train.jsonl")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.busy
        await pilot.press("escape")
        assert not screen.busy and "abandoned" in outcome(screen)
        release.set()
        await wait_for(pilot, finished.is_set, "the abandoned check to end")
        await pilot.pause(0.2)
        assert app.screen is screen  # the late result asks no question
    assert service.list_files() == []


async def test_the_tier_select_names_the_tier_that_will_be_sent_and_follows_the_model(service) -> None:
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        tier = screen.query_one("#training_type", Select)
        fill(screen, model="gpt-35-turbo-0125")
        await pilot.pause()
        assert tier.value == "standard" and "standard (default for gpt-35-turbo)" in str(
            tier.query_one("SelectCurrent #label", Static).render()
        )
        assert screen.form().training_type == "standard"
        fill(screen, model=MODEL)
        await pilot.pause()
        assert tier.value == "globalstandard" and "default for gpt-4o-mini" in str(
            tier.query_one("SelectCurrent #label", Static).render()
        )
        tier.value = "developer"  # the user's choice stays while the next model has that tier
        fill(screen, model="gpt-4.1-nano-2025-04-14")
        await pilot.pause()
        assert tier.value == "developer"
        fill(screen, model="gpt-35-turbo-0125")  # no developer tier: back to what will be sent
        await pilot.pause()
        assert tier.value == "standard"


async def test_the_reinforcement_section_appears_for_reinforcement_and_checks_the_grader(
    service, tmp_path: Path
) -> None:
    grader = tmp_path / "grader.json"
    grader.write_text(
        '{\n  "type": "string_check",\n  "name": "exact",\n  "input": "{{sample.output_text}}",\n'
        '  "reference": "{{item.answer}}",\n  "operation": "same"\n}\n'
    )
    app = app_for(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot)
        assert not screen.query_one("#rft").display
        fill(screen, model="o4-mini-2025-04-16")
        screen.query_one("#method", Select).value = "reinforcement"
        await pilot.pause()
        assert screen.query_one("#rft").display
        assert "needs a grader" in str(screen.query_one("#error-grader", Static).render())
        screen.query_one("#grader", Input).value = str(grader)
        await pilot.pause()
        assert (
            f"{grader}:6: operation: 'same' is not an operation. Fix: use one of eq, ne, like, ilike."
            in str(screen.query_one("#error-grader", Static).render())
        )
        grader.write_text(grader.read_text().replace('"same"', '"eq"'))
        screen.query_one("#grader", Input).value = str(grader) + " "  # typed again
        screen.query_one("#eval_samples", Input).value = "0"
        await pilot.pause()
        assert screen.query_one("#error-grader", Static).has_class("-empty")
        assert str(screen.query_one("#grader-info", Static).render()) == 'Grader: string_check "exact": eq'
        assert "1 or more" in str(screen.query_one("#error-eval_samples", Static).render())
