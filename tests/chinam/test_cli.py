"""The `chinam` command line on the embedded default (SQLite in a data dir), lexical-only."""

import json
from pathlib import Path

import pytest

from chinam.cli import main
from tests.conftest import SAMPLES


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CHINAM_EMBEDDING_MODEL", "")
    monkeypatch.delenv("CHINAM_DATABASE_URL", raising=False)
    return tmp_path / "data"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_ingest_twice_is_a_no_op(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--data-dir", str(data_dir), "ingest", "-q", str(SAMPLES))
    assert code == 0 and "7 thêm mới" in out and "0 lỗi" in out
    code, out, _ = _run(capsys, "--data-dir", str(data_dir), "ingest", "-q", str(SAMPLES))
    assert code == 0 and "0 thêm mới" in out and "7 không đổi" in out and "(7 văn bản" in out


def test_failures_set_the_exit_status(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "zero.txt").write_bytes(b"")
    (bad / "blob.pdf").write_bytes(b"%PDF-1.4 garbage")
    (bad / "ok.txt").write_text("Công văn số 12/SGDĐT-VP\nV/v nghỉ lễ\n\nCác trường thực hiện nghỉ lễ.", "utf-8")
    code, out, err = _run(capsys, "--data-dir", str(data_dir), "ingest", "-q", str(bad), str(tmp_path / "missing"))
    assert code == 1
    assert "zero.txt" in err and "blob.pdf" in err and "missing" in err
    assert "1 thêm mới" in out and "3 lỗi" in out


def test_docs_show_delete(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(capsys, "--data-dir", str(data_dir), "ingest", "-q", "--no-index", str(SAMPLES))
    code, out, _ = _run(capsys, "--data-dir", str(data_dir), "docs", "--json")
    docs = {d["source_name"]: d for d in json.loads(out)}
    seed = next(d for name, d in docs.items() if name.startswith("seed-000"))
    assert seed["doc_type"] == "Công văn" and seed["date_text"] == "11/2021"
    code, out, _ = _run(capsys, "--data-dir", str(data_dir), "show", "5208/BGDĐT-GDPT", "--json")
    assert code == 0 and json.loads(out)["number"] == "5208/BGDĐT-GDPT"
    code, out, _ = _run(capsys, "--data-dir", str(data_dir), "show", str(seed["id"]), "--json")
    refs = [r["key"] for r in json.loads(out)["references"]]
    assert refs == ["NQ 02-NQ/TW 2021", "KH 37-KH/TU 2021", "CV 11276 2021"]
    assert _run(capsys, "--data-dir", str(data_dir), "delete", str(seed["id"]))[0] == 0
    assert _run(capsys, "--data-dir", str(data_dir), "show", str(seed["id"]))[0] == 1
    assert _run(capsys, "--data-dir", str(data_dir), "delete", "9999")[0] == 1


def test_ask_lexical_only_answers_with_the_seed(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(capsys, "--data-dir", str(data_dir), "ingest", "-q", str(SAMPLES))
    code, out, _ = _run(capsys, "--data-dir", str(data_dir), "ask", "cac don vi phai lam gi theo nq 02", "--json")
    answer = json.loads(out)
    assert code == 0 and answer["status"] == "answered" and answer["mode"] == "lexical"
    assert "02-NQ/TW" in answer["groups"][0]["citation"]["line"]


def test_unknown_command_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2
