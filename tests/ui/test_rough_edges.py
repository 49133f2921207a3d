"""Issue #14, wrong or lost information on the dashboard: each test failed before its fix."""

from __future__ import annotations

import pytest
from textual.widgets import Label

from aoft_tui.domain.models import JobStatus
from aoft_tui.ui.widgets.metric_chart import MetricChart

from .main_support import loaded, main_screen, make_app, select_job, settle, table, toasts


def _counts(pilot) -> str:
    return str(main_screen(pilot).query_one("#counts", Label).content)


async def test_counts_active_jobs_outside_the_filter(dashboard) -> None:
    jobs = table(dashboard).jobs.values()
    active_in_all = sum(job.status.is_active for job in jobs)
    assert active_in_all, "the seeded demo has a running job"
    await dashboard.press("slash", *"succeeded", "enter")
    await settle(dashboard)
    counts = _counts(dashboard)
    # `2 of 8 jobs · 0 active` hid the running job: the active count covers every job
    assert counts.endswith(f"0 active shown · {active_in_all} active in all"), counts
    await dashboard.press("slash", "escape")
    await settle(dashboard)
    assert _counts(dashboard) == f"{len(jobs)} jobs · {active_in_all} active"


async def test_cancel_refusal_is_grammatical(dashboard) -> None:
    job_id = await select_job(dashboard, lambda j: j.status is JobStatus.SUCCEEDED)
    await dashboard.press("c")
    await dashboard.pause()
    messages = [message for _, message in toasts(dashboard.app)]
    assert any(f"{job_id[-8:]} has already succeeded" in m for m in messages), messages
    assert not any("is succeeded" in m for m in messages)


async def test_compare_one_job_title_is_singular(dashboard) -> None:
    await select_job(dashboard, lambda j: j.status is JobStatus.SUCCEEDED)
    await dashboard.press("space", "m")
    await settle(dashboard)
    assert str(dashboard.app.screen.query_one("#compare-title", Label).content) == "Compare 1 job"


async def test_failed_job_preview_says_why_there_are_no_metrics(dashboard, seeded_service) -> None:
    await select_job(dashboard, lambda j: j.status is JobStatus.FAILED and not seeded_service.metrics(j.id))
    await settle(dashboard)
    chart = main_screen(dashboard).query_one(MetricChart)
    assert not chart.series
    assert "no metrics: the job failed before training" in str(chart.render())


async def test_preview_reloads_when_the_selected_job_finishes(
    dashboard, seeded_emulator, seeded_service
) -> None:
    """The side chart showed one point 25 minutes after the job finished, until the cursor
    moved away and back: a poll that changes the selected job's status must reload it."""
    job_id = await select_job(dashboard, lambda j: j.status is JobStatus.RUNNING)
    await settle(dashboard)
    chart = main_screen(dashboard).query_one(MetricChart)
    before = chart.point_count
    seeded_emulator.advance(3 * 3600)  # long enough for the running job to finish
    main_screen(dashboard).poll_now()
    for _ in range(50):
        await settle(dashboard)
        if table(dashboard).jobs[job_id].status.is_terminal:
            break
    await settle(dashboard)
    assert table(dashboard).jobs[job_id].status.is_terminal
    assert table(dashboard).selected_key == job_id, "the cursor never moved"
    after = chart.point_count
    final = len(seeded_service.metrics(job_id))
    assert after > before and final > 0
    xs, _ = next(iter(chart.series.values()))
    assert xs[-1] == max(p.step for p in seeded_service.metrics(job_id)), "the preview shows the last step"


async def test_failed_job_overview_says_why_there_are_no_metrics(seeded_service) -> None:
    from aoft_tui.ui.widgets.job_overview import JobOverview

    from .detail_support import DetailApp, job_with
    from .detail_support import settle as detail_settle

    job = job_with(seeded_service, JobStatus.FAILED)
    assert not seeded_service.metrics(job.id)
    app = DetailApp(seeded_service, job.id)
    async with app.run_test(size=(100, 40)) as pilot:
        await detail_settle(pilot)
        text = app.screen.query_one(JobOverview).plain_text()
        assert "no metrics: the job failed before training" in text
        assert "no metrics yet" not in text


def screen_lines(app) -> list[str]:
    """The screen as the user sees it, one string per row."""
    update = app.screen._compositor.render_full_update()
    return ["".join(segment.text for segment in strip) for strip in update.strips]


