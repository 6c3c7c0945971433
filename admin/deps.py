"""What routes receive through ``Depends``: the app's context, the store, the caller."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from admin.auth import Principal, TokenRegistry
from admin.errors import FieldError, Forbidden, Invalid, Unauthorized
from admin.jobs import IndexJobs
from admin.session import SessionCodec
from corpus.store import CorpusStore
from retrieval.service import Runtime, Settings


@dataclass
class AdminContext:
    """Everything one app instance shares between requests (built by the app factory)."""

    runtime: Runtime
    registry: TokenRegistry
    jobs: IndexJobs
    sessions: SessionCodec

    @property
    def settings(self) -> Settings:
        return self.runtime.settings

    @property
    def store(self) -> CorpusStore:
        return self.runtime.store


def get_context(request: Request) -> AdminContext:
    ctx = request.app.state.admin
    assert isinstance(ctx, AdminContext)
    return ctx


ContextDep = Annotated[AdminContext, Depends(get_context)]


def get_store(ctx: ContextDep) -> CorpusStore:
    return ctx.store


StoreDep = Annotated[CorpusStore, Depends(get_store)]

bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="Mã truy cập quản trị (CHINAM_ADMIN_TOKEN) hoặc mã chỉ đọc.",
)


def current_principal(
    ctx: ContextDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    if credentials is None:
        raise Unauthorized("Cần mã truy cập: gửi tiêu đề “Authorization: Bearer <mã>”.")
    principal = ctx.registry.authenticate(credentials.credentials)
    if principal is None:
        raise Unauthorized("Mã truy cập không đúng.")
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def writer(principal: PrincipalDep) -> Principal:
    if not principal.can_write:
        raise Forbidden("Mã truy cập này chỉ có quyền đọc; không thể thay đổi kho văn bản.")
    return principal


WriterDep = Annotated[Principal, Depends(writer)]


def single_query_values(request: Request) -> None:
    """Every API query parameter takes one value; a repeated one is refused, not guessed."""
    keys = [key for key, _ in request.query_params.multi_items()]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        message = "Tham số chỉ được truyền một lần: " + ", ".join(repeated[:5]) + "."
        raise Invalid(message, [FieldError(field=f"query.{k}", message=message)
                                for k in repeated[:5]])
