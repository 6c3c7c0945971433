"""The one settings class. Entry points build it and pass it (or parts of it) down."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL = "intfloat/multilingual-e5-small"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CHINAM_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: a SQLite file in data_dir"
    )

    embedding_model: str | None = Field(
        default=DEFAULT_MODEL,
        description="Hub name or local directory of a sentence-transformers model; "
        "empty for lexical-only retrieval",
    )
    embedding_backend: Literal["auto", "torch", "onnx", "onnx-int8"] = Field(
        default="auto",
        description="auto: torch on a GPU, else ONNX Runtime int8 (measured: same retrieval "
        "quality, faster on CPU); the ONNX copies are exported once under data_dir/models",
    )
    embedding_batch_size: int = 16
    embedding_batch_tokens: int | None = Field(
        default=None, ge=1,
        description="most tokens a batch of passages takes once padded to its longest; "
        "default: 1024 on a CPU (ONNX Runtime keeps the memory of its largest batch), "
        "no limit on a GPU",
    )
    embedding_threads: int | None = Field(
        default=None, description="CPU threads for the encoder; default: the library's own"
    )
    dense_approximate_above: int = Field(
        default=250_000, ge=1,
        description="passages above which FAISS switches from exact search to IVF-Flat "
        "(where exact search passes ~20-25 ms p95 on two cores; docs/deployment.md)",
    )
    dense_nprobe: int = Field(
        default=48, ge=1, description="IVF lists searched per question once approximate"
    )
    query_prefix: str = "query"
    passage_prefix: str = "passage"

    max_upload_bytes: int = 20 * 1024 * 1024
    preview_keep_hours: float = Field(
        default=24.0, gt=0,
        description="hours an upload parsed for confirmation but never published keeps its "
        "file (files of deleted documents go after the same time)",
    )
    max_text_chars: int = 3_000_000
    upload_workers: int = Field(
        default=2, ge=1, description="uploads read and stored at once by one process"
    )
    upload_queue: int = Field(
        default=4, ge=0,
        description="uploads waiting for a worker; one more is refused as busy (HTTP 503)",
    )
    upload_wait_seconds: float = Field(
        default=120.0, gt=0, description="longest wait in the queue before refusing as busy"
    )
    upload_retry_seconds: int = Field(
        default=15, ge=1, description="Retry-After given with a busy refusal"
    )
    max_question_chars: int = Field(
        default=1000, ge=1, description="longest question the bot searches for"
    )

    refresh_seconds: float = 5.0

    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_webhook_url: str | None = None
    telegram_webhook_port: int = 8443
    telegram_webhook_secret: SecretStr | None = None
    allowed_ids: list[int] = Field(default_factory=list)
    bot_admin_ids: list[int] = Field(default_factory=list)
    rate_limit_per_minute: int = 12

    admin_token: SecretStr | None = None
    admin_readonly_token: SecretStr | None = None
    admin_tokens: dict[str, SecretStr] = Field(
        default_factory=dict, description="more named tokens with full rights: name -> secret"
    )
    admin_readonly_tokens: dict[str, SecretStr] = Field(
        default_factory=dict, description="named read-only tokens: name -> secret"
    )
    admin_session_secret: SecretStr | None = Field(
        default=None, description="signs admin page cookies; default: derived from the tokens"
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="addresses (comma-separated, networks allowed, * for any) whose "
        "X-Forwarded-Proto/-For headers `chinam serve` trusts: the reverse proxy's",
    )

    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout: float = 20.0

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'chinam.db').resolve()}"

    @property
    def model_cache_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"
