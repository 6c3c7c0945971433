"""Every package declares what other packages may use (``__all__``), and this pins it.

A change to a package's surface is a change to this file, made on purpose. Imports that
cross from one top-level package into another may reach only declared names: a public
module of a package, or a name its ``__all__`` lists.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOP = ("corpus", "retrieval", "bot", "admin", "chinam")

SURFACES: dict[str, list[str]] = {
    "admin": ["create_app", "serve"],
    "admin.routes": ["documents", "health", "operations"],
    "bot": ["build_application", "run", "serve"],
    "bot.handlers": ["register_handlers"],
    "chinam": ["cli"],
    "corpus": [
        "chunking", "db", "diffing", "docnumbers", "editing", "eval_corpus", "extraction",
        "hashing", "ingest", "labels", "models", "originals", "parsing", "references", "sizes",
        "store", "text", "versions",
    ],
    "corpus.extraction": ["SUPPORTED_SUFFIXES", "Extracted", "ExtractionError", "extract_text"],
    "corpus.parsing": ["ParsedDocument", "parse_document"],
    "corpus.store": [
        "AlreadyStored", "CorpusStore", "DocumentFilter", "DocumentSummary", "OlderContent",
        "PassageRecord",
        "ReferenceLink",
    ],
    "retrieval": ["answers", "encoder", "evaluate", "indexing", "query", "searcher", "service"],
    "retrieval.answers": [
        "Answer", "Answerer", "Citation", "DirectSentence", "DocumentGroup", "Obligation",
        "Quote", "RelatedDocument", "answer_to_dict", "citation_for", "compact_references",
        "is_item_marker", "readable_section", "unmarked",
    ],
    "retrieval.indexing": ["IndexBuilder"],
    "retrieval.service": [
        "ACCEPTED_SUFFIXES", "ACCEPTED_TYPES_TEXT", "CardLink", "Conflict", "DocumentCard",
        "DocumentNotFound", "IndexRefresher", "IndexState", "NotLoaded", "Runtime",
        "ServiceError", "Settings", "TooLarge", "Unreadable", "UnsupportedType", "UploadBusy",
        "UploadError", "Uploaded", "build_index", "check_upload", "delete_document", "document_card",
        "encoder_from", "find_documents", "get_document", "open_store", "printable_text",
        "supersede_document",
        "update_metadata", "upload_file",
        "OlderVersion", "VersionInfo", "document_versions", "restore_version",
        "Preview", "VersionContent", "compare_versions", "parse_upload", "publish_upload",
        "version_content", "version_file", "originals",
        "local_server",
    ],
}


def _packages() -> list[str]:
    found = []
    for top in TOP:
        for init in sorted((ROOT / top).rglob("__init__.py")):
            found.append(".".join(init.parent.relative_to(ROOT).parts))
    return found


def test_every_package_has_a_pinned_surface() -> None:
    assert sorted(_packages()) == sorted(SURFACES)


@pytest.mark.parametrize("package", sorted(SURFACES))
def test_surface_is_as_pinned_and_resolves(package: str) -> None:
    module = importlib.import_module(package)
    declared = getattr(module, "__all__", None)
    assert declared is not None, f"{package} declares no __all__"
    assert sorted(declared) == sorted(SURFACES[package])
    for name in declared:
        if not hasattr(module, name):
            importlib.import_module(f"{package}.{name}")  # a public submodule


def _is_package(dotted: str) -> bool:
    return (ROOT / Path(*dotted.split(".")) / "__init__.py").exists()


def _undeclared(module: str, names: list[str]) -> list[str]:
    """The parts of ``from module import names`` that no surface on the way declares."""
    parts = module.split(".")
    wrong = []
    for depth in range(1, len(parts)):
        package = ".".join(parts[:depth])
        if not _is_package(package):
            return wrong
        if parts[depth] not in SURFACES.get(package, []):
            wrong.append(f"{package}.{parts[depth]}")
    if _is_package(module):
        wrong += [f"{module}.{n}" for n in names if n not in SURFACES.get(module, [])]
    return wrong


def test_other_packages_import_only_declared_names() -> None:
    wrong = []
    for top in TOP:
        for path in sorted((ROOT / top).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    target, names = node.module, [a.name for a in node.names]
                elif isinstance(node, ast.Import):
                    target, names = node.names[0].name, []
                else:
                    continue
                if target.split(".")[0] in TOP and target.split(".")[0] != top:
                    wrong += [f"{path.relative_to(ROOT)}: {w}" for w in _undeclared(target, names)]
    assert wrong == []


def test_an_undeclared_import_is_caught() -> None:
    assert _undeclared("corpus.parsing.header", ["scan_header"]) == ["corpus.parsing.header"]
    assert _undeclared("retrieval.answers", ["Reading"]) == ["retrieval.answers.Reading"]
    assert _undeclared("corpus.store", ["CorpusStore"]) == []
