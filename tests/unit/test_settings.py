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
    assert (settings.api_version, settings.keymap, settings.wandb.entity) == (
        "2024-10-21",
        {"cancel_job": "x"},
        "team",
    )
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
        ('[prices]\n"gpt-4.1" = "cheap"\n', "prices.gpt-4.1 must be a number"),
        ("endpoint = 42\n", "endpoint must be a string"),
        ('wandb = "x"\n', "wandb must be a table"),
        ('[wandb]\nmode = "sometimes"\n', "wandb.mode must be one of auto, online, offline"),
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


# --- #11: a config file that is not UTF-8 --------------------------------------------------


def test_a_config_file_that_is_not_utf8_is_one_config_error_naming_the_line(write_config) -> None:
    path = write_config("")
    path.write_bytes(b'endpoint = "https://x.openai.azure.com"\n# caf\xe9 in Latin-1\n')
    with pytest.raises(ConfigError) as err:
        load_settings()
    text = str(err.value)
    assert (
        f"{path}, line 2" in text
        and "not UTF-8" in text
        and "0xe9" in text
        and "Save the file as UTF-8" in text
    )


# --- #12: profiles ----------------------------------------------------------------------------

PROFILES = """
endpoint = "https://flat.openai.azure.com"
default_profile = "dev"

[wandb]
entity = "team"

[profiles.dev]
endpoint = "https://dev.openai.azure.com"
api_key_env = "DEV_AOAI_KEY"

[profiles.prod]
endpoint = "https://prod.cognitiveservices.azure.com/openai/v1"
auth = "entra"
api_version = "2024-10-21"
subscription_id = "00000000-0000-0000-0000-000000000000"
resource_group = "rg-ft"
account_name = "prod"
[profiles.prod.wandb]
project = "prod-ft"
"""


def test_the_default_profile_is_used_and_its_key_comes_from_the_named_variable(
    write_config, monkeypatch
) -> None:
    write_config(PROFILES)
    monkeypatch.setenv("DEV_AOAI_KEY", "dev-secret")
    settings = load_settings()
    assert (settings.profile, settings.endpoint, settings.auth) == (
        "dev",
        "https://dev.openai.azure.com",
        "key",
    )
    assert settings.api_key is not None and settings.api_key.get_secret_value() == "dev-secret"
    assert settings.profile_names == ("dev", "prod") and settings.wandb.entity == "team"
    assert "profiles.dev.endpoint" in settings.endpoint_source


def test_a_profile_chosen_by_name_or_variable_wins_and_refines_the_wandb_table(
    write_config, monkeypatch
) -> None:
    write_config(PROFILES)
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://env.openai.azure.com")
    assert (
        load_settings().endpoint == "https://env.openai.azure.com"
    )  # the default profile sits under the env
    for chosen in (
        lambda: load_settings(profile="prod"),
        lambda: (monkeypatch.setenv("AOFT_TUI_PROFILE", "prod"), load_settings())[1],
    ):
        settings = chosen()
        assert (
            settings.profile == "prod" and settings.auth == "entra" and settings.api_version == "2024-10-21"
        )
        assert settings.endpoint == "https://prod.cognitiveservices.azure.com/openai/v1"
        assert (settings.subscription_id, settings.resource_group, settings.account_name) == (
            "00000000-0000-0000-0000-000000000000",
            "rg-ft",
            "prod",
        )
        assert (settings.wandb.project, settings.wandb.entity) == ("prod-ft", "team")


def test_the_flat_config_keeps_working_beside_profiles(write_config) -> None:
    write_config(PROFILES.replace('default_profile = "dev"\n', ""))
    settings = load_settings()
    assert settings.profile is None and settings.endpoint == "https://flat.openai.azure.com"
    assert settings.profile_names == ("dev", "prod")


def test_an_unknown_profile_names_the_ones_there_are(write_config) -> None:
    path = write_config(PROFILES)
    with pytest.raises(ConfigError) as err:
        load_settings(profile="staging")
    text = str(err.value)
    assert (
        str(path) in text
        and "no profile 'staging'" in text
        and "dev, prod" in text
        and "[profiles.staging]" in text
    )


@pytest.mark.parametrize(
    ("toml", "names"),
    [
        ('[profiles.a]\nauth = "password"\n', "profiles.a.auth must be one of key, entra, azure-cli"),
        ("profiles = 1\n", "profiles must be a table"),
        ("[profiles]\na = 2\n", "profiles.a must be a table"),
        ('default_profile = "a"\n[profiles.a]\nendpoint = 3\n', "profiles.a.endpoint must be a string"),
    ],
)
def test_a_bad_profile_names_the_field(write_config, toml: str, names: str) -> None:
    write_config(toml)
    with pytest.raises(ConfigError) as err:
        load_settings(profile="a") if "auth" in toml else load_settings()
    assert names in str(err.value)


def test_a_profile_name_with_a_newline_is_one_line_of_error(write_config) -> None:
    """Found by the config fuzzer: `default_profile = "\\n"` broke the message over two lines."""
    from aoft_tui.services.settings import ConfigError, load_settings

    write_config('default_profile = "\\n"\n')
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert "\n" not in str(err.value) and '[profiles."\\n"]' in str(err.value)
