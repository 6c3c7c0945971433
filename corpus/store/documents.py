"""Documents: finding, saving (with passages and references), listing, editing, deleting."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, delete, select

from corpus.diffing import diff_versions, fields_of
from corpus.models import (
    AuditLog,
    Document,
    DocumentStatus,
    DocumentVersion,
    OutboxEvent,
    Passage,
    Reference,
    utcnow,
)
from corpus.references import cites
from corpus.store.base import StoreBase
from corpus.store.records import (
    AlreadyStored,
    DocumentFilter,
    DocumentSummary,
    OlderContent,
    jsonable,
    jsonable_fields,
)
from corpus.text import bare, fold, has_diacritics


class DocumentQueries(StoreBase):
    # -- documents ------------------------------------------------------------------------
    def find_by_sha(self, sha256: str) -> Document | None:
        with self.session() as s:
            return s.exec(select(Document).where(Document.sha256 == sha256)).first()

    def find_by_identity(self, identity: str) -> list[Document]:
        with self.session() as s:
            stmt = select(Document).where(Document.identity == identity).order_by(col(Document.id))
            return list(s.exec(stmt).all())

    def find_by_source(self, source_name: str) -> Document | None:
        with self.session() as s:
            stmt = select(Document).where(
                Document.source_name == source_name, col(Document.identity).is_(None)
            )
            return s.exec(stmt).first()

    def save_document(
        self,
        doc: Document,
        passages: Sequence[Passage],
        references: Sequence[Reference],
        *,
        replaces: int | None = None,
        actor: str | None = None,
        restored_from: int | None = None,
    ) -> Document:
        """Store a document with its passages and references in one transaction.

        With ``replaces``, the stored document of that id becomes the previous version: its
        text is archived, its passages and references are replaced, its id is kept. Content
        equal to a kept older version is refused (:class:`OlderContent`) unless it is that
        version's restore (``restored_from``, its number).
        """
        with self.session() as s, s.begin():
            same = s.exec(select(Document).where(Document.sha256 == doc.sha256)).first()
            if same is not None:
                s.expunge(same)  # keep its loaded fields: the rollback below expires the rest
                raise AlreadyStored(same)
            if restored_from is None:
                older = self._older_version(s, doc.sha256)
                if older is not None:
                    s.expunge(older)
                    raise OlderContent(older)
            if replaces is not None:
                old = s.get(Document, replaces)
                if old is None:
                    raise LookupError(replaces)
                s.add(
                    DocumentVersion(
                        document_id=old.id or 0,
                        version=old.version,
                        sha256=old.sha256,
                        source_name=old.source_name,
                        text=old.text,
                        created_at=old.updated_at,
                        uploaded_by=old.uploaded_by,
                        fields=jsonable_fields(fields_of(old)),
                        file_sha256=old.file_sha256,
                    )
                )
                changes = diff_versions(old.text, doc.text, fields_of(old), fields_of(doc))
                payload: dict[str, Any] = {
                    "from_version": old.version, "changes": changes.summary()
                }
                s.execute(delete(Passage).where(col(Passage.document_id) == replaces))
                s.execute(delete(Reference).where(col(Reference.document_id) == replaces))
                keep = {"id", "created_at", "status", "superseded_by_id", "visibility", "version"}
                for name in Document.model_fields:
                    if name not in keep:
                        setattr(old, name, getattr(doc, name))
                old.version += 1
                old.updated_at = utcnow()
                target = old
            else:
                target = doc
                payload = {}
            s.add(target)
            s.flush()
            assert target.id is not None
            for p in passages:
                p.document_id = target.id
                s.add(p)
            for r in references:
                r.document_id = target.id
                r.target_id = self._resolve(s, r, exclude=target.id)
                s.add(r)
            if target.match_key:
                self._link_citations(s, target)
            s.add(
                OutboxEvent(
                    kind="document_updated" if replaces else "document_added",
                    document_id=target.id,
                    payload=payload,
                )
            )
            s.add(_save_audit(target, actor, replaced=replaces is not None,
                              restored_from=restored_from))
            self._bump(s)
        return target

    @staticmethod
    def _older_version(s: Session, sha256: str) -> DocumentVersion | None:
        stmt = (
            select(DocumentVersion)
            .where(DocumentVersion.sha256 == sha256)
            .order_by(col(DocumentVersion.version).desc())
        )
        return s.exec(stmt).first()

    def find_version_by_sha(self, sha256: str) -> DocumentVersion | None:
        """The newest kept older version with this content, if any."""
        with self.session() as s:
            return self._older_version(s, sha256)

    def kept_file_digests(self) -> set[str]:
        """Digests of the original files some document or kept version names."""
        with self.session() as s:
            found: set[str] = set()
            for column in (col(Document.file_sha256), col(DocumentVersion.file_sha256)):
                found.update(d for d in s.execute(
                    sa_select(column).where(column.is_not(None))).scalars() if d)
            return found

    def versions_of(self, doc_id: int) -> list[DocumentVersion]:
        """The kept older versions of a document, oldest first (the current one is not kept)."""
        with self.session() as s:
            stmt = (
                select(DocumentVersion)
                .where(DocumentVersion.document_id == doc_id)
                .order_by(col(DocumentVersion.version))
            )
            return list(s.exec(stmt).all())

    @staticmethod
    def _resolve(s: Session, ref: Reference, *, exclude: int) -> int | None:
        """The stored document ``ref`` names: same loose key, and the same year and symbol
        where both print them (:func:`corpus.references.cites`)."""
        if not ref.match_key:
            return None
        rows = [
            d for d in s.exec(
                select(Document).where(Document.match_key == ref.match_key, Document.id != exclude)
            ).all()
            if cites(ref.ref_number, ref.key, d.number, d.year)
        ]
        if not rows:
            return None
        exact = [d for d in rows if d.number_key == ref.key]
        return (exact or rows)[0].id

    @staticmethod
    def _link_citations(s: Session, target: Document) -> None:
        """Point the unresolved references that name ``target`` at it."""
        waiting = s.exec(
            select(Reference).where(
                col(Reference.match_key) == target.match_key,
                col(Reference.target_id).is_(None),
                col(Reference.document_id) != target.id,
            )
        ).all()
        for ref in waiting:
            if cites(ref.ref_number, ref.key, target.number, target.year):
                ref.target_id = target.id
                s.add(ref)

    def get_document(self, doc_id: int) -> Document | None:
        with self.session() as s:
            return s.get(Document, doc_id)

    def documents_by_ids(self, ids: Iterable[int]) -> dict[int, Document]:
        wanted = list(set(ids))
        if not wanted:
            return {}
        with self.session() as s:
            rows = s.exec(select(Document).where(col(Document.id).in_(wanted))).all()
            return {d.id: d for d in rows if d.id is not None}

    def document_summaries(self) -> list[DocumentSummary]:
        """Every document's names, status and number key (a light read: no texts)."""
        stmt = sa_select(
            col(Document.id), col(Document.doc_type), col(Document.title),
            col(Document.subject), col(Document.status), col(Document.match_key),
            col(Document.issuer), col(Document.parent_issuer), col(Document.place),
        )
        with self.session() as s:
            return [DocumentSummary(*row) for row in s.execute(stmt).all()]

    def find_documents(self, number_or_key: str) -> list[Document]:
        """Documents whose number, canonical key or match key equals the given spelling."""
        from corpus.docnumbers import numbers_in_question, parse_number

        text = number_or_key.strip()
        with self.session() as s:
            exact = s.exec(
                select(Document).where(
                    or_(col(Document.number) == text, col(Document.number_key) == text)
                )
            ).all()
            if exact:
                return list(exact)
            parsed = parse_number(text)
            keys = [parsed.match_key] if parsed and parsed.match_key else []
            keys += [n.match_key for n in numbers_in_question(text) if n.match_key]
            if not keys:
                return []
            return list(s.exec(select(Document).where(col(Document.match_key).in_(keys))).all())

    def documents_numbered(self, number: int) -> list[Document]:
        """Documents whose number is ``number`` whatever their type ("5208" -> CV 5208)."""
        with self.session() as s:
            stmt = select(Document).where(col(Document.match_key).like(f"%:{number}"))
            return list(s.exec(stmt.order_by(col(Document.id))).all())

    def documents_by_match_keys(self, keys: Iterable[str]) -> list[Document]:
        wanted = list(set(keys))
        if not wanted:
            return []
        with self.session() as s:
            return list(s.exec(select(Document).where(col(Document.match_key).in_(wanted))).all())

    def list_documents(
        self, flt: DocumentFilter | None = None, *, offset: int = 0, limit: int = 50
    ) -> tuple[list[Document], int]:
        flt = flt or DocumentFilter()
        conds: list[Any] = []
        if flt.doc_type:
            conds.append(col(Document.doc_type) == flt.doc_type)
        if flt.issuer:
            conds.append(col(Document.issuer).ilike(f"%{flt.issuer}%"))
        if flt.status:
            conds.append(col(Document.status) == flt.status)
        if flt.date_from:
            conds.append(col(Document.issue_date) >= flt.date_from)
        if flt.date_to:
            conds.append(col(Document.issue_date) <= flt.date_to)
        with self.session() as s:
            if flt.text:
                conds.append(col(Document.id).in_(self._ids_matching(s, flt.text)))
            total = s.exec(select(func.count()).select_from(Document).where(*conds)).one()
            rows = s.exec(
                select(Document)
                .where(*conds)
                .order_by(col(Document.created_at).desc(), col(Document.id).desc())
                .offset(offset)
                .limit(limit)
            ).all()
            return list(rows), int(total)

    @staticmethod
    def _ids_matching(s: Session, text: str) -> list[int]:
        """Ids of the documents whose title, subject, number or issuer contains ``text``.

        Typed without diacritics ("cong doan") it matches without them ("Công đoàn"); typed
        with them it matches as written, case and tone placement ignored.
        """
        loose = not has_diacritics(text)
        norm = bare if loose else fold
        wanted = " ".join(norm(text).split())
        fields = (
            Document.title, Document.subject, Document.number, Document.number_key,
            Document.issuer,
        )
        rows = s.execute(sa_select(col(Document.id), *(col(f) for f in fields))).all()
        return [
            row[0] for row in rows
            if row[0] is not None
            and any(wanted in " ".join(norm(f).split()) for f in row[1:] if f)
        ]

    def count_documents(self) -> int:
        with self.session() as s:
            return int(s.exec(select(func.count()).select_from(Document)).one())

    def count_passages(self) -> int:
        with self.session() as s:
            return int(s.exec(select(func.count()).select_from(Passage)).one())

    def update_document(
        self,
        doc_id: int,
        changes: dict[str, Any],
        *,
        actor: str = "",
        context_for: Any = None,
    ) -> Document | None:
        """Apply metadata changes; with ``context_for(doc) -> str`` passage contexts follow."""
        with self.session() as s, s.begin():
            doc = s.get(Document, doc_id)
            if doc is None:
                return None
            before = {k: jsonable(getattr(doc, k)) for k in changes}
            for key, value in changes.items():
                setattr(doc, key, value)
            doc.updated_at = utcnow()
            if context_for is not None:
                from corpus.hashing import content_hash

                for p in s.exec(select(Passage).where(Passage.document_id == doc_id)).all():
                    p.context = context_for(doc, p)
                    p.content_hash = content_hash(p.context, p.text)
                    s.add(p)
            s.add(doc)
            s.add(
                AuditLog(
                    actor=actor,
                    action="update",
                    document_id=doc_id,
                    before=before,
                    after={k: jsonable(v) for k, v in changes.items()},
                )
            )
            self._bump(s)
            return doc

    def supersede(self, doc_id: int, by_id: int | None, *, actor: str = "") -> Document | None:
        changes: dict[str, Any] = {"status": DocumentStatus.SUPERSEDED, "superseded_by_id": by_id}
        return self.update_document(doc_id, changes, actor=actor)

    def delete_document(self, doc_id: int, *, actor: str = "") -> bool:
        with self.session() as s, s.begin():
            doc = s.get(Document, doc_id)
            if doc is None:
                return False
            s.execute(
                update(Reference).where(col(Reference.target_id) == doc_id).values(target_id=None)
            )
            s.execute(
                update(Document)
                .where(col(Document.superseded_by_id) == doc_id)
                .values(superseded_by_id=None)
            )
            s.execute(delete(Passage).where(col(Passage.document_id) == doc_id))
            s.execute(delete(Reference).where(col(Reference.document_id) == doc_id))
            s.execute(delete(DocumentVersion).where(col(DocumentVersion.document_id) == doc_id))
            s.add(
                AuditLog(
                    actor=actor,
                    action="delete",
                    document_id=doc_id,
                    before={"number": doc.number, "title": doc.title, "sha256": doc.sha256},
                )
            )
            s.delete(doc)
            self._bump(s)
        return True


def _save_audit(
    doc: Document, actor: str | None, *, replaced: bool, restored_from: int | None
) -> AuditLog:
    after: dict[str, Any] = {"number": doc.number, "sha256": doc.sha256, "version": doc.version}
    action = "create"
    if restored_from is not None:
        action = "restore_version"
        after["restored_from"] = restored_from
    elif replaced:
        action = "update_version"
    return AuditLog(actor=actor or "", action=action, document_id=doc.id, after=after)
