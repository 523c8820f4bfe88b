"""Chat backends: the one interface every LLM call goes through, which backend to use, and calls
to any OpenAI-compatible chat API with retries.

    backend = get_backend(settings.llm)            # answers, rewrites, titles (the answer's limit)
    backend = api_backend(settings.llm, model)     # synth, summaries, closed book (no limit of ours)
    text = backend.complete(messages, max_tokens=128, json=False)
    for delta in backend.stream(messages): ...

A backend needs one method, `stream(messages, *, max_tokens=None, json=False)`; `complete` is that
stream joined, unless a backend has a one-request way (the OpenAI-compatible one does).
`max_tokens=None` means the backend's own limit (`backend.max_tokens`; None there: the server's);
`json=True` asks for a JSON object reply, and is dropped when a server refuses it.

Faults: timeouts, 429 and 5xx (and dropped connections) are retried with exponential backoff and
jitter within one overall deadline of `LLMSettings.timeout` seconds; everything else, and running
out of time or attempts, raises `LLMError` with a one-line message (server down, wrong model,
rejected key, ...). A local GGUF file goes through `local.LocalBackend` with the same interface.
"""
from __future__ import annotations

import dataclasses
import functools
import random
import time
from typing import Callable, Iterator, Protocol

from ..config import LLMSettings
from ..errors import LLMError, LLMTransientError, UsageError

ANSWER_MAX_TOKENS = 1024  # an answer longer than this is cut (small local models can ramble to n_ctx)
BACKOFF_BASE = 0.5   # seconds before the first retry (doubling, with jitter)
BACKOFF_CAP = 8.0
RETRY_STATUS = frozenset({408, 409, 425, 429})  # plus every 5xx
JSON_REPLY = {"type": "json_object"}


class ChatBackend(Protocol):
    """A chat model: one required method, `stream`. Failures raise LLMError (one line)."""

    model: str
    max_tokens: int | None

    def stream(self, messages: list[dict], *, max_tokens: int | None = None, json: bool = False) -> Iterator[str]:
        """The reply's text deltas as they arrive."""
        ...

    def complete(self, messages: list[dict], *, max_tokens: int | None = None, json: bool = False) -> str:
        """The whole reply."""
        return "".join(self.stream(messages, max_tokens=max_tokens, json=json))


# ---- choosing the backend ----------------------------------------------------------------

def use_llm(settings: LLMSettings, llm: bool | None) -> bool:
    """`llm=None`: the LLM when one is configured; `True`: insist (LLMError if none); `False`: never."""
    if llm is False:
        return False
    if settings.configured:
        return True
    if llm:
        raise LLMError(
            "no LLM configured: set BLOGQA_LLM_BASE_URL and BLOGQA_LLM_MODEL (or BLOGQA_LLM_API_KEY / "
            "OPENAI_API_KEY and a model), pass --base-url/--model or --gguf PATH, or drop --llm for the "
            "extractive answer")
    return False


@functools.lru_cache(maxsize=8)
def get_backend(settings: LLMSettings) -> ChatBackend:
    """The chat backend for these settings (cached: a GGUF model is loaded once per process)."""
    if settings.gguf:
        from .local import LocalBackend

        return LocalBackend(settings)
    return OpenAIBackend(settings)


def api_backend(settings: LLMSettings, model: str | None = None) -> OpenAIBackend:
    """The configured OpenAI-compatible server's backend for `model` (default: the configured one),
    with no reply limit of ours; UsageError when no server is configured."""
    settings = require_api(settings)
    return OpenAIBackend(dataclasses.replace(settings, model=model or settings.model, gguf=None), max_tokens=None)


def require_api(settings: LLMSettings) -> LLMSettings:
    """`settings` when they name an OpenAI-compatible server (a base URL or an API key), else UsageError."""
    if not (settings.base_url or settings.api_key):
        raise UsageError("no LLM configured: set BLOGQA_LLM_BASE_URL / BLOGQA_LLM_API_KEY (or OPENAI_API_KEY)")
    return settings


