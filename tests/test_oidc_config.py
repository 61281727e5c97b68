"""FORMAPP_OIDC_* (issue 20): one provider without a prefix, more by name, and a message
naming the variable when one is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from formapp.config import ConfigError, load_config

BASE = {"FORMAPP_ENV": "testing"}
IDP = {"FORMAPP_OIDC_ISSUER": "https://login.region.example/realms/staff",
       "FORMAPP_OIDC_CLIENT_ID": "formapp", "FORMAPP_OIDC_CLIENT_SECRET": "s3cret"}


def _providers(tmp_path: Path, **env: str) -> tuple:
    return load_config({**BASE, "FORMAPP_DATA_DIR": str(tmp_path), **env})[
        "FORMAPP_OIDC_PROVIDERS"]


def test_no_variables_no_providers(tmp_path: Path) -> None:
    assert _providers(tmp_path) == ()


def test_one_provider_and_more_by_name(tmp_path: Path) -> None:
    (idp, kommun) = _providers(
        tmp_path, **IDP, FORMAPP_OIDC_CLAIM="hsaid", FORMAPP_OIDC_MFA_ACR="loa3, substantial",
        FORMAPP_OIDC_LABEL="Region Norr", FORMAPP_OIDC_PROVIDERS="kommun",
        FORMAPP_OIDC_KOMMUN_ISSUER="https://login.microsoftonline.com/t/v2.0",
        FORMAPP_OIDC_KOMMUN_CLIENT_ID="c", FORMAPP_OIDC_KOMMUN_CLIENT_SECRET="s",
        FORMAPP_OIDC_KOMMUN_MFA_AMR="mfa", FORMAPP_OIDC_KOMMUN_FORBUND="2",
        FORMAPP_OIDC_KOMMUN_CREATE_USERS="1")
    assert (idp.key, idp.claim, idp.label) == ("idp", "hsaid", "Region Norr")
    assert idp.mfa_acr == {"loa3", "substantial"} and idp.scopes == "openid email profile"
    assert idp.metadata_url == ("https://login.region.example/realms/staff"
                                "/.well-known/openid-configuration")
    assert idp.asserts_second_factor({"acr": "loa3"})
    assert not idp.asserts_second_factor({"acr": "low", "amr": ["mfa"]})
    assert (kommun.key, kommun.forbund_id, kommun.create_users) == ("kommun", 2, True)
    assert kommun.asserts_second_factor({"amr": ["pwd", "mfa"]})
    assert not kommun.asserts_second_factor({"amr": "mfa"})  # amr is a list, or nothing


@pytest.mark.parametrize(("env", "named"), [
    ({**IDP, "FORMAPP_OIDC_CLIENT_SECRET": ""}, "FORMAPP_OIDC_CLIENT_SECRET"),
    ({**IDP, "FORMAPP_OIDC_ISSUER": "http://idp.example"}, "FORMAPP_OIDC_ISSUER"),
    ({**IDP, "FORMAPP_OIDC_SCOPES": "email"}, "FORMAPP_OIDC_SCOPES"),
    ({**IDP, "FORMAPP_OIDC_CREATE_USERS": "1"}, "FORMAPP_OIDC_FORBUND"),
    ({**IDP, "FORMAPP_OIDC_FORBUND": "Norra"}, "FORMAPP_OIDC_FORBUND"),
    ({"FORMAPP_OIDC_PROVIDERS": "Region-1"}, "FORMAPP_OIDC_PROVIDERS"),
    ({"FORMAPP_OIDC_PROVIDERS": "kommun"}, "FORMAPP_OIDC_KOMMUN_ISSUER"),
])
def test_a_wrong_setting_names_its_variable(tmp_path: Path, env: dict[str, str],
                                            named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        _providers(tmp_path, **env)
