"""`chinam` command line: ingest, docs, show, delete, ask, eval, serve, bot, db."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from retrieval.service import Runtime, Settings

log = logging.getLogger("chinam")


def _settings(args: argparse.Namespace) -> Settings:
    from retrieval.service import Settings

    overrides: dict[str, Any] = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    return Settings(**overrides)


def _runtime(args: argparse.Namespace, *, load_model: bool = True) -> Runtime:
    from retrieval.service import Runtime

    return Runtime(_settings(args), load_model=load_model)


def _print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str))


def cmd_ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from corpus.ingest import expand_paths, ingest_path

    runtime = _runtime(args)
    settings, store = runtime.settings, runtime.store
    missing = [p for p in args.paths if not Path(p).exists()]
    for p in missing:
        print(f"✗ {p}: không tìm thấy tệp hoặc thư mục.", file=sys.stderr)
    files = list(expand_paths(p for p in args.paths if Path(p).exists()))
    counts = {"added": 0, "updated": 0, "unchanged": 0, "failed": len(missing)}
    bar = tqdm(files, unit="tệp", disable=args.quiet or not sys.stderr.isatty(), file=sys.stderr)
    for path in bar:
        bar.set_postfix_str(path.name[:40])
        outcome = ingest_path(
            store, path, max_bytes=settings.max_upload_bytes, max_chars=settings.max_text_chars
        )
        counts[outcome.status] += 1
        if outcome.status == "failed":
            tqdm.write(f"✗ {path}: {outcome.message}", file=sys.stderr)
        elif not args.quiet:
            tqdm.write(f"{'✓' if outcome.status != 'unchanged' else '='} {path.name}: "
                       f"{outcome.message} [{outcome.number_key or '—'}] {outcome.title[:70]}")
    print(
        f"Tổng kết: {counts['added']} thêm mới, {counts['updated']} cập nhật, "
        f"{counts['unchanged']} không đổi, {counts['failed']} lỗi "
        f"({store.count_documents()} văn bản trong kho)."
    )
    if args.index and counts["added"] + counts["updated"]:
        runtime.after_write(wait=True)
    return 1 if counts["failed"] else 0


def cmd_docs(args: argparse.Namespace) -> int:
    from corpus.store import DocumentFilter

    store = _runtime(args).store
    docs, total = store.list_documents(
        DocumentFilter(doc_type=args.type, text=args.search), limit=args.limit
    )
    if args.json:
        _print_json([_doc_dict(d) for d in docs])
        return 0
    header = f"{'ID':>4}  {'Loại':<12} {'Số/ký hiệu':<22} {'Ngày':<11} {'Cơ quan ban hành':<34}"
    print(f"{header} Trích yếu")
    for d in docs:
        issuer = d.issuer or "—"
        if d.parent_issuer:
            issuer = f"{issuer} ({d.parent_issuer})"
        print(
            f"{d.id:>4}  {d.doc_type[:12]:<12} {(d.number or '—')[:22]:<22} "
            f"{(d.date_text or '—')[:11]:<11} {issuer[:34]:<34} {(d.subject or d.title)[:70]}"
        )
    print(f"({len(docs)}/{total} văn bản)")
    return 0


def _doc_dict(d: Any) -> dict[str, Any]:
    return {
        k: getattr(d, k)
        for k in (
            "id", "doc_type", "number", "number_key", "title", "subject", "issuer",
            "parent_issuer", "place", "date_text", "year", "signer", "signer_title",
            "recipients", "status", "version", "source_name",
        )
    }


def cmd_show(args: argparse.Namespace) -> int:
    from retrieval.service import document_card, find_documents

    store = _runtime(args).store
    docs = find_documents(store, args.target)
    if not docs:
        print(f"Không tìm thấy văn bản '{args.target}'.", file=sys.stderr)
        return 1
    for doc in docs:
        card = document_card(store, doc)
        if args.json:
            _print_json(
                {
                    **_doc_dict(doc),
                    "references": [{"key": link.reference.key, "raw": link.reference.raw,
                                    "relation": link.reference.relation,
                                    "target_id": link.reference.target_id}
                                   for link in card.cites],
                    "cited_by": card.cited_by_ids,
                }
            )
            continue
        for key, value in _doc_dict(doc).items():
            if value not in (None, "", []):
                print(f"{key:>14}: {value}")
        for link in card.cites:
            r = link.reference
            target = f" → #{r.target_id}" if r.target_id else ""
            print(f"{'tham chiếu':>14}: [{r.relation}] {r.key}{target} — {r.raw[:90]}")
        for doc_id in card.cited_by_ids:
            print(f"{'được dẫn bởi':>14}: #{doc_id}")
        print(f"{'số đoạn':>14}: {card.passages}")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    from retrieval.service import DocumentNotFound, delete_document

    try:
        delete_document(_runtime(args).store, args.id, actor="cli")
    except DocumentNotFound as gone:
        print(gone.message, file=sys.stderr)
        return 1
    print(f"Đã xóa văn bản #{args.id}.")
    return 0


def _ask_server(args: argparse.Namespace) -> dict[str, Any] | None:
    """The answer of a `chinam serve` running on this data directory, if one answers."""
    from retrieval.service import local_server

    server = local_server.find(Path(_settings(args).data_dir))
    return local_server.ask(server, args.question) if server is not None else None


def cmd_ask(args: argparse.Namespace) -> int:
    if args.via != "local":
        data = _ask_server(args)
        if data is not None:
            from chinam.answer_text import answer_to_text

            if args.json:
                _print_json(data)
            else:
                print(answer_to_text(data))
            return 0
        if args.via == "server":
            print("Không có `chinam serve` nào đang chạy và trả lời trên thư mục dữ liệu này.",
                  file=sys.stderr)
            return 1
    return _ask_here(args)


def _ask_here(args: argparse.Namespace) -> int:
    from chinam.answer_text import answer_to_text
    from retrieval.answers import answer_to_dict

    runtime = _runtime(args)
    runtime.catch_up()
    answer = runtime.answerer.answer(args.question, channel="cli")
    if args.json:
        _print_json(answer_to_dict(answer))
    else:
        print(answer_to_text(answer))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from corpus.eval_corpus import ingest_jsonl
    from retrieval.evaluate import evaluate, read_queries
    from retrieval.service import Runtime, Settings

    settings = _settings(args) if args.data_dir else Settings(data_dir=Path("data") / "eval")
    runtime = Runtime(settings, load_model=not args.lexical)
    store = runtime.store
    stats = ingest_jsonl(store, Path(args.corpus))
    print(f"Corpus: {stats.documents} documents ({stats.added} newly stored, "
          f"{store.count_passages()} passages)", file=sys.stderr)
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit="passage", desc="embedding", file=sys.stderr)
        bar.n = done
        bar.refresh()

    runtime.catch_up(progress)
    if bar is not None:
        bar.close()
    queries = read_queries(Path(args.queries))
    with tqdm(total=len(queries), unit="q", desc="questions", file=sys.stderr,
              disable=not sys.stderr.isatty()) as qbar:
        report = evaluate(
            runtime.index.searcher, queries, strip=args.strip_diacritics, progress=qbar.update
        )
    report["model"] = runtime.index_state().model_id
    if not args.json:
        _print_eval_table(report)
    _print_json(report)
    return 0


def _print_eval_table(report: dict[str, Any]) -> None:
    print(f"{'slice':<28} {'n':>5} {'R@1':>6} {'R@5':>6} {'R@10':>6} {'MRR@10':>7} "
          f"{'nDCG@10':>8}")
    rows = [("all", {**report, "n": report["n_queries"]}), *report["by_source"].items()]
    for name, m in rows:
        print(f"{name:<28} {m['n']:>5} {m['recall@1']:>6.3f} {m['recall@5']:>6.3f} "
              f"{m['recall@10']:>6.3f} {m['mrr@10']:>7.3f} {m['ndcg@10']:>8.3f}")
    print(f"latency p50 {report['p50_ms']} ms, p95 {report['p95_ms']} ms; "
          f"mode {report['mode']}; model {report['model']}")


def cmd_serve(args: argparse.Namespace) -> int:
    from admin import serve

    return serve(_settings(args), host=args.host, port=args.port)


def cmd_bot(args: argparse.Namespace) -> int:
    from bot import run

    return run(_settings(args))


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from corpus.db import backup_sqlite, make_engine, schema_state, upgrade_schema

    engine = make_engine(_settings(args).db_url, create=False)
    try:
        state = schema_state(engine)
        if state.known and not (state.empty or state.up_to_date):
            backup = backup_sqlite(engine, f"before-{state.head}")
            if backup is not None:
                print(f"Đã sao lưu cơ sở dữ liệu vào {backup}.")
        done = upgrade_schema(engine)
    finally:
        engine.dispose()
    if done.created:
        print(f"Đã tạo cơ sở dữ liệu mới ở phiên bản {done.after}.")
    elif not done.changed:
        print(f"Cơ sở dữ liệu đã ở phiên bản mới nhất ({done.after}), không có gì để làm.")
    else:
        if done.stamped:
            print("Đã nhận ra cơ sở dữ liệu tạo trước khi có migrations: đánh dấu phiên bản gốc.")
        before = "chưa đánh số" if done.before.unversioned else done.before.label
        print(f"Đã nâng cấp cơ sở dữ liệu: {before} → {done.after}.")
    return 0


def cmd_db_current(args: argparse.Namespace) -> int:
    from corpus.db import make_engine, schema_state

    engine = make_engine(_settings(args).db_url, create=False)
    try:
        state = schema_state(engine)
    finally:
        engine.dispose()
    if state.empty:
        verdict = "trống (sẽ được tạo ở phiên bản mới nhất khi dùng lần đầu)"
    elif state.up_to_date:
        verdict = "mới nhất"
    elif state.known:
        verdict = "cần nâng cấp: chạy `chinam db upgrade`"
    else:
        verdict = "phiên bản lạ: cần bản Chỉ Nam mới hơn"
    current = "chưa đánh số" if state.unversioned else state.label
    print(f"Phiên bản hiện tại: {current}; mới nhất: {state.head} ({verdict}).")
    return 0 if state.empty or state.up_to_date else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chinam", description="Chỉ Nam: hỏi đáp văn bản chỉ đạo")
    parser.add_argument("--data-dir", help="thư mục dữ liệu (mặc định CHINAM_DATA_DIR hoặc ./data)")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="nạp tệp hoặc thư mục văn bản")
    p.add_argument("paths", nargs="+")
    p.add_argument("-q", "--quiet", action="store_true")
    p.add_argument("--no-index", dest="index", action="store_false",
                   help="không cập nhật chỉ mục tìm kiếm ngay")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("docs", help="danh sách văn bản")
    p.add_argument("--type")
    p.add_argument("--search")
    p.add_argument("--limit", type=int, default=200)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("show", help="xem một văn bản theo ID hoặc số hiệu")
    p.add_argument("target")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("delete", help="xóa một văn bản")
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_delete)

    p = sub.add_parser("ask", help="đặt câu hỏi")
    p.add_argument("question")
    p.add_argument("--json", action="store_true")
    p.add_argument("--via", choices=["auto", "server", "local"], default="auto",
                   help="auto: hỏi `chinam serve` đang chạy trên cùng thư mục dữ liệu nếu có, "
                        "không thì tự trả lời; server: chỉ hỏi máy chủ; local: tự trả lời")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("eval", help="đánh giá truy hồi trên bộ câu hỏi có nhãn")
    p.add_argument("--corpus", required=True)
    p.add_argument("--queries", required=True)
    p.add_argument("--data-dir", dest="data_dir")
    p.add_argument("--strip-diacritics", action="store_true")
    p.add_argument("--lexical", action="store_true", help="chỉ BM25, không dùng mô hình")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("serve", help="chạy trang quản trị / admin API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("bot", help="chạy bot Telegram")
    p.set_defaults(func=cmd_bot)

    p = sub.add_parser("db", help="lược đồ cơ sở dữ liệu (migrations)")
    db = p.add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="nâng cấp lên phiên bản mới nhất").set_defaults(
        func=cmd_db_upgrade
    )
    db.add_parser("current", help="phiên bản hiện tại").set_defaults(func=cmd_db_current)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from corpus.db import SchemaNotCurrent

    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args))
    except SchemaNotCurrent as refused:
        print(refused.message, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