def openai_client(settings: LLMSettings, max_retries: int = 0):
    """The official `openai` client for these settings. Chat backends retry themselves
    (`max_retries=0`); the fine-tuning commands let the client retry."""
    import openai

    # Local servers need no key, but the client insists on one.
    return openai.OpenAI(base_url=settings.base_url or None, api_key=settings.api_key or "blogqa-no-key",
                         max_retries=max_retries, timeout=settings.timeout)


# ---- the OpenAI-compatible backend -------------------------------------------------------

class OpenAIBackend(ChatBackend):
    """Chat completions over the official `openai` client (OpenAI, Azure's v1 endpoint, Ollama,
    vLLM, llama.cpp's server, ...). Retries are ours: the client's own are turned off."""

    def __init__(self, settings: LLMSettings, max_tokens: int | None = ANSWER_MAX_TOKENS):
        if not settings.model:
            raise LLMError("no LLM model given: set BLOGQA_LLM_MODEL or pass --model")
        self.settings = settings
        self.model = settings.model
        self.max_tokens = max_tokens
        self.where = settings.base_url or "https://api.openai.com/v1"
        self.client = openai_client(settings)
        # OpenAI's reasoning models refuse `max_tokens` and want `max_completion_tokens`, which
        # many local servers do not know: start with the widely supported one, switch once if told.
        self.limit_param = "max_tokens"

    def _create(self, messages: list[dict], timeout: float, stream: bool, max_tokens: int | None, json: bool):
        import openai

        kwargs = {"model": self.model, "messages": messages, "temperature": self.settings.temperature,
                  "stream": stream, "timeout": timeout}
        limit = max_tokens or self.max_tokens
        if limit:
            kwargs[self.limit_param] = limit
        if json:
            kwargs["response_format"] = JSON_REPLY
        while True:
            try:
                return self.client.chat.completions.create(**kwargs)
            except openai.BadRequestError as err:
                if "max_tokens" in kwargs and "max_completion_tokens" in str(err):
                    self.limit_param = "max_completion_tokens"
                    kwargs["max_completion_tokens"] = kwargs.pop("max_tokens")
                elif "response_format" in kwargs:  # a server without JSON mode: ask in plain text
                    del kwargs["response_format"]
                else:
                    raise

    def complete(self, messages: list[dict], *, max_tokens: int | None = None, json: bool = False) -> str:
        """One non-streamed request, retried."""
        def attempt(timeout: float) -> str:
            response = self._create(messages, timeout, False, max_tokens, json)
            if not getattr(response, "choices", None):
                raise LLMError(f"the LLM server at {self.where} sent a reply without choices")
            return response.choices[0].message.content or ""

        return _with_retries(attempt, self.settings, self._error)

    def stream(self, messages: list[dict], *, max_tokens: int | None = None, json: bool = False) -> Iterator[str]:
        """Text deltas as they arrive. Failures before the first delta are retried like
        `complete`; a stream that breaks off later raises LLMError."""
        deadline = time.monotonic() + self.settings.timeout
        attempt = 0
        while True:
            started = False
            try:
                remaining = deadline - time.monotonic()
                if remaining <= 0.05:
                    raise self._error(None, attempt)
                response = self._create(messages, remaining, True, max_tokens, json)
                for chunk in response:
                    choices = getattr(chunk, "choices", None) or []
                    delta = getattr(choices[0], "delta", None) if choices else None
                    text = getattr(delta, "content", None) if delta is not None else None
                    if text:
                        started = True
                        yield text
                return
            except LLMError:
                raise
            except Exception as err:  # noqa: BLE001 - classified by _error, never swallowed
                failure = self._error(err, attempt + 1, broke_off=started)
                if started or not failure.retryable:
                    raise failure from err
                delay = _backoff(attempt, err)
                if time.monotonic() + delay >= deadline or attempt >= self.settings.max_retries:
                    raise failure from err
                time.sleep(delay)
                attempt += 1

    def models(self) -> list[str]:
        try:
            return sorted(m.id for m in self.client.models.list(timeout=min(10.0, self.settings.timeout)))
        except Exception:  # noqa: BLE001 - only used to improve an error message
            return []

    def _error(self, err: Exception | None, attempts: int, broke_off: bool = False) -> LLMError:
        """The one classification of a failed call (`err` None: out of time): LLMTransientError when
        the same request may succeed later (a timeout, a dropped connection, 408/409/425/429, 5xx),
        else LLMError; each with a one-line message."""
        import httpx
        import openai

        s, where = self.settings, self.where
        tries = f" after {attempts} attempt{'s' if attempts != 1 else ''}"
        if err is None or isinstance(err, (TimeoutError, httpx.TimeoutException, openai.APITimeoutError)):
            return LLMTransientError(f"the LLM server at {where} did not answer within {s.timeout:g}s{tries} "
                                     f"(model {self.model!r}); raise llm.timeout or check the server")
        if broke_off:
            return LLMError(f"the answer stream from {where} broke off: {_short(err)}")
        if isinstance(err, (ConnectionError, httpx.TransportError, openai.APIConnectionError)):
            return LLMTransientError(f"cannot connect to the LLM server at {where}{tries}: is it running and "
                                     f"is the base URL right? ({_short(err.__cause__ or err)})")
        status = getattr(err, "status_code", None)
        message = _server_message(err)
        if status in (401, 403):
            return LLMError(f"the LLM server at {where} rejected the API key ({status}): set "
                            f"BLOGQA_LLM_API_KEY or OPENAI_API_KEY")
        if status == 404 or (status in (400, 422) and "model" in message.lower()):
            available = self.models()
            if available and self.model not in available:
                shown = ", ".join(available[:12]) + (", ..." if len(available) > 12 else "")
                return LLMError(f"model {self.model!r} is not available at {where} (it has: {shown}); "
                                f"set BLOGQA_LLM_MODEL or --model")
            if status == 404 and not available:
                return LLMError(f"{where} has no chat completions endpoint or no model {self.model!r} "
                                f"(404: {message}); the base URL usually ends in /v1")
            return LLMError(f"the LLM server at {where} refused model {self.model!r} ({status}: {message})")
        if status == 429:
            return LLMTransientError(f"the LLM server at {where} is still rate-limiting (429){tries}: {message}")
        if status is not None and status >= 500:
            return LLMTransientError(f"the LLM server at {where} failed ({status}){tries}: {message}")
        if status is not None:
            kind = LLMTransientError if status in RETRY_STATUS else LLMError
            return kind(f"the LLM server at {where} refused the request ({status}): {message}")
        return LLMError(f"the LLM call to {where} failed: {_short(err)}")


