#!/usr/bin/env python3
"""Check bench/staff/questions.jsonl against the documents it points to.

Stdlib only. Reads the question set and the documents in ../shared/seeds and
../shared/corpus-samples (relative to the repository root), normalises only
Unicode NFC and runs of white space, and exits non-zero listing:

- every phrase that is not found verbatim in any of the question's documents,
- every id that is duplicated,
- every document name that does not exist,
- every malformed record (missing field, wrong type, phrase count or length
  outside the rules, an unanswerable question that carries phrases, a
  no_diacritics question that has diacritics, ...),
- mix targets that are not met (size, share without diacritics, share unanswerable).

It always prints the tag counts and percentages.

Usage: python3 bench/staff/check_questions.py [--questions PATH] [--root DIR] [--heldout]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent

FIELDS = {
    "id": str,
    "question": str,
    "tags": list,
    "answerable": bool,
    "documents": list,
    "numbers": list,
    "phrases": list,
    "note": str,
}
KNOWN_TAGS = {
    "seed", "actor", "deadline", "graph", "yes_no", "colloquial", "abbreviation",
    "no_diacritics", "short", "long", "unanswerable", "absent_document", "small_talk",
}
MIN_QUESTIONS = 130
MIN_HELDOUT = 60  # the held-out set: fewer questions, no seed forms required
MIN_NO_DIACRITICS = 0.25
MIN_UNANSWERABLE = 0.15
PHRASES_MIN, PHRASES_MAX = 2, 4
WORDS_MIN, WORDS_MAX = 5, 15
SEED_FORMS = (
    "Các đơn vị phải làm gì để thực hiện Nghị quyết 02?",
    "cac don vi phai lam gi de thuc hien nghi quyet 02",
)
_WS = re.compile(r"\s+")


def norm(text: str) -> str:
    """NFC plus one space for every run of white space; nothing else."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def document_text(path: Path) -> str:
    """The document's own text: the corpus-samples files open with two lines
    written by whoever collected them ('# source: ...', '# title: ...'),
    which are not part of the document and are skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    while lines and (lines[0].startswith("# source:") or lines[0].startswith("# title:")):
        lines.pop(0)
    return norm("\n".join(lines))


def load_documents(root: Path) -> dict[str, str]:
    docs: dict[str, str] = {}
    for sub in ("seeds", "corpus-samples"):
        folder = root / sub
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.txt")):
            docs[path.name] = document_text(path)
    return docs


def has_diacritics(text: str) -> bool:
    return any(ord(ch) > 127 for ch in text)


def check(questions_path: Path, root: Path, heldout: bool = False) -> int:
    docs = load_documents(root)
    problems: list[str] = []
    if not docs:
        problems.append(f"no documents found under {root}/seeds or {root}/corpus-samples")

    records = []
    for lineno, line in enumerate(questions_path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {lineno}: not JSON ({exc})")
            continue
        records.append((lineno, rec))

    ids = Counter(rec.get("id") for _, rec in records)
    for qid, n in sorted(ids.items(), key=lambda kv: str(kv[0])):
        if n > 1:
            problems.append(f"duplicated id {qid!r} ({n} times)")

    tag_counts: Counter[str] = Counter()
    doc_counts: Counter[str] = Counter()
    questions_seen = set()
    for lineno, rec in records:
        where = f"line {lineno} ({rec.get('id', '?')})"
        bad_fields = False
        for field, kind in FIELDS.items():
            if field not in rec:
                problems.append(f"{where}: missing field {field!r}")
                bad_fields = True
            elif not isinstance(rec[field], kind):
                problems.append(f"{where}: field {field!r} should be {kind.__name__}")
                bad_fields = True
        if bad_fields:
            continue
        question = rec["question"]
        questions_seen.add(question)
        if not question.strip():
            problems.append(f"{where}: empty question")
        if unicodedata.normalize("NFC", question) != question:
            problems.append(f"{where}: question is not NFC")
        tags = rec["tags"]
        tag_counts.update(set(tags))
        for tag in tags:
            if tag not in KNOWN_TAGS:
                problems.append(f"{where}: unknown tag {tag!r}")
        if "no_diacritics" in tags and has_diacritics(question):
            problems.append(f"{where}: tagged no_diacritics but has non-ASCII characters")

        names = rec["documents"]
        for name in names:
            if name not in docs:
                problems.append(f"{where}: document does not exist: {name!r}")
            doc_counts[name] += 1

        phrases = rec["phrases"]
        if rec["answerable"]:
            if not names:
                problems.append(f"{where}: answerable but no documents")
            if not PHRASES_MIN <= len(phrases) <= PHRASES_MAX:
                want = f"{PHRASES_MIN}-{PHRASES_MAX}"
                problems.append(f"{where}: {len(phrases)} phrases (want {want})")
            if "unanswerable" in tags or "small_talk" in tags:
                problems.append(f"{where}: answerable but tagged unanswerable/small_talk")
        else:
            if phrases:
                problems.append(f"{where}: unanswerable but has phrases")
            if not ({"unanswerable", "small_talk"} & set(tags)):
                problems.append(f"{where}: answerable=false needs tag unanswerable or small_talk")
            if "small_talk" in tags and names:
                problems.append(f"{where}: small talk must have no documents")
        if "absent_document" in tags and "unanswerable" not in tags:
            problems.append(f"{where}: absent_document should also be tagged unanswerable")

        texts = [docs[n] for n in names if n in docs]
        for phrase in phrases:
            if not isinstance(phrase, str):
                problems.append(f"{where}: phrase is not a string: {phrase!r}")
                continue
            words = len(norm(phrase).split(" "))
            if not WORDS_MIN <= words <= WORDS_MAX:
                want = f"{WORDS_MIN}-{WORDS_MAX}"
                problems.append(f"{where}: phrase has {words} words (want {want}): {phrase!r}")
            if texts and not any(norm(phrase) in t for t in texts):
                problems.append(f"{where}: phrase not found in {', '.join(names)}: {phrase!r}")
        if rec["answerable"]:
            for name in names:
                found = any(isinstance(p, str) and norm(p) in docs.get(name, "") for p in phrases)
                if name in docs and not found:
                    problems.append(f"{where}: no phrase occurs in listed document {name!r}")

    for form in () if heldout else SEED_FORMS:
        if form not in questions_seen:
            problems.append(f"seed question missing: {form!r}")

    total = len(records)
    print(f"{total} questions, {len(docs)} documents")
    print("tags:")
    for tag, n in sorted(tag_counts.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {tag:16s} {n:4d}  {100.0 * n / max(total, 1):5.1f} %")
    print("documents (questions naming each):")
    for name in sorted(docs):
        print(f"  {doc_counts.get(name, 0):4d}  {name}")

    least = MIN_HELDOUT if heldout else MIN_QUESTIONS
    if total < least:
        problems.append(f"only {total} questions (want at least {least})")
    for tag, floor in (("no_diacritics", MIN_NO_DIACRITICS), ("unanswerable", MIN_UNANSWERABLE)):
        share = tag_counts[tag] / total if total else 0.0
        if share < floor:
            problems.append(f"{tag} share {share:.1%} < {floor:.0%}")

    if problems:
        print(f"\n{len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    print("\nOK")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--questions", type=Path, default=HERE / "questions.jsonl")
    ap.add_argument("--root", type=Path, default=REPO_ROOT.parent / "shared",
                    help="folder holding seeds/ and corpus-samples/ "
                         "(default: ../shared from the repository root)")
    ap.add_argument("--heldout", action="store_true",
                    help=f"a held-out set: at least {MIN_HELDOUT} questions, no seed forms")
    args = ap.parse_args(argv)
    return check(args.questions, args.root, heldout=args.heldout)


if __name__ == "__main__":
    sys.exit(main())
