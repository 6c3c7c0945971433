"""How a document is named for people: one home for the labels every front end prints.

- :func:`document_label`: the full line ("Công văn số 5208/BGDĐT-GDPT của Bộ GDĐT: hướng
  dẫn …"), also the context line every passage is embedded under (:func:`passage_context`);
- :func:`document_title`: the heading of a document card ("Công văn số 5208/BGDĐT-GDPT");
- :func:`short_label`: type and number without "số", for lists ("Công văn 5208/BGDĐT-GDPT"),
  with :func:`status_suffix` (" [ĐÃ BỊ THAY THẾ]") when the document is no longer in force;
- :func:`reference_label`: a cited document that is not in the corpus, from the citation.
"""

from __future__ import annotations

from corpus.docnumbers import NEWS_TYPE
from corpus.models import Document, DocumentStatus

SHORT_LABEL_MAX_CHARS = 80
REFERENCE_LABEL_MAX_CHARS = 120


def document_label(doc: Document) -> str:
    """One line naming a document: "Công văn số 5208/BGDĐT-GDPT của Bộ GDĐT: hướng dẫn …".

    News articles, and documents with neither number nor subject, go by their title.
    """
    if doc.doc_type == NEWS_TYPE or not (doc.number or doc.subject):
        return doc.title or doc.doc_type
    head = doc.doc_type
    if doc.number:
        head += f" {doc.number}" if doc.number.startswith("/") else f" số {doc.number}"
    if doc.issuer:
        head += f" của {doc.issuer}"
    if doc.subject:
        head += f": {doc.subject}"
    return head


def follow_number(text: str | None, old: str | None, new: str | None) -> str | None:
    """``text`` (a title, a trích yếu) with the number ``old`` it names written as ``new``:
    derived fields follow a corrected number ("Kế hoạch 45/KH-CĐN" -> "Kế hoạch 46/KH-CĐN")."""
    if not text or not old or not new or old == new:
        return text
    return text.replace(old, new)


def passage_context(doc: Document, heading_trail: str) -> str:
    """The context line a passage is embedded and hashed with: the document's label, then the
    trail of headings above the passage ("Chương II > Điều 5")."""
    label = document_label(doc)
    return f"{label} — {heading_trail}" if heading_trail else label


def document_title(doc: Document) -> str:
    """The heading of a document: "Công văn số 5208/BGDĐT-GDPT"; news articles and documents
    without a number go by their title (or, without one, their type)."""
    if doc.doc_type == NEWS_TYPE or not doc.number:
        return doc.title or doc.doc_type
    return f"{doc.doc_type} số {doc.number}"


def short_label(doc: Document) -> str:
    """Type and number, "Công văn 5208/BGDĐT-GDPT"; a number left blank on the document
    ("Số: /SGDĐT-TC") names its issuer too; without a number, the title cut to 80 characters."""
    if doc.number:
        label = f"{doc.doc_type} {doc.number}"
        if doc.issuer and not any(c.isdigit() for c in doc.number):
            label += f" của {doc.issuer}"
        return label
    return doc.title[:SHORT_LABEL_MAX_CHARS]


def status_suffix(doc: Document) -> str:
    """"" for a document in force, else its status in capitals: " [ĐÃ BỊ THAY THẾ]"."""
    if doc.status == DocumentStatus.IN_FORCE:
        return ""
    return f" [{DocumentStatus.LABELS.get(doc.status, doc.status).upper()}]"


def reference_label(ref_type: str | None, number: str | None, raw: str) -> str:
    """A cited document by what the citation prints: "Công văn 11276/UBND-VHXXH" (type and
    number), the number alone, or the citation's text cut to 120 characters."""
    if number:
        return f"{ref_type} {number}" if ref_type else number
    return raw[:REFERENCE_LABEL_MAX_CHARS]