async def _checkpoints_screen(service, size):
    from .detail_support import DetailApp, job_with
    from .detail_support import settle as detail_settle

    job = job_with(service, JobStatus.SUCCEEDED)
    checkpoints = service.checkpoints(job.id)
    assert any(":ckpt-step-" in c.fine_tuned_model_checkpoint for c in checkpoints)
    app = DetailApp(service, job.id)
    return app, checkpoints, detail_settle


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)])
async def test_checkpoint_names_are_never_cut_into_another_name(seeded_service, size) -> None:
    """`…:ckpt-step-1` where the name ends `ckpt-step-10` is a wrong name: a name too long
    for the column loses its middle (an ellipsis), never its end, and the selected one is
    shown whole under the table."""
    import re

    from aoft_tui.ui.widgets.checkpoints_table import CheckpointsTable

    app, checkpoints, detail_settle = await _checkpoints_screen(seeded_service, size)
    async with app.run_test(size=size) as pilot:
        await detail_settle(pilot)
        await pilot.press("4")
        await detail_settle(pilot)
        table = app.screen.query_one(CheckpointsTable)

        def assert_name_ends_shown(row_of) -> list[str]:
            lines = screen_lines(app)
            for checkpoint in checkpoints:
                name = checkpoint.fine_tuned_model_checkpoint
                row = next((line for line in lines if row_of(checkpoint, line)), None)
                assert row is not None, f"no row for step {checkpoint.step}: {lines}"
                tail = name[-12:]
                assert re.search(re.escape(tail) + r"(\s|$)", row), f"the end of {name!r} is lost in {row!r}"
            return lines

        assert_name_ends_shown(lambda checkpoint, line: re.match(rf"^\s*{checkpoint.step}\s", line))
        # Scrolled fully right changes nothing: the end is always there. (The keys went to the
        # tab bar before, which 40 presses took round and back to this tab: nothing scrolled.)
        table.focus()
        for _ in range(40):
            if table.scroll_x >= table.max_scroll_x:
                break
            await pilot.press("right")
        await pilot.pause()
        assert table.scroll_x == table.max_scroll_x
        lines = assert_name_ends_shown(  # the step may be scrolled away: the row is told by its time
            lambda checkpoint, line: checkpoint.created_at.strftime("%Y-%m-%d %H:%M") in line
        )
        selected = table.selected_checkpoint()
        assert selected is not None
        whole = "".join(line.strip() for line in lines)
        assert selected.fine_tuned_model_checkpoint in whole.replace(" ", ""), "the full name is shown"


@pytest.mark.parametrize("width", [12, 17, 21, 24, 30, 45])
def test_summary_wraps_names_at_separators_never_mid_word(width) -> None:
    """`gpt-4o-mini-2024-07-1` / `8` read as another model: a value wraps after `-`, `.`, `:`
    (a part longer than the column folds only when it must)."""
    import re

    from aoft_tui.ui.widgets.job_summary import _wrap

    value = "gpt-4o-mini-2024-07-18.ft-0123456789abcdef0123456789abcdef-ux-test:ckpt-step-10"
    lines = _wrap(value, width)
    assert "".join(lines) == value, "nothing lost"
    assert all(len(line) <= width for line in lines)
    tokens = re.findall(r"[^-.:_/ ]+[-.:_/ ]?", value)
    for line, following in zip(lines, lines[1:], strict=False):
        cut_inside_token = line[-1].isalnum() and following[0].isalnum()
        if cut_inside_token:  # only a token too long for any line may be folded
            assert any(len(t) > width and line[-1] in t for t in tokens), (line, following)


async def test_jobs_table_uses_the_width_there_is_for_model_names(seeded_emulator, seeded_service) -> None:
    from aoft_tui.domain.job_columns import OUTPUT_WIDTH, TABLE_WIDTH

    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(200, 60)) as pilot:
        await loaded(pilot)
        jobs_table = table(pilot)
        job_id = await select_job(pilot, lambda j: bool(j.fine_tuned_model))
        name = jobs_table.jobs[job_id].fine_tuned_model
        shown = jobs_table.get_cell(job_id, "output")
        spare = jobs_table.scrollable_content_region.width - jobs_table.table_width
        assert len(shown) > OUTPUT_WIDTH, "the column grew into the empty columns beside it"
        assert shown == name or spare <= 1, f"{spare} columns left empty while {shown!r} is cut"
    async with make_app(seeded_service, seeded_emulator).run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        jobs_table = table(pilot)
        # no spare width at 120 columns: the column keeps its narrowest width, nothing overflows more
        assert jobs_table.table_width <= max(jobs_table.scrollable_content_region.width, TABLE_WIDTH)


