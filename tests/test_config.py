import pytest

from blogqa.config import load_settings
from blogqa.errors import UsageError


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_config(tmp_path):
    s = load_settings(env={"HOME": str(tmp_path)})
    assert s.index is None and s.k == 5 and not s.llm.configured


def test_never_reads_a_config_from_the_current_directory(tmp_path, monkeypatch):
    write(tmp_path / "config.toml", 'index = "from-cwd"\n')
    write(tmp_path / "blogqa.toml", 'index = "from-cwd"\n')
    monkeypatch.chdir(tmp_path)
    assert load_settings(env={"HOME": str(tmp_path / "home")}).index is None


def test_user_config_dir_then_env_file_then_explicit(tmp_path):
    home = tmp_path / "home"
    write(home / ".config" / "blogqa" / "config.toml", 'index = "user"\nk = 7\n')
    assert load_settings(env={"HOME": str(home)}).index == "user"
    env_file = write(tmp_path / "env.toml", 'index = "env-file"\n')
    assert load_settings(env={"HOME": str(home), "BLOGQA_CONFIG": str(env_file)}).index == "env-file"
    explicit = write(tmp_path / "explicit.toml", 'index = "explicit"\n')
    assert load_settings(str(explicit), env={"HOME": str(home), "BLOGQA_CONFIG": str(env_file)}).index == "explicit"


def test_environment_overrides_the_file(tmp_path):
    cfg = write(tmp_path / "c.toml", 'index = "file"\n[llm]\nmodel = "m-file"\nbase_url = "http://x/v1"\n')
    s = load_settings(str(cfg), env={"BLOGQA_INDEX": "env", "BLOGQA_LLM_MODEL": "m-env"})
    assert s.index == "env" and s.llm.model == "m-env" and s.llm.configured


def test_blogqa_llm_variables_alone_configure_an_llm():
    s = load_settings(env={"BLOGQA_LLM_BASE_URL": "http://127.0.0.1:1/v1", "BLOGQA_LLM_MODEL": "x", "HOME": "/nonexistent"})
    assert s.llm.configured and s.llm.base_url == "http://127.0.0.1:1/v1"


def test_openai_variables_are_honoured_but_blogqa_ones_win():
    s = load_settings(env={"OPENAI_API_KEY": "sk-o", "BLOGQA_LLM_API_KEY": "sk-b", "HOME": "/nonexistent"})
    assert s.llm.api_key == "sk-b"
    s = load_settings(env={"OPENAI_API_KEY": "sk-o", "HOME": "/nonexistent"})
    assert s.llm.api_key == "sk-o"


@pytest.mark.parametrize("text,needle", [("index = [", "invalid config"), ("colour = 1\n", "unknown setting")])
def test_bad_config_files_give_one_line_errors(tmp_path, text, needle):
    cfg = write(tmp_path / "bad.toml", text)
    with pytest.raises(UsageError) as err:
        load_settings(str(cfg), env={})
    assert needle in str(err.value) and str(cfg) in str(err.value)


def test_missing_explicit_config_is_an_error(tmp_path):
    with pytest.raises(UsageError, match="not found"):
        load_settings(str(tmp_path / "missing.toml"), env={})
