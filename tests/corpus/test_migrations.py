"""Schema migrations: an old deployment with data upgraded in place, on SQLite and PostgreSQL.

The old deployment is built from the DDL ``create_all`` emitted before migrations existed
(tests/corpus/legacy_schema/), filled with rows by plain SQL, then upgraded.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, make_url, text
from sqlmodel import SQLModel

from chinam.cli import main as chinam
from corpus.db import (
    BASE_REVISION,
    VERSION_TABLE,
    SchemaMismatch,
    SchemaNotCurrent,
    alembic_config,
    check_schema,
    make_engine,
    schema_state,
    upgrade_schema,
)
from corpus.store import CorpusStore
from tests.conftest import ROOT

LEGACY = Path(__file__).with_name("legacy_schema")
NEW_INDEXES = {"ix_document_superseded_by_id", "ix_document_created_at"}
T0 = "2025-10-30 08:00:00"

ROWS = [
    "INSERT INTO document (id, number, number_key, match_key, doc_type, title, subject, issuer,"
    " recipients, raw, status, visibility, source_name, sha256, version, text, created_at,"
    " updated_at) VALUES (1, '5208/BGDĐT-GDTH', 'CV 5208/BGDĐT-GDTH 2025', 'CV:5208',"
    " 'Công văn', 'Công văn 5208', 'V/v hạn nộp báo cáo', 'Bộ Giáo dục và Đào tạo', '[\"Các Sở\"]',"
    " '{}', 'superseded', 'public', 'cv5208.docx', 'sha-old', 1, 'Hạn nộp 30/10.', :t, :t)",
    "INSERT INTO document (id, number, doc_type, title, recipients, raw, status, visibility,"
    " source_name, sha256, version, text, created_at, updated_at) VALUES (2, '5209', 'Công văn',"
    " 'Công văn 5209', '[]', '{}', 'in_force', 'public', 'cv5209.pdf', 'sha-new', 2,"
    " 'Hạn nộp 05/11.', :t, :t)",
    "UPDATE document SET superseded_by_id = 2 WHERE id = 1",
    "INSERT INTO document_version (document_id, version, sha256, source_name, text, created_at)"
    " VALUES (2, 1, 'sha-v1', 'cv5209.pdf', 'Hạn nộp 30/10.', :t)",
    "INSERT INTO passage (id, document_id, ordinal, section, heading, context, text, start, \"end\","
    " content_hash) VALUES (1, 1, 0, 'I', 'Mục I', '', 'Các trường nộp báo cáo trước 30/10.',"
    " 0, 35, 'h1')",
    "INSERT INTO passage (id, document_id, ordinal, section, heading, context, text, start, \"end\","
    " content_hash) VALUES (2, 2, 0, '', '', '', 'Các trường nộp báo cáo trước 05/11.', 0, 35, 'h2')",
    "INSERT INTO embedding (model, content_hash, vector) VALUES ('e5', 'h2', :vec)",
    "INSERT INTO reference (document_id, relation, key, raw, target_id) VALUES (2, 'replaces',"
    " 'CV 5208', 'thay thế Công văn 5208', 1)",
    "INSERT INTO query_log (id, asked_at, question, channel, status, latency_ms, mode, cited)"
    " VALUES (1, :t, 'hạn nộp báo cáo?', 'telegram', 'answered', 12.5, 'hybrid', '[2]')",
    "INSERT INTO query_log (id, asked_at, question, channel, status, latency_ms, mode, cited)"
    " VALUES (2, :t, 'lương giáo viên?', 'cli', 'no_answer', 3.0, 'lexical', '[]')",
    "INSERT INTO feedback (query_id, value, comment, created_at) VALUES (1, 1, 'đúng', :t)",
    "INSERT INTO subscription (chat_id, topic, created_at) VALUES (42, 'báo cáo', :t)",
    "INSERT INTO outbox (kind, document_id, payload, created_at) VALUES ('document_added', 2,"
    " '{}', :t)",
    "INSERT INTO audit_log (at, actor, action, document_id) VALUES (:t, 'admin', 'upload', 2)",
    "UPDATE corpus_state SET revision = 7",
]


def _raw(url: str) -> Engine:
    return make_engine(url, create=False)


def build_legacy(url: str, *, with_rows: bool = True) -> None:
    """A database as a deployment of the pre-migration main left it: tables, state row, rows."""
    engine = _raw(url)
    ddl = (LEGACY / f"{engine.dialect.name}.sql").read_text(encoding="utf-8")
    ddl_lines = "\n".join(line for line in ddl.splitlines() if not line.startswith("--"))
    statements = [s for s in ddl_lines.split(";\n") if s.strip()]
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
        # create_all's companion insert in corpus.db before migrations
        conn.execute(text("INSERT INTO corpus_state (id, revision, updated_at) VALUES (1, 0, :t)"),
                     {"t": T0})
        if with_rows:
            for row in ROWS:
                conn.execute(text(row), {"t": T0, "vec": b"\x00\x01\x02\x03"})
        if engine.dialect.name == "postgresql":  # explicit ids above: move the sequences on
            for table in ("document", "passage", "query_log"):
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                ))
    engine.dispose()


@pytest.fixture()
def legacy_url(db_url: str) -> str:
    build_legacy(db_url)
    return db_url


@pytest.fixture()
def legacy_store(legacy_url: str) -> Iterator[CorpusStore]:
    engine = _raw(legacy_url)
    yield CorpusStore(engine)
    engine.dispose()


def _indexes(engine: Engine, table: str) -> set[str]:
    return {ix["name"] for ix in inspect(engine).get_indexes(table) if ix["name"]}


def test_revisions_build_exactly_the_models(db_url: str) -> None:
    """A model change without its revision fails here (write one: see README, Migrations)."""
    engine = _raw(db_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
        assert conn.execute(text("SELECT revision FROM corpus_state WHERE id = 1")).scalar() == 0
    engine.dispose()


def test_a_new_database_is_created_at_head(db_url: str) -> None:
    engine = make_engine(db_url)
    state = schema_state(engine)
    assert state.up_to_date and not state.empty
    assert _indexes(engine, "document") >= NEW_INDEXES
    assert CorpusStore(engine).revision() == 0
    engine.dispose()
    again = make_engine(db_url)  # reopening a current database changes nothing
    assert schema_state(again).current == state.current
    again.dispose()


def test_sqlite_ids_are_never_reused_after_migrating(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    engine = _raw(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
        ddl = dict(conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type='table'")).all())
    engine.dispose()
    assert "AUTOINCREMENT" in ddl["document"] and "AUTOINCREMENT" in ddl["passage"]


def test_old_deployment_is_refused_until_upgraded(legacy_url: str) -> None:
    with pytest.raises(SchemaNotCurrent) as refused:
        check_schema(legacy_url)
    assert refused.value.state.unversioned
    assert "chinam db upgrade" in refused.value.message
    assert "chưa được nâng cấp" in refused.value.message  # Vietnamese, then English
    assert "not up to date" in refused.value.message
    with pytest.raises(SchemaNotCurrent):
        make_engine(legacy_url)  # ingest, ask … refuse it too rather than half-work


def test_upgrade_keeps_every_row_and_applies_the_new_revision(
    legacy_url: str, legacy_store: CorpusStore
) -> None:
    engine = legacy_store.engine
    assert not NEW_INDEXES & _indexes(engine, "document")

    done = upgrade_schema(engine)

    assert done.stamped and done.changed and done.before.unversioned
    state = schema_state(engine)
    assert state.up_to_date and done.after == state.head != BASE_REVISION
    assert _indexes(engine, "document") >= NEW_INDEXES
    check_schema(legacy_url)  # serve and bot start now
    store = legacy_store
    old, new = store.get_document(1), store.get_document(2)
    assert old is not None and new is not None
    assert (old.status, old.superseded_by_id, old.recipients) == ("superseded", 2, ["Các Sở"])
    assert new.version == 2 and new.text == "Hạn nộp 05/11."
    assert [p.text for p in store.passages_of(2)] == ["Các trường nộp báo cáo trước 05/11."]
    assert store.embeddings("e5", ["h2"]) == {"h2": b"\x00\x01\x02\x03"}
    assert [r.target_id for r in store.references_of(2)] == [1]
    assert [q.question for q in store.questions()] == ["lương giáo viên?", "hạn nộp báo cáo?"]
    assert [f.comment for f in store.feedback()] == ["đúng"]
    assert [s.topic for s in store.subscriptions(42)] == ["báo cáo"]
    assert store.revision() == 7
    # and the upgraded database takes new writes (sequences and autoincrement intact)
    assert store.delete_document(2, actor="test")
    assert store.count_documents() == 1 and store.get_document(1).superseded_by_id is None  # type: ignore[union-attr]


def test_a_failed_upgrade_leaves_the_database_as_it_was(legacy_store: CorpusStore) -> None:
    engine = legacy_store.engine
    with engine.begin() as conn:  # an index of the next revision's name already there
        conn.exec_driver_sql("CREATE INDEX ix_document_created_at ON document (updated_at)")
    with pytest.raises(Exception, match="ix_document_created_at"):
        upgrade_schema(engine)
    state = schema_state(engine)
    assert state.unversioned and "ix_document_superseded_by_id" not in _indexes(engine, "document")
    assert VERSION_TABLE not in inspect(engine).get_table_names()
    assert legacy_store.count_documents() == 2 and legacy_store.revision() == 7


def test_an_outdated_versioned_database_is_upgraded(db_url: str) -> None:
    engine = _raw(db_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), BASE_REVISION)
    with pytest.raises(SchemaNotCurrent) as refused:
        check_schema(db_url)
    assert f"phiên bản {BASE_REVISION}" in refused.value.message
    done = upgrade_schema(engine)
    assert not done.stamped and done.before.current == (BASE_REVISION,)
    assert schema_state(engine).up_to_date and _indexes(engine, "document") >= NEW_INDEXES
    engine.dispose()


def test_unknown_tables_are_not_stamped(db_url: str) -> None:
    engine = _raw(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE document (id INTEGER PRIMARY KEY, title VARCHAR)")
    with pytest.raises(SchemaMismatch) as refused:
        upgrade_schema(engine)
    assert "missing table passage" in refused.value.message
    assert "document: thiếu cột / missing columns" in refused.value.message
    assert schema_state(engine).current == ()  # nothing recorded
    engine.dispose()


def test_a_newer_database_is_refused_with_its_own_message(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaNotCurrent) as refused:
        upgrade_schema(engine)
    assert "hãy cập nhật Chỉ Nam" in refused.value.message
    engine.dispose()


def _cli_env(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHINAM_DATABASE_URL", url)


def test_chinam_db_upgrade_is_idempotent(
    legacy_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _cli_env(legacy_url, monkeypatch)
    with pytest.raises(SchemaNotCurrent) as refused:
        check_schema(legacy_url)
    head = refused.value.state.head
    assert chinam(["db", "current"]) == 1
    assert "chinam db upgrade" in capsys.readouterr().out
    assert chinam(["db", "upgrade"]) == 0
    first = capsys.readouterr().out
    assert "phiên bản gốc" in first and f"chưa đánh số → {head}" in first
    if legacy_url.startswith("sqlite"):  # the file as it was, kept aside before the upgrade
        backup = Path(f"{make_url(legacy_url).database}.before-{head}.bak")
        assert str(backup) in first
        copy = _raw(f"sqlite:///{backup}")
        assert schema_state(copy).unversioned
        assert CorpusStore(copy).count_documents() == 2
        copy.dispose()
    assert chinam(["db", "upgrade"]) == 0
    assert "không có gì để làm" in capsys.readouterr().out
    assert chinam(["db", "current"]) == 0
    assert "mới nhất" in capsys.readouterr().out
    assert chinam(["docs", "--json"]) == 0
    assert '"Công văn 5208"' in capsys.readouterr().out


def test_cli_commands_refuse_an_old_database(
    legacy_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _cli_env(legacy_url, monkeypatch)
    assert chinam(["docs"]) == 2
    assert "chinam db upgrade" in capsys.readouterr().err


def test_bot_refuses_an_old_database(
    legacy_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot import run
    from retrieval.service import Settings

    settings = Settings(  # type: ignore[call-arg]
        data_dir=tmp_path / "data", database_url=legacy_url, telegram_token="1:AA" + "x" * 30,
        embedding_model=None, _env_file=None,
    )
    assert run(settings) == 2
    err = capsys.readouterr().err
    assert "Bot not started" in err and "chinam db upgrade" in err


def test_chinam_serve_exits_with_the_message_on_an_old_database(tmp_path: Path) -> None:
    data = tmp_path / "data"
    build_legacy(f"sqlite:///{(data / 'chinam.db').resolve()}", with_rows=False)
    env = {
        **os.environ, "PYTHONPATH": str(ROOT), "CHINAM_ADMIN_TOKEN": secrets.token_urlsafe(32),
        "HF_HUB_OFFLINE": "1",
    }
    env.pop("CHINAM_DATABASE_URL", None)
    proc = subprocess.run(
        [sys.executable, "-m", "chinam.cli", "--data-dir", str(data), "serve", "--port", "0"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Admin not started" in proc.stderr and "chinam db upgrade" in proc.stderr


R0004_ROWS = [
    "INSERT INTO document (id, number, doc_type, title, recipients, raw, status, visibility,"
    " source_name, sha256, version, text, created_at, updated_at, uploaded_by) VALUES (1,"
    " '5209/SGDĐT-VP', 'Công văn', 'Công văn 5209', '[]', '{}', 'in_force', 'public', 'cv.txt',"
    " 'sha-v2', 2, :v2, :t, :t, 'telegram:7')",
    "INSERT INTO document_version (document_id, version, sha256, source_name, text, created_at,"
    " uploaded_by) VALUES (1, 1, 'sha-v1', 'cv.txt', :v1, :t, 'admin')",
    "INSERT INTO query_log (id, asked_at, question, channel, status, latency_ms, mode, cited)"
    " VALUES (1, :t, 'hạn nộp?', 'telegram', 'answered', 5.0, 'hybrid', '[1]')",
]
V1 = "SỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 5209/SGDĐT-VP\nCác trường nộp báo cáo trước ngày 30/10/2026."
V2 = V1.replace("30/10/2026", "05/11/2026")


def test_revision_0005_upgrades_a_0004_database_with_versions(db_url: str) -> None:
    """Versions kept before 0005 have no recorded fields: they are read again from their text,
    so their diff still names the changed deadline; new versions record fields and file."""
    engine = _raw(db_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0004")
        for row in R0004_ROWS:
            conn.execute(text(row), {"t": T0, "v1": V1, "v2": V2})
    assert schema_state(engine).current == ("0004",)

    done = upgrade_schema(engine)

    assert done.before.current == ("0004",) and schema_state(engine).up_to_date
    store = CorpusStore(engine)
    doc = store.get_document(1)
    assert doc is not None and doc.file_sha256 is None and doc.uploaded_by == "telegram:7"
    [kept] = store.versions_of(1)
    assert (kept.fields, kept.file_sha256, kept.uploaded_by) == (None, None, "admin")
    assert store.get_query(1).answer is None  # type: ignore[union-attr]
    from corpus.diffing import diff_versions, fields_of
    from corpus.versions import version_fields

    old_fields = version_fields(kept)
    assert old_fields["number"] == "5209/SGDĐT-VP"
    diff = diff_versions(kept.text, doc.text, old_fields, fields_of(doc))
    assert diff.summary()[0] == "báo cáo trước ngày: 30/10 → 05/11"
    engine.dispose()