async def test_events_wrap_under_the_message_column_at_80(start_detail) -> None:
    """A long message wrapped to column 0 broke the time column: continuation lines hang
    under the message."""
    import re

    from aoft_tui.domain.models import EventLevel, JobEvent
    from aoft_tui.ui.widgets.events_log import EventsLog

    from .detail_support import settle as detail_settle

    async with start_detail(JobStatus.SUCCEEDED, size=(80, 24)) as (pilot, job):
        app = pilot.app
        await pilot.press("3")
        log = app.screen.query_one(EventsLog)
        long = JobEvent(
            "e-long", job.created_at, EventLevel.ERROR, "The training file has a line that is " * 4
        )
        log.append([long])
        await detail_settle(pilot)
        lines = [line.text.rstrip() for line in log.lines]
        assert any("Completed results file" in line for line in lines)
        indent = len(log.format_event(long).plain) - len(long.message)
        wrapped = 0
        for line in lines:
            if not line.strip():
                continue
            if re.match(r"\d\d-\d\d \d\d:\d\d:\d\d  ", line):
                continue
            assert line.startswith(" " * indent) and line[indent] != " ", f"not under the message: {line!r}"
            wrapped += 1
        assert wrapped >= 2, "the long message and the results-file line wrapped"


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)])
async def test_chart_y_labels_are_evenly_spaced_nice_values(size) -> None:
    """`2.04 1.72 1.41 0.77 0.46` skipped 1.09 and read as uneven: the y axis gets
    explicit, evenly spaced round ticks."""
    import re
    from decimal import Decimal

    from textual.app import App

    class ChartApp(App[None]):
        def compose(self):
            yield MetricChart(title="loss", id="chart")

    xs = list(range(1, 301))
    ys = [0.46 + 1.58 * (1 - i / 300) ** 2 for i in range(300)]
    app = ChartApp()
    async with app.run_test(size=size) as pilot:
        chart = app.query_one(MetricChart)
        chart.show({"train_loss": (xs, ys), "valid_loss": (xs[::10], ys[::10])})
        await pilot.pause()
        text = chart.render().plain
        labels = re.findall(r"^\s*(-?[\d.]+)\s*┤", text, flags=re.M)
        assert len(labels) >= 3, text
        values = [Decimal(label) for label in labels]
        gaps = {a - b for a, b in zip(values, values[1:], strict=False)}
        assert len(gaps) == 1, f"uneven y labels {labels}"
        gap = gaps.pop()
        assert gap.normalize().as_tuple().digits[0] in (1, 2, 5), f"not a round step: {gap}"
        assert len({len(label.split(".")[-1]) if "." in label else 0 for label in labels}) == 1
        assert min(values) <= Decimal("0.8") and max(values) >= Decimal("1.6"), labels


@pytest.mark.parametrize(
    ("lo", "hi", "count"), [(0.12, 1.45, 2), (0.5, 0.52, 2), (0.46, 2.04, 8), (3.0, 3.004, 3)]
)
def test_nice_ticks_always_label_a_short_chart(lo, hi, count) -> None:
    from decimal import Decimal

    from aoft_tui.ui.widgets.metric_chart import nice_ticks

    ticks, labels = nice_ticks(lo, hi, count)
    assert len(ticks) >= 2 and all(lo - 1e-9 <= t <= hi + 1e-9 for t in ticks), (ticks, lo, hi)
    gaps = {Decimal(b) - Decimal(a) for a, b in zip(labels, labels[1:], strict=False)}
    assert len(gaps) == 1, labels


def test_summary_fills_a_line_before_folding_a_hash() -> None:
    from aoft_tui.ui.widgets.job_summary import _wrap

    job_id = "ftjob-34b9b5df9e7769b10f4205b4907a70c3"
    assert _wrap(job_id, 21) == ["ftjob-34b9b5df9e7769b", "10f4205b4907a70c3"]


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)])
async def test_detail_title_never_ends_in_a_dangling_arrow(seeded_service, size) -> None:
    from .detail_support import DetailApp, job_with
    from .detail_support import settle as detail_settle

    job = job_with(seeded_service, JobStatus.SUCCEEDED)
    assert job.fine_tuned_model
    app = DetailApp(seeded_service, job.id)
    async with app.run_test(size=size) as pilot:
        await detail_settle(pilot)
        title = screen_lines(app)[0].rstrip()
        assert job.id in title and "succeeded" in title
        assert not title.endswith("→")
        if "→" in title:  # the model after the arrow: whole, or without its middle (its end kept)
            shown = title.split("→ ")[1]
            assert len(shown) >= 12
            assert job.fine_tuned_model.endswith(shown.split("…")[-1])
        if size[0] >= 200:
            assert title.endswith(f"→ {job.fine_tuned_model}"), "whole where there is room"


