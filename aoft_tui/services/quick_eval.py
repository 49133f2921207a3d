"""The quick evaluation, one example at a time: for the evaluate screen's progress, table and
cancel button (the CLI's `try --eval` runs the same steps through `deployment_chat.quick_eval`).

Each example's prompt goes to the fine-tuned deployment and, if there is one, to a base
deployment; both answers are scored against the example's own assistant answer (exact match
and word-level similarity). Totals add tokens and, from the price table's inference prices,
what the calls cost (None, shown "n/a", when a model has no price).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aoft_tui.domain import catalog
from aoft_tui.domain.deployments import exact_match, text_similarity

Example = tuple[list[dict[str, Any]], str]  # (messages before the answer, the reference answer)


@dataclass(frozen=True)
class SideAnswer:
    text: str
    exact: bool
    similarity: float
    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True)
class ExampleResult:
    number: int  # 1-based, in file order
    prompt: str  # the last user message
    reference: str
    answers: tuple[SideAnswer, ...]  # fine-tuned first, then the base (when there is one)


@dataclass
class SideTotals:
    deployment: str
    model: str | None
    examples: int = 0
    exact: int = 0
    similarity_sum: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def add(self, answer: SideAnswer) -> None:
        self.examples += 1
        self.exact += answer.exact
        self.similarity_sum += answer.similarity
        self.prompt_tokens += answer.prompt_tokens
        self.completion_tokens += answer.completion_tokens

    @property
    def mean_similarity(self) -> float:
        return self.similarity_sum / self.examples if self.examples else 0.0

    def cost(self, prices: dict[str, float] | None = None) -> float | None:
        """USD for these calls at the price table's inference rates; None: no price known."""
        rate = catalog.inference_price_per_million(self.model, prices)
        if rate is None:
            return None
        return (self.prompt_tokens * rate[0] + self.completion_tokens * rate[1]) / 1_000_000


@dataclass
class EvalRun:
    """What one evaluation has done so far (all of it when it was not cancelled)."""

    sides: list[SideTotals]
    planned: int
    results: list[ExampleResult] = field(default_factory=list)
    cancelled: bool = False

    @property
    def done(self) -> int:
        return len(self.results)


def prompt_text(messages: list[dict[str, Any]]) -> str:
    user = [m for m in messages if m.get("role") == "user"]
    content = (user[-1] if user else messages[-1] if messages else {}).get("content") or ""
    if isinstance(content, list):  # content parts: keep the text ones
        content = " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return " ".join(str(content).split())


def run_eval(
    ask: Callable[[str, list[dict[str, Any]]], Any],
    run: EvalRun,
    examples: list[Example],
    cancelled: Callable[[], bool] = lambda: False,
) -> Iterator[ExampleResult]:
    """Ask each side each example's prompt, in order; yield each scored example as it is done.
    `ask(deployment, messages)` returns a deployment_chat.Reply. Stops (run.cancelled) before
    the next call once `cancelled()` is true: what was done stays in `run`."""
    for number, (messages, reference) in enumerate(examples, 1):
        answers = []
        for side in run.sides:
            if cancelled():
                run.cancelled = True
                return
            reply = ask(side.deployment, messages)
            answers.append(
                SideAnswer(
                    reply.text,
                    exact_match(reply.text, reference),
                    text_similarity(reply.text, reference),
                    reply.prompt_tokens,
                    reply.completion_tokens,
                )
            )
        for side, answer in zip(run.sides, answers, strict=True):
            side.add(answer)
        result = ExampleResult(number, prompt_text(messages), reference, tuple(answers))
        run.results.append(result)
        yield result


def cached_download(download: Callable[[str, Path], Path], file_id: str, folder: Path) -> Path:
    """A service file's content in `folder`, downloaded once (written aside, then renamed, so
    an interrupted download is never taken for the file)."""
    target = folder / f"{file_id}.jsonl"
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f"{file_id}.jsonl.part"
    download(file_id, partial)
    partial.replace(target)
    return target
