"""Trusted proxies (server/proxies.py): the list's parsing, where it comes from (flag > env >
config > default) and a bad entry as one line. The behaviour behind nginx is in
tests/test_deploy_topology.py."""
from __future__ import annotations

import subprocess
import sys

import pytest

from blogqa.config import load_settings
from blogqa.errors import UsageError
from blogqa.server.proxies import trusted_proxies, uvicorn_value


@pytest.mark.parametrize("text, expected", [
    ("127.0.0.1", ("127.0.0.1",)),
    (" 127.0.0.1 , 10.0.0.0/8,", ("127.0.0.1", "10.0.0.0/8")),
    ("::1,fd00::/8", ("::1", "fd00::/8")),
    ("172.16.0.1/12", ("172.16.0.1/12",)),  # host bits set: still the network, as uvicorn reads it
    ("*", ("*",)),
    ("", ()),
])
def test_trusted_proxies_parses_addresses_and_networks(text, expected):
    assert trusted_proxies(text) == expected
    assert trusted_proxies(list(expected)) == expected


@pytest.mark.parametrize("bad", ["proxy.internal", "10.0.0.300", "10.0.0.0/33", "127.0.0.1 10.0.0.1"])
def test_a_bad_entry_is_a_usage_error_naming_it(bad):
    with pytest.raises(UsageError) as err:
        trusted_proxies(f"127.0.0.1,{bad}", where="forwarded_allow_ips")
    assert str(err.value).startswith(f"forwarded_allow_ips: {bad!r} is not an IP address or network")


def test_uvicorn_value_is_comma_separated():
    assert uvicorn_value(("127.0.0.1", "::1")) == "127.0.0.1,::1"
    assert uvicorn_value(()) == ""  # uvicorn then believes no peer


def test_settings_default_env_and_config(tmp_path):
    assert load_settings(env={}).server.forwarded_allow_ips == ("127.0.0.1", "::1")
    config = tmp_path / "c.toml"
    config.write_text('[server]\nforwarded_allow_ips = ["172.30.0.10"]\n')
    assert load_settings(str(config), env={}).server.forwarded_allow_ips == ("172.30.0.10",)
    env = {"BLOGQA_FORWARDED_ALLOW_IPS": "10.1.2.3, 10.9.0.0/16"}
    assert load_settings(str(config), env=env).server.forwarded_allow_ips == ("10.1.2.3", "10.9.0.0/16")
    assert load_settings(str(config), env={"BLOGQA_FORWARDED_ALLOW_IPS": ""}).server.forwarded_allow_ips == ()


@pytest.mark.parametrize("how", ["flag", "env", "config"])
def test_serve_refuses_a_bad_list_in_one_line_before_loading(tmp_path, how):
    args = [sys.executable, "-m", "blogqa", "serve", "--index", str(tmp_path / "never-opened")]
    env = {"PATH": "/usr/bin:/bin", "XDG_CONFIG_HOME": str(tmp_path)}
    if how == "flag":
        args += ["--forwarded-allow-ips", "127.0.0.1,proxy.internal"]
    elif how == "env":
        env["BLOGQA_FORWARDED_ALLOW_IPS"] = "127.0.0.1,proxy.internal"
    else:
        (tmp_path / "blogqa").mkdir()
        (tmp_path / "blogqa" / "config.toml").write_text('[server]\nforwarded_allow_ips = "127.0.0.1,proxy.internal"\n')
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "'proxy.internal' is not an IP address or network" in done.stderr
    assert ("--forwarded-allow-ips:" in done.stderr) == (how == "flag")
