"""A GGUF model run in-process through llama-cpp-python (`pip install 'blogqa[local]'`).

Used when `llm.gguf` (`--gguf PATH`, `BLOGQA_LLM_GGUF`) is set: no server at all, the same
prompt, citation and abstention rules as any OpenAI-compatible endpoint. `llama_cpp` is imported
only here, only when a GGUF file is asked for.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

from ..config import LLMSettings
from ..errors import LLMError
from .backend import JSON_REPLY, ChatBackend

MAX_TOKENS = 512  # longest answer generated locally


class LocalBackend(ChatBackend):
    """`complete` is the stream joined (llama.cpp generates the same way either way)."""

    def __init__(self, settings: LLMSettings, max_tokens: int | None = MAX_TOKENS):
        path = Path(os.path.expanduser(settings.gguf or ""))
        if not path.is_file():
            raise LLMError(f"{settings.gguf}: GGUF model file not found")
        try:
            import llama_cpp
        except ImportError:
            raise LLMError("--gguf needs llama-cpp-python: pip install 'blogqa[local]'") from None
        self.settings = settings
        self.path = path
        self.model = path.name
        self.max_tokens = max_tokens
        # The context must hold the sources, the rules, the question and the answer; the offline
        # token estimate can run low for a given model's tokenizer, so leave generous room.
        n_ctx = min(32768, max(4096, 2 * settings.context_tokens + 2048))
        try:
            self.llama = llama_cpp.Llama(model_path=str(path), n_ctx=n_ctx, verbose=False)
        except Exception as err:  # noqa: BLE001 - llama.cpp raises plain ValueError/RuntimeError
            raise LLMError(f"{path}: cannot load the GGUF model ({' '.join(str(err).split())})") from err
        # A GGUF without a chat template makes llama-cpp-python fall back to the llama-2 format,
        # which is wrong for Gemma; its "gemma" format is right but drops system messages.
        metadata = getattr(self.llama, "metadata", None) or {}
        self.merge_system = False
        if ("tokenizer.chat_template" not in metadata
                and str(metadata.get("general.architecture", "")).startswith("gemma")):
            self.llama.chat_format = "gemma"
            self.merge_system = True

    def stream(self, messages: list[dict], *, max_tokens: int | None = None, json: bool = False) -> Iterator[str]:
        if self.merge_system:
            messages = merge_system(messages)
        try:
            chunks = self.llama.create_chat_completion(
                messages=messages, temperature=self.settings.temperature, max_tokens=max_tokens or self.max_tokens,
                response_format=JSON_REPLY if json else None, stream=True)
            for chunk in chunks:
                choices = chunk.get("choices") or []
                text = (choices[0].get("delta") or {}).get("content") if choices else None
                if text:
                    yield text
        except Exception as err:  # noqa: BLE001 - llama.cpp raises plain ValueError/RuntimeError
            raise LLMError(f"{self.path.name}: generation failed ({' '.join(str(err).split())})") from err


def merge_system(messages: list[dict]) -> list[dict]:
    """System messages folded into the first user message (for models without a system role).

    >>> merge_system([{"role": "system", "content": "R"}, {"role": "user", "content": "Q"}])
    [{'role': 'user', 'content': 'R\\n\\nQ'}]
    """
    system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
    rest = [dict(m) for m in messages if m["role"] != "system"]
    if system:
        for m in rest:
            if m["role"] == "user":
                m["content"] = f"{system}\n\n{m['content']}"
                break
        else:
            rest.insert(0, {"role": "user", "content": system})
    return rest
