"""Settings layering: the config file, the SDK's environment variables over it, nothing else."""

from __future__ import annotations


from dataclasses import asdict

import pytest

from aoft_tui.services.settings import DEFAULT_API_VERSION, ConfigError, load_settings




def test_defaults_without_file_or_environment_mean_demo() -> None:
    settings = load_settings()
    assert settings.demo and settings.endpoint is None and settings.api_key is None
    assert settings.api_version == DEFAULT_API_VERSION
    assert settings.wandb.project == "OpenAI-Fine-Tune" and settings.keymap == {}


def test_the_file_is_read_and_the_environment_wins(write_config, monkeypatch) -> None:
    write_config(
        'endpoint = "https://file.openai.azure.com"\napi_key = "file-key"\napi_version = "2024-10-21"\n'
        '[keymap]\ncancel_job = "x"\n[wandb]\nentity = "team"\n[prices]\n"gpt-4.1-2025-04-14" = 25.0\n'
    )
    settings = load_settings()
    assert settings.endpoint == "https://file.openai.azure.com" and not settings.demo
    assert settings.api_key is not None and settings.api_key.get_secret_value() == "file-key"
    assert (settings.api_version, settings.keymap, settings.wandb.entity) == ("2024-10-21", {"cancel_job": "x"}, "team")
    assert settings.prices == {"gpt-4.1-2025-04-14": 25.0}

    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://env.openai.azure.com")
    monkeypatch.setenv("AZURE_OPENAI_KEY", "env-key")  # the older name counts too
    monkeypatch.setenv("OPENAI_API_VERSION", "2025-04-01-preview")
    settings = load_settings()
    assert settings.endpoint == "https://env.openai.azure.com"
    assert settings.api_key is not None and settings.api_key.get_secret_value() == "env-key"
    assert settings.api_version == "2025-04-01-preview"
    assert settings.keymap == {"cancel_job": "x"}  # what the environment doesn't set stays the file's

    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "new-name-key")  # the SDK's name wins over the old one
    assert load_settings().api_key.get_secret_value() == "new-name-key"  # type: ignore[union-attr]


def test_an_empty_variable_counts_as_unset(write_config, monkeypatch) -> None:
    write_config('endpoint = "https://file.openai.azure.com"\n')
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "")
    assert load_settings().endpoint == "https://file.openai.azure.com"


def test_unrelated_variables_are_not_settings(monkeypatch) -> None:
    for name, value in {"WANDB": "1", "KEYMAP": "x", "ENDPOINT": "https://nope", "PRICES": "{"}.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert settings.endpoint is None and settings.keymap == {} and settings.prices == {}


def test_the_key_never_shows_in_the_settings_repr(monkeypatch) -> None:
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "sk-very-secret")
    settings = load_settings()
    assert "sk-very-secret" not in repr(settings) and "sk-very-secret" not in str(asdict(settings))
    assert settings.api_key is not None and settings.api_key.get_secret_value() == "sk-very-secret"


def test_bad_toml_is_a_config_error_naming_the_file(write_config) -> None:
    path = write_config("endpoint = 'unterminated\n")
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert str(path) in str(err.value) and "Fix the file" in str(err.value)


@pytest.mark.parametrize(
    ("toml", "names"),
    [
        ("keymap = 3\n", "keymap must be a table"),
        ("[keymap]\ncancel_job = 1\n", "keymap.cancel_job must be a string"),
        ("[prices]\n\"gpt-4.1\" = \"cheap\"\n", "prices.gpt-4.1 must be a number"),
        ("endpoint = 42\n", "endpoint must be a string"),
        ("wandb = \"x\"\n", "wandb must be a table"),
        ("[wandb]\nmode = \"sometimes\"\n", "wandb.mode must be one of auto, online, offline"),
    ],
)
def test_a_value_of_the_wrong_shape_names_the_file_and_the_field(write_config, toml: str, names: str) -> None:
    path = write_config(toml)
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert str(path) in str(err.value) and names in str(err.value)


def test_a_misplaced_key_is_not_echoed_in_the_error(write_config) -> None:
    write_config("api_key = 123456789\n")
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert "api_key must be a string, got int" in str(err.value) and "123456789" not in str(err.value)


def test_numbers_are_prices_and_booleans_are_not(write_config) -> None:
    write_config('[prices]\n"a" = 3\n"b" = 2.5\n')
    assert load_settings().prices == {"a": 3.0, "b": 2.5}
    write_config('[prices]\n"a" = true\n')
    with pytest.raises(ConfigError):
        load_settings()
