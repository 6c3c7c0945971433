"""The admin app (FastAPI): the API under /api/v1, the server-rendered page under /admin,
and the health probes."""

from admin.app import create_app
from admin.main import serve

__all__ = ["create_app", "serve"]
