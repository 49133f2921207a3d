"""Talk to a deployment (chat completions on the resource's data plane) and a quick eval.

The data plane takes the resource's API key, unlike the control plane. Used by `aoft-tui try`
and the try screen; the quick eval sends N examples' prompts to a fine-tuned deployment and
its base and scores both against the examples' answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from aoft_tui.services.endpoint import normalise_endpoint
from aoft_tui.services.error_mapping import translated_errors
from aoft_tui.services.errors import LocalFileError

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam


@dataclass
class Reply:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


class DeploymentChat:
    def __init__(
        self,
        endpoint: str,
        api_key: str,
        api_version: str,
        *,
        timeout: float = 60.0,
        token_provider: Callable[[], str] | None = None,
    ) -> None:
        import openai

        self._endpoint = normalise_endpoint(endpoint)
        self._secret = api_key
        self.api_version = api_version
        auth: dict[str, Any] = (
            {"azure_ad_token_provider": token_provider} if token_provider else {"api_key": api_key}
        )
        self._client = openai.AzureOpenAI(
            azure_endpoint=self._endpoint, **auth, api_version=api_version, timeout=timeout, max_retries=2
        )

    @classmethod
    def from_credentials(cls, credentials: Any, **kwargs: Any) -> DeploymentChat:
        """From FineTuningService.chat_credentials(): the same resource, key or Entra sign-in."""
        key = credentials.api_key.get_secret_value() if credentials.api_key else ""
        return cls(
            credentials.endpoint,
            key,
            credentials.api_version,
            token_provider=credentials.token_provider,
            **kwargs,
        )

    def _errors(self, deployment: str) -> Any:
        return translated_errors(
            endpoint=self._endpoint, subject=deployment, secret=self._secret, api_version=self.api_version
        )

    def ask(self, deployment: str, messages: list[dict[str, Any]]) -> Reply:
        with self._errors(deployment):
            answer = self._client.chat.completions.create(model=deployment, messages=_params(messages))
        usage = answer.usage
        return Reply(
            answer.choices[0].message.content or "",
            getattr(usage, "prompt_tokens", 0) or 0,
            getattr(usage, "completion_tokens", 0) or 0,
        )

    def stream(self, deployment: str, messages: list[dict[str, Any]]) -> Iterator[str]:
        """The answer's pieces as they arrive."""
        with self._errors(deployment):
            for chunk in self._client.chat.completions.create(
                model=deployment, messages=_params(messages), stream=True
            ):
                for choice in chunk.choices or ():
                    if choice.delta and choice.delta.content:
                        yield choice.delta.content

    def close(self) -> None:
        self._client.close()


def _params(messages: list[dict[str, Any]]) -> list[ChatCompletionMessageParam]:
    """Chat messages as read from a dataset or typed in: the API's message shape (unchecked here)."""
    return cast("list[ChatCompletionMessageParam]", messages)


def eval_examples(path: Path, n: int) -> list[tuple[list[dict[str, Any]], str]]:
    """The first `n` chat examples of a JSONL file: (messages before the last assistant turn,
    that turn's text). A line that is not a chat example is named, with its number."""
    examples: list[tuple[list[dict[str, Any]], str]] = []
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise LocalFileError(f"{path}: cannot read it ({exc.strerror}).") from None
    with handle:
        for number, line in enumerate(handle, 1):
            if len(examples) >= n:
                break
            if not line.strip():
                continue
            try:
                examples.append(_example(json.loads(line)))
            except (ValueError, KeyError, TypeError, AttributeError):
                raise LocalFileError(
                    f"{path}, line {number}: not a chat example with an assistant answer "
                    '({"messages": [..., {"role": "assistant", …}]}) nor a preference '
                    'example ({"input": {"messages": …}, "preferred_output": […]}). Fix the '
                    "line or check it with `aoft-tui validate`."
                ) from None
    if not examples:
        raise LocalFileError(f"{path}: no chat examples in it.")
    return examples


def _example(record: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
    """(prompt messages, reference answer) of a chat example, or of a DPO preference example
    (its input's messages, its preferred output): a DPO job's validation file is the latter."""
    if "messages" not in record and "preferred_output" in record:
        preferred = record["preferred_output"]
        answer = max(i for i, m in enumerate(preferred) if m.get("role") == "assistant")
        return list(record["input"]["messages"]), str(preferred[answer].get("content") or "")
    messages = record["messages"]
    last = max(i for i, m in enumerate(messages) if m.get("role") == "assistant")
    return messages[:last], str(messages[last].get("content") or "")


def quick_eval(
    chat: DeploymentChat, deployment: str, base: str | None, examples: list[tuple[list, str]]
) -> dict[str, Any]:
    """The whole evaluation at once (the CLI): the same steps as the evaluate screen's."""
    from aoft_tui.services.quick_eval import EvalRun, SideTotals, run_eval

    run = EvalRun(
        [SideTotals(deployment, None)] + ([SideTotals(base, None)] if base else []), planned=len(examples)
    )
    for _ in run_eval(chat.ask, run, examples):
        pass
    n = run.done
    return {
        "examples": n,
        "results": [
            {
                "deployment": side.deployment,
                "exact_match": side.exact,
                "examples": n,
                "exact_match_rate": round(side.exact / n, 4) if n else 0.0,
                "mean_similarity": round(side.mean_similarity, 4),
                "prompt_tokens": side.prompt_tokens,
                "completion_tokens": side.completion_tokens,
            }
            for side in run.sides
        ],
    }
