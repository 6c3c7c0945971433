"""`chinam serve`: the admin API and page under uvicorn."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from admin.auth import TokenRegistry, WeakTokenError, tokens_from_settings
from corpus.db import SchemaNotCurrent, check_schema
from retrieval.service import Settings

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Run the admin app until interrupted.

    Refuses to start (exit code 2) without strong tokens or on a database that needs
    ``chinam db upgrade``.
    """
    try:
        TokenRegistry(tokens_from_settings(settings))
        check_schema(settings.db_url)
    except WeakTokenError as exc:
        print(f"Không khởi động trang quản trị: {exc}", file=sys.stderr)
        return 2
    except SchemaNotCurrent as refused:
        print(f"Không khởi động trang quản trị / Admin not started.\n{refused.message}",
              file=sys.stderr)
        return 2

    import uvicorn
    from pydantic import SecretStr

    from admin.app import create_app
    from admin.auth import ApiToken
    from retrieval.service import local_server

    local = local_server.LocalServer(local_server.local_url(host, port), os.getpid(),
                                     local_server.new_token())
    cli_token = ApiToken(local_server.TOKEN_NAME, "readonly", SecretStr(local.token))
    app = create_app(settings, process_tokens=[cli_token])
    print(f"Trang quản trị: http://{host}:{port}/admin", file=sys.stderr)
    with local_server.announced(Path(settings.data_dir), local):  # for `chinam ask`
        uvicorn.Server(server_config(app, settings, host, port)).run()
    return 0


def server_config(app: FastAPI, settings: Settings, host: str, port: int) -> uvicorn.Config:
    """uvicorn's settings for ``app``: X-Forwarded-Proto/-For are believed only from
    ``settings.forwarded_allow_ips`` (the reverse proxy), so the page's cookies are ``Secure``
    exactly when the visitor's connection to the proxy is HTTPS."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="info",
        server_header=False,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )
