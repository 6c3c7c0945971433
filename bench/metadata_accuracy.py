"""Metadata accuracy on the unseen documents (tests/corpus/unseen), per field and per form.

Each document is read as the .docx, as the text PDF LibreOffice printed from it, and as a
scan (printed, stamped with a red seal, signed, rotated, noised, JPEG: tests/corpus/scans.py,
read back by Tesseract), then parsed; every field is compared with expected.json.

    PYTHONPATH=$PWD .venv/bin/python bench/metadata_accuracy.py [--forms docx,pdf,scan]
        [--misses] [--label before|after] [--ocr-cache DIR]

Prints a table (field x form); results go to bench/results/metadata_accuracy.json under the
label.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus.extraction import extract_text  # noqa: E402
from corpus.parsing import parse_document  # noqa: E402
from tests.corpus.unseen_check import FIELDS, UNSEEN, Tally, expected  # noqa: E402
from tests.corpus.unseen_render import to_scan  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "metadata_accuracy.json"
OCR_SECONDS: list[float] = []  # per page, for the scans OCRed in this run


def read(stem: str, form: str, ocr_cache: Path | None = None) -> str:
    if form == "scan":
        cached = ocr_cache / f"{stem}.txt" if ocr_cache else None
        if cached is not None and cached.is_file():
            return cached.read_text(encoding="utf-8")
        scan = to_scan((UNSEEN / f"{stem}.txt").read_text(encoding="utf-8"))
        started = time.monotonic()
        text = extract_text(scan.pdf, f"{stem}-scan.pdf").text
        OCR_SECONDS.append((time.monotonic() - started) / scan.pages)
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_text(text, encoding="utf-8")
        return text
    name = f"{stem}.{form}"
    return extract_text((UNSEEN / name).read_bytes(), name).text


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--forms", default="docx,pdf,scan")
    ap.add_argument("--misses", action="store_true")
    ap.add_argument("--label", default="current")
    ap.add_argument(
        "--ocr-cache",
        type=Path,
        help="keep the OCR text of the scans here (and reuse it: another parser, same OCR)",
    )
    args = ap.parse_args()
    forms = args.forms.split(",")
    tallies: dict[str, Tally] = {}
    for form in forms:
        tally = Tally.empty()
        started = time.monotonic()
        for stem, fields in sorted(expected().items()):
            text = read(stem, form, args.ocr_cache)
            doc = parse_document(text, source_name=f"{stem}.{form}")
            tally.add(f"{stem}.{form}", doc, fields)
        tallies[form] = tally
        print(f"{form}: {len(expected())} documents in {time.monotonic() - started:.0f} s")
    print(f"{'field':<14}" + "".join(f"{form:>8}" for form in forms))
    for name in (*FIELDS, None):
        row = "".join(f"{tallies[f].accuracy(name):8.2f}" for f in forms)
        print(f"{name or 'all':<14}{row}")
    if OCR_SECONDS:
        per_page = sorted(OCR_SECONDS)
        print(f"OCR s/page: median {per_page[len(per_page) // 2]:.1f}, max {per_page[-1]:.1f}")
    if args.misses:
        for form in forms:
            for miss in tallies[form].misses:
                print("  miss:", miss)
    result = {
        form: {name or "all": round(t.accuracy(name), 3) for name in (*FIELDS, None)}
        for form, t in tallies.items()
    }
    saved = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    saved[args.label] = result
    RESULTS.write_text(json.dumps(saved, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
