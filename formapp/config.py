"""Configuration from environment variables (README: Configuration).

Everything a deployment sets comes from ``FORMAPP_*`` variables; tests pass a mapping to
``create_app`` that overrides them. Development secrets are generated once into the data
directory so a fresh checkout runs with no secret in the repository.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from formapp.oidc_config import OidcConfigError, OidcProvider, oidc_providers
from formapp.private_files import private_dir

ENVIRONMENTS = ("development", "production", "testing")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """A deployment is misconfigured; the message says which variable to set."""


def _read_or_create_secret(path: Path) -> str:
    """A random secret kept in the data directory, created on first use (development only)."""
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    private_dir(path.parent)
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value)
    return value


def _int_env(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def _providers(env: Mapping[str, str]) -> tuple[OidcProvider, ...]:
    try:
        return oidc_providers(env)
    except OidcConfigError as exc:
        raise ConfigError(str(exc)) from exc


def _second_factor_required(env: Mapping[str, str], environment: str) -> bool:
    """Always in production (GDPR art. 32 for data of this kind); development asks for it
    unless relaxed with FORMAPP_REQUIRE_SECOND_FACTOR=0; tests opt in per test."""
    raw = (env.get("FORMAPP_REQUIRE_SECOND_FACTOR") or "").strip().lower()
    if raw not in ("", "0", "1", "true", "false", "yes", "no"):
        raise ConfigError(f"FORMAPP_REQUIRE_SECOND_FACTOR must be 1 or 0, got {raw!r}")
    relaxed = raw in ("0", "false", "no")
    if environment == "production":
        if relaxed:
            raise ConfigError("FORMAPP_REQUIRE_SECOND_FACTOR can not be turned off in production: "
                              "every role that sees personal data signs in with a second factor")
        return True
    if environment == "testing":
        return raw in ("1", "true", "yes")
    return not relaxed


# Process-wide settings, read where there is no app: a PDF renders, a form definition or the
# locale registry loads in the CLI, the bench and tests as well as in a request. Read at each
# call (not at import), so a changed environment (a test's) is seen.
FORMS_DIR_ENV = "FORMAPP_FORMS_DIR"
FONT_DIR_ENV = "FORMAPP_FONT_DIR"
ICC_PROFILE_ENV = "FORMAPP_ICC_PROFILE"


def forms_dir_setting(env: Mapping[str, str] | None = None) -> str | None:
    """``FORMAPP_FORMS_DIR``: form definitions, consent texts and locales.toml (None: the
    repository's forms/)."""
    return _setting(env, FORMS_DIR_ENV)


def font_dir_setting(env: Mapping[str, str] | None = None) -> str | None:
    """``FORMAPP_FONT_DIR``: the fonts of the PDFs and web fonts (None: Debian's Noto)."""
    return _setting(env, FONT_DIR_ENV)


def icc_profile_setting(env: Mapping[str, str] | None = None) -> str | None:
    """``FORMAPP_ICC_PROFILE``: the sRGB profile of PDF/A (None: Debian's)."""
    return _setting(env, ICC_PROFILE_ENV)


def _setting(env: Mapping[str, str] | None, name: str) -> str | None:
    return (os.environ if env is None else env).get(name) or None


def _bool_env(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be on or off (1/0, true/false, yes/no), got {raw!r}")


ARCHIVE_BACKENDS = ("local", "database", "s3")
S3_LOCK_MODES = ("COMPLIANCE", "GOVERNANCE")


# FORMAPP_ARCHIVE_S3_<name>, each a string (None: unset).
S3_SETTINGS = ("ENDPOINT_URL", "BUCKET", "REGION", "PREFIX", "ACCESS_KEY_ID",
               "SECRET_ACCESS_KEY")


def _check_s3(config: dict[str, Any]) -> None:
    """The S3 backend's settings: a bucket, a lock mode S3 knows, a lock of at least a year."""
    if config["FORMAPP_ARCHIVE_S3_LOCK_YEARS"] is None:
        config["FORMAPP_ARCHIVE_S3_LOCK_YEARS"] = config["FORMAPP_RETENTION_YEARS"]
    if config["FORMAPP_ARCHIVE_BACKEND"] != "s3":
        return
    if not config["FORMAPP_ARCHIVE_S3_BUCKET"]:
        raise ConfigError("FORMAPP_ARCHIVE_BACKEND=s3 needs FORMAPP_ARCHIVE_S3_BUCKET")
    if config["FORMAPP_ARCHIVE_S3_LOCK_MODE"] not in S3_LOCK_MODES:
        raise ConfigError(f"FORMAPP_ARCHIVE_S3_LOCK_MODE must be one of "
                          f"{', '.join(S3_LOCK_MODES)}, got "
                          f"{config['FORMAPP_ARCHIVE_S3_LOCK_MODE']!r}")
    if int(config["FORMAPP_ARCHIVE_S3_LOCK_YEARS"]) < 1:
        raise ConfigError("FORMAPP_ARCHIVE_S3_LOCK_YEARS must be at least 1")
    if bool(config["FORMAPP_ARCHIVE_S3_ACCESS_KEY_ID"]) != bool(
            config["FORMAPP_ARCHIVE_S3_SECRET_ACCESS_KEY"]):
        raise ConfigError("FORMAPP_ARCHIVE_S3_ACCESS_KEY_ID and "
                          "FORMAPP_ARCHIVE_S3_SECRET_ACCESS_KEY go together (or neither: "
                          "boto3's own credential chain)")


def load_config(env: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None,
                ) -> dict[str, Any]:
    """Flask configuration from the environment, then ``overrides`` (used by tests)."""
    env = os.environ if env is None else env
    overrides = dict(overrides or {})
    environment = overrides.get("FORMAPP_ENV") or env.get("FORMAPP_ENV", "development")
    if environment not in ENVIRONMENTS:
        raise ConfigError(
            f"FORMAPP_ENV must be one of {', '.join(ENVIRONMENTS)}, got {environment!r}")
    data_dir = Path(overrides.get("FORMAPP_DATA_DIR") or env.get("FORMAPP_DATA_DIR") or "instance")
    data_dir = data_dir.resolve()

    secret = overrides.get("SECRET_KEY") or env.get("FORMAPP_SECRET_KEY")
    if not secret:
        if environment == "production":
            raise ConfigError("FORMAPP_SECRET_KEY is required in production")
        secret = _read_or_create_secret(data_dir / "secret_key")

    database_url = env.get("FORMAPP_DATABASE_URL") or f"sqlite:///{data_dir / 'formapp.sqlite3'}"
    production = environment == "production"
    config: dict[str, Any] = {
        "FORMAPP_ENV": environment,
        "FORMAPP_DATA_DIR": data_dir,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Sessions: absolute lifetime, plus an idle timeout checked on every request.
        "PERMANENT_SESSION_LIFETIME": timedelta(
            minutes=_int_env(env, "FORMAPP_SESSION_MAX_MINUTES", 10 * 60)),
        "FORMAPP_IDLE_MINUTES": _int_env(env, "FORMAPP_IDLE_MINUTES", 30),
        # Login throttling: this many failures within the window lock the account (or the
        # address) until the window has passed.
        "FORMAPP_LOGIN_MAX_FAILURES": _int_env(env, "FORMAPP_LOGIN_MAX_FAILURES", 5),
        "FORMAPP_LOGIN_MAX_FAILURES_PER_ADDRESS": _int_env(
            env, "FORMAPP_LOGIN_MAX_FAILURES_PER_ADDRESS", 30),
        "FORMAPP_LOGIN_LOCK_MINUTES": _int_env(env, "FORMAPP_LOGIN_LOCK_MINUTES", 15),
        # A handed-over tablet left alone this long locks (the officer's password opens it).
        "FORMAPP_HANDOVER_IDLE_SECONDS": _int_env(env, "FORMAPP_HANDOVER_IDLE_SECONDS", 180),
        # The same while an interpreter reads the text aloud ("tolk läser", issue 19).
        "FORMAPP_INTERPRETER_IDLE_SECONDS": _int_env(env, "FORMAPP_INTERPRETER_IDLE_SECONDS",
                                                     900),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_DURATION": timedelta(0),
        "WTF_CSRF_TIME_LIMIT": None,  # the session lifetime bounds the token
        # Flask-WTF's HTTPS check wants a Referer, which privacy settings and proxies drop;
        # formapp checks Origin (or Referer) itself when either is sent (web/security.py).
        "WTF_CSRF_SSL_STRICT": False,
        # How many reverse proxies in front set X-Forwarded-For/-Proto/-Host (README:
        # Production). 0 trusts none of these headers: never set it higher than the real hops.
        "FORMAPP_TRUSTED_PROXIES": _int_env(env, "FORMAPP_TRUSTED_PROXIES", 0),
        # Wrong officer passwords at the tablet's hand-back before the session ends.
        "FORMAPP_HANDBACK_MAX_FAILURES": _int_env(env, "FORMAPP_HANDBACK_MAX_FAILURES", 5),
        "MAX_CONTENT_LENGTH": _int_env(env, "FORMAPP_MAX_UPLOAD_BYTES", 2 * 1024 * 1024),
        # Reports (issue 7): person counts below this are hidden; the Excel import's limits.
        "FORMAPP_SUPPRESS_BELOW": _int_env(env, "FORMAPP_SUPPRESS_BELOW", 5),
        "FORMAPP_IMPORT_MAX_BYTES": _int_env(env, "FORMAPP_IMPORT_MAX_BYTES", 20 * 1024 * 1024),
        "FORMAPP_IMPORT_MAX_ROWS": _int_env(env, "FORMAPP_IMPORT_MAX_ROWS", 50_000),
        # Read aloud (issue 19): largest recording accepted; where machine readings are cached.
        "FORMAPP_AUDIO_MAX_BYTES": _int_env(env, "FORMAPP_AUDIO_MAX_BYTES", 40 * 1024 * 1024),
        "FORMAPP_AUDIO_CACHE_DIR": env.get("FORMAPP_AUDIO_CACHE_DIR") or None,
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        # A permission lasts at most this long (SUS: two years, then renewed).
        "FORMAPP_MAX_GRANT_DAYS": 2 * 365 + 1,
        "FORMAPP_DEMO_ALLOWED": not production,
        # Years proof of a consent is kept after it stopped being needed (formapp retention).
        "FORMAPP_RETENTION_YEARS": _int_env(env, "FORMAPP_RETENTION_YEARS", 10),
        # Unsigned consent drafts (they hold a personnummer) are purged after this long by
        # `formapp maintenance` and `formapp verify --all` (formapp.maintenance).
        "FORMAPP_DRAFT_PURGE_HOURS": _int_env(env, "FORMAPP_DRAFT_PURGE_HOURS", 24),
        # The seal (README: Production). Empty in development: a demo seal is generated.
        "FORMAPP_SEAL_PKCS12": env.get("FORMAPP_SEAL_PKCS12") or None,
        "FORMAPP_SEAL_PASSWORD": env.get("FORMAPP_SEAL_PASSWORD") or None,
        "FORMAPP_TRUST_ROOTS": env.get("FORMAPP_TRUST_ROOTS") or None,
        "FORMAPP_TSA_URL": env.get("FORMAPP_TSA_URL") or None,
        "FORMAPP_TIMESTAMPER": None,  # tests put pyHanko's offline timestamper here
        # CRLs, OCSP responses and extra certificates kept offline (long_term.ValidationData).
        "FORMAPP_REVOCATION_DIR": env.get("FORMAPP_REVOCATION_DIR") or None,
        # Personal data at rest (formapp.protection.keyring): required in production; in
        # development generated into <data dir>/data_keys when unset.
        "FORMAPP_DATA_KEYS": env.get("FORMAPP_DATA_KEYS") or None,
        "FORMAPP_LOOKUP_KEYS": env.get("FORMAPP_LOOKUP_KEYS") or None,
        # Sign-in (issue 20): the organisations' identity providers (formapp.oidc_config), and
        # whether a role that sees personal data must sign in with a second factor.
        "FORMAPP_OIDC_PROVIDERS": _providers(env),
        "FORMAPP_REQUIRE_SECOND_FACTOR": _second_factor_required(env, environment),


        # The archive of sealed PDFs (README: Archive): on this machine's disk ("local") or in
        # the database every app node reaches ("database"); new documents encrypted at rest
        # under the data keys, on by default in production.
        "FORMAPP_ARCHIVE_BACKEND": env.get("FORMAPP_ARCHIVE_BACKEND") or "local",
        "FORMAPP_ARCHIVE_ENCRYPTION": _bool_env(env, "FORMAPP_ARCHIVE_ENCRYPTION", production),
        # ... or in an S3-compatible object store with object lock ("s3"; README: Production).
        # Credentials: these two, else boto3's standard chain (AWS_* variables, profile, role).
        **{f"FORMAPP_ARCHIVE_S3_{name}": env.get(f"FORMAPP_ARCHIVE_S3_{name}") or None
           for name in S3_SETTINGS},
        "FORMAPP_ARCHIVE_S3_LOCK_MODE": env.get("FORMAPP_ARCHIVE_S3_LOCK_MODE") or "COMPLIANCE",
        # Every object is locked this long from its writing; by default as long as the
        # retention period keeps a consent's proof.
        "FORMAPP_ARCHIVE_S3_LOCK_YEARS": _int_env(env, "FORMAPP_ARCHIVE_S3_LOCK_YEARS", 0) or None,
    }
    config.update(overrides)
    if config["FORMAPP_ARCHIVE_BACKEND"] not in ARCHIVE_BACKENDS:
        raise ConfigError(f"FORMAPP_ARCHIVE_BACKEND must be one of {', '.join(ARCHIVE_BACKENDS)}"
                          f", got {config['FORMAPP_ARCHIVE_BACKEND']!r}")
    _check_s3(config)
    config["FORMAPP_DATA_DIR"] = data_dir
    return config