def _with_retries(attempt: Callable[[float], str], settings: LLMSettings,
                  error: Callable[[Exception | None, int], LLMError]) -> str:
    """Run `attempt(timeout)` until it succeeds, the error is not retryable, `max_retries` retries
    are spent, or the overall deadline (`settings.timeout` from now) would pass."""
    deadline = time.monotonic() + settings.timeout
    tries = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0.05:
            raise error(None, tries)
        try:
            return attempt(remaining)
        except LLMError:
            raise
        except Exception as err:  # noqa: BLE001 - classified by `error`, never swallowed
            tries += 1
            failure = error(err, tries)
            if not failure.retryable:
                raise failure from err
            delay = _backoff(tries - 1, err)
            if tries > settings.max_retries or time.monotonic() + delay >= deadline:
                raise failure from err
            time.sleep(delay)


def _backoff(retry: int, err: Exception | None = None) -> float:
    """Exponential backoff with jitter (half fixed, half random); a server's Retry-After wins
    when it asks for longer (capped)."""
    base = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** retry))
    delay = base / 2 + random.uniform(0, base / 2)
    response = getattr(err, "response", None)
    header = None
    try:
        header = response.headers.get("retry-after") if response is not None else None
    except Exception:  # noqa: BLE001
        header = None
    if header:
        try:
            delay = max(delay, min(BACKOFF_CAP, float(header)))
        except ValueError:
            pass
    return delay


def _server_message(err: Exception) -> str:
    body = getattr(err, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return _short(inner["message"])
        if isinstance(inner, str):
            return _short(inner)
    return _short(getattr(err, "message", None) or err)


def _short(value, limit: int = 200) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