def test_status_tones_stay_apart_and_paused_is_not_red_on_16_colours() -> None:
    """With TERM=xterm (16 colours) `yellow` came out bright red: the app's ANSI palette
    maps it to orange, which the 16-colour downgrade rounds to red."""
    from rich.color import Color, ColorSystem
    from rich.style import Style
    from textual.app import App

    from aoft_tui.ui.widgets.tones import TONE_STYLE

    names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]
    names += [f"bright_{n}" for n in names]
    ansi_theme = App().ansi_theme

    def sixteen(spec: str) -> str:
        colour = Style.parse(spec).color
        rgb = colour.get_truecolor(ansi_theme)
        return names[Color.from_rgb(*rgb).downgrade(ColorSystem.STANDARD).number]

    shown = {tone: sixteen(spec) for tone, spec in TONE_STYLE.items()}
    assert shown["paused"] in ("yellow", "bright_yellow", "magenta", "bright_magenta"), shown
    assert shown["paused"] != shown["error"]
    assert len(set(shown.values())) == len(shown), f"two tones look alike on 16 colours: {shown}"


async def test_chart_series_differ_by_marker_not_only_by_colour() -> None:
    """NO_COLOR: train and valid differed only by brightness and a third compare line was
    nearly invisible; each series gets its own marker, shown in the legend too."""
    from textual.app import App

    from aoft_tui.domain.models import FULL_VALID_LOSS, TRAIN_LOSS, VALID_LOSS

    class ChartApp(App[None]):
        def compose(self):
            yield MetricChart(title="loss", id="metrics")
            yield MetricChart(title="compare", id="jobs")

    xs = list(range(0, 200, 2))
    app = ChartApp()
    async with app.run_test(size=(120, 40)) as pilot:
        metrics = app.query_one("#metrics", MetricChart)
        metrics.show(
            {
                TRAIN_LOSS: (xs, [2 - x / 100 for x in xs]),
                VALID_LOSS: (xs[::5], [2.2 - x / 100 for x in xs[::5]]),
                FULL_VALID_LOSS: (xs[::20], [1.5 for _ in xs[::20]]),
            }
        )
        jobs = app.query_one("#jobs", MetricChart)
        jobs.show({f"ftjob-{i}": (xs, [i + x / 100 for x in xs]) for i in range(3)})
        await pilot.pause()
        for chart in (metrics, jobs):
            names = chart.series_names
            glyphs = [chart.legend_glyph(name) for name in names]
            assert len(set(glyphs)) == len(names), f"legend glyphs alike: {glyphs}"
            legend = chart.legend().plain
            assert all(glyph in legend for glyph in glyphs)
            plot = chart.render().plain.split("\n", 1)[1]
            for name in names[1:]:  # the first series is the braille line; the others show their marker
                marker = chart.marker_for(name)
                assert len(marker) == 1 and marker in plot, f"{name}: {marker!r} not drawn"


async def test_push_switches_say_on_or_off_in_text(seeded_service) -> None:
    """The push dialog's switches showed their state only by shading (lost under NO_COLOR)."""
    from textual.app import App
    from textual.widgets import Switch

    from aoft_tui.services.settings import Settings
    from aoft_tui.ui.screens.push_screen import PushScreen

    job_id = next(j.id for j in seeded_service.list_jobs() if j.status is JobStatus.SUCCEEDED)
    screen = PushScreen(seeded_service, job_id, Settings())

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(screen)

    app = Host()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        datasets, follow = screen.query_one("#datasets", Switch), screen.query_one("#follow", Switch)
        text = "\n".join(screen_lines(app))
        assert datasets.value and not follow.value
        assert "[x] on" in text and "[ ] off" in text, text
        follow.focus()
        await pilot.press("space")
        await pilot.pause()
        assert follow.value
        assert "\n".join(screen_lines(app)).count("[x] on") == 2


