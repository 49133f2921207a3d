"""The connect dialog's writer: a profile appended, readable back, 0600 when it holds a key."""

from __future__ import annotations

import stat

import pytest

from aoft_tui.services.profile_writer import add_profile
from aoft_tui.services.settings import ConfigError, load_settings


def test_a_profile_with_a_key_is_written_readable_and_private(write_config) -> None:
    path = write_config('# my settings\n[wandb]\nentity = "team"\n')
    add_profile(
        "prod", "https://prod.cognitiveservices.azure.com/openai/v1/", api_key="s3cret", make_default=True
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith('default_profile = "prod"\n# my settings\n')  # comments kept
    settings = load_settings()
    assert (settings.profile, settings.endpoint) == ("prod", "https://prod.cognitiveservices.azure.com")
    assert settings.api_key is not None and settings.api_key.get_secret_value() == "s3cret"
    assert settings.wandb.entity == "team"


def test_an_entra_profile_holds_no_key_and_keeps_the_usual_mode(write_config) -> None:
    path = write_config("")
    path.chmod(0o644)
    add_profile("corp", "https://corp.openai.azure.com", auth="entra")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    settings = load_settings(profile="corp")
    assert settings.auth == "entra" and settings.api_key is None


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"name": "a b", "endpoint": "https://x.openai.azure.com", "api_key": "k"}, "use letters, digits"),
        ({"name": "a", "endpoint": "http://[::1", "api_key": "k"}, "the endpoint is not a valid URL"),
        ({"name": "a", "endpoint": "https://x.openai.azure.com"}, "needs the key itself or the variable"),
        (
            {"name": "a", "endpoint": "https://x.openai.azure.com", "api_key_env": "1X"},
            "not an environment variable",
        ),
        (
            {"name": "dev", "endpoint": "https://x.openai.azure.com", "api_key": "k"},
            "already has [profiles.dev]",
        ),
    ],
)
def test_bad_fields_are_refused_and_the_file_is_left_alone(write_config, kwargs, says) -> None:
    path = write_config('[profiles.dev]\nendpoint = "https://dev.openai.azure.com"\n')
    before = path.read_bytes()
    with pytest.raises(ConfigError) as err:
        add_profile(**kwargs)
    assert says in str(err.value) and path.read_bytes() == before