async def test_no_color_draws_every_series_in_the_foreground(monkeypatch) -> None:
    """Greyed by NO_COLOR, a red or magenta line was nearly invisible: all series are drawn in
    the foreground colour and told apart by their markers."""
    from textual.app import App

    monkeypatch.setenv("NO_COLOR", "1")

    class ChartApp(App[None]):
        def compose(self):
            yield MetricChart(title="compare", id="jobs")

    app = ChartApp()
    xs = list(range(0, 100, 2))
    async with app.run_test(size=(100, 30)) as pilot:
        chart = app.query_one(MetricChart)
        chart.show({f"ftjob-{i}": (xs, [i + x / 100 for x in xs]) for i in range(3)})
        await pilot.pause()
        assert app.no_color
        assert set(chart._colours().values()) == {"default"}
        assert "x = step" not in chart.legend().plain


async def test_summary_at_80x24_shows_every_row_and_the_end_of_names(seeded_emulator, seeded_service) -> None:
    """At 80×24 the wrapped names pushed the last rows (and the end of the fine-tuned model)
    out of the pane: when wrapping does not fit, long values lose their middle instead."""
    from aoft_tui.ui.widgets.job_summary import JobSummary

    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        job_id = await select_job(pilot, lambda j: bool(j.fine_tuned_model))
        await settle(pilot)
        summary = main_screen(pilot).query_one(JobSummary)
        shown = summary.render().plain.split("\n")
        assert len(shown) <= summary.size.height, "nothing below the pane's edge"
        assert shown[-1].startswith(" ") is False and shown[-1].split()[0] == "Progress", shown
        model = table(pilot).jobs[job_id].fine_tuned_model
        line = next(line for line in shown if line.startswith("Fine-tuned"))
        value = line.split(None, 1)[1].strip()
        assert "…" in value and model.endswith(value.split("…")[-1]) and model.startswith(value.split("…")[0])
    async with make_app(seeded_service, seeded_emulator).run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        job_id = await select_job(pilot, lambda j: bool(j.fine_tuned_model))
        await settle(pilot)
        text = main_screen(pilot).query_one(JobSummary).render().plain
        assert "…" not in text, "with room, names are wrapped whole"


def test_summary_one_line_drops_an_aside_before_cutting() -> None:
    from aoft_tui.ui.widgets.job_summary import _one_line

    assert _one_line("1h ago (2026-03-02 08:39 UTC)", 21) == "1h ago"
    assert _one_line("1h ago (2026-03-02 08:39 UTC)", 40) == "1h ago (2026-03-02 08:39 UTC)"
    assert _one_line("gpt-4.1-nano-2025-04-14.ft-abc-billing", 21).endswith("billing")


async def test_topbar_warning_colours_stay_apart_on_16_colours(dashboard) -> None:
    """`$warning` (orange) and `$error` both round to bright red on 16 colours: retrying
    looked like offline, and the demo label like an error."""
    from rich.color import Color, ColorSystem

    from aoft_tui.ui.widgets.connection import ConnectionIndicator

    indicator = main_screen(dashboard).query_one(ConnectionIndicator)

    def sixteen(widget) -> int:
        colour = widget.styles.color.rich_color
        rgb = colour.get_truecolor(dashboard.app.ansi_theme)
        return Color.from_rgb(*rgb).downgrade(ColorSystem.STANDARD).number

    indicator.state = "retrying"
    await dashboard.pause()
    retrying = sixteen(indicator)
    indicator.state = "offline"
    await dashboard.pause()
    offline = sixteen(indicator)
    demo = sixteen(main_screen(dashboard).query_one("#mode"))
    assert retrying != offline, "retrying and offline look alike"
    assert retrying in (3, 11) and demo in (3, 11), (retrying, demo)  # yellow / bright yellow


async def test_no_color_keeps_failed_readable(seeded_emulator, seeded_service, monkeypatch) -> None:
    """Under NO_COLOR red became a dark grey that vanished on the dark background: the status
    keeps no colour then, and `failed` stands out by weight and underline instead."""
    from aoft_tui.ui.widgets.jobs_table import JobsTable

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(seeded_service, seeded_emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        jobs = pilot.app.screen.query_one(JobsTable)
        row = next(
            i for i, job_id in enumerate(jobs.visible_ids) if jobs.jobs[job_id].status.value == "failed"
        )
        strip = jobs.render_line(row + 1 - jobs.scroll_offset.y)  # the header is line 0
        failed = [seg for seg in strip if "failed" in seg.text]
        assert failed and failed[0].style is not None
        assert failed[0].style.bold and failed[0].style.underline
        model = next(seg for seg in strip if seg.text.strip().startswith("gpt-"))
        assert failed[0].style.color == model.style.color  # as light as the row's other text
