"""Bad-input matrix (issue 7): the CLI and the upload page refuse bad input clearly.

CLI: every bad plan (empty, blank, binary, wrong or mixed encoding, PDF/DOCX/OLE/PNG passed as
text, missing file, a folder, above the size limit) exits 2 with exactly one line on stderr,
prints nothing on stdout and writes nothing. Upload page (Streamlit AppTest): the same inputs
give one ``st.error`` that says what went wrong, nothing is added to the session, and no
upload name or typed plan id becomes a path.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from app_fixture import app_test, fixture_atlas

from atlas import limits
from atlas.cli import main
from atlas.paths import PLANS, ROOT

GOOD_LINES = (PLANS / "linghai-2021.txt").read_text(encoding="utf-8").splitlines()[:40]
GOOD = "\n".join(GOOD_LINES) + "\n"
SMALL_PLAN = ROOT / "tests" / "fixtures" / "plans" / "own_zhangwu.txt"


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document>锦州市规划</w:document>")
    return buf.getvalue()


#: name → (file bytes, words the one-line message must contain)
BAD_PLANS: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "empty": (b"", ("empty",)),
    "blank": (b" \r\n\t\n  \n", ("empty",)),
    "bom-only": (b"\xef\xbb\xbf", ("empty",)),
    "binary-nul": (bytes(range(256)) * 16, ("binary",)),
    "binary-control": (bytes(range(1, 32)) * 200, ("binary",)),
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", ("PDF", "plain text", "UTF-8")),
    "docx": (_docx(), ("DOCX", "plain text", "GBK")),
    "word-ole": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, ("Word", "plain text")),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ("PNG",)),
    "mixed-encoding": (
        GOOD.encode("utf-8") + "\n".join(GOOD_LINES[:5]).encode("gbk"),
        ("cannot decode", "line 41 is not UTF-8", "UTF-8, GBK/GB18030 or UTF-16"),
    ),
    "shift-jis": (
        "東京都の総合計画、発展する都市を目指す。\n".encode("shift_jis") * 30,
        ("another encoding", "UTF-8, GBK/GB18030 or UTF-16"),
    ),
    "latin-1": (
        "Plan für Köln, Straße und Brücke.\n".encode("latin-1") * 30,
        ("another encoding",),
    ),
    "utf8-bom-on-gbk": (b"\xef\xbb\xbf" + GOOD.encode("gbk"), ("utf-8-sig", "is not")),
    "utf16-bom-odd": (b"\xff\xfe" + GOOD.encode("utf-16-le")[:-1], ("utf-16",)),
}


def _one_line_error(err: str) -> str:
    assert err.startswith("atlas: error: "), err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err[len("atlas: error: ") : -1]


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


# --------------------------------------------------------------------------- CLI: plans


@pytest.mark.parametrize("case", sorted(BAD_PLANS))
def test_extract_refuses_bad_plans(case, tmp_path, capsys):
    data, words = BAD_PLANS[case]
    plan = tmp_path / f"{case}.txt"
    plan.write_bytes(data)
    assert main(["extract", str(plan), "--json"]) == 2
    cap = capsys.readouterr()
    assert cap.out == ""
    msg = _one_line_error(cap.err)
    for w in words:
        assert w in msg, (case, msg)
    assert _files(tmp_path) == {plan.name}  # nothing written next to it


@pytest.mark.parametrize("case", ["empty", "binary-nul", "pdf", "docx", "mixed-encoding"])
def test_build_refuses_bad_plans_and_writes_nothing(case, tmp_path, capsys):
    data, words = BAD_PLANS[case]
    plan = tmp_path / f"{case}.txt"
    plan.write_bytes(data)
    out = tmp_path / "out"
    assert main(["build", str(SMALL_PLAN), str(plan), "--out", str(out)]) == 2
    cap = capsys.readouterr()
    assert words[0] in _one_line_error(cap.err)
    assert not out.exists()
    assert _files(tmp_path) == {plan.name}  # no staging folder left behind


def test_missing_file_folder_and_oversized_plan(tmp_path, capsys):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as fh:  # sparse 50 MB
        fh.seek(50 * 1024 * 1024 - 1)
        fh.write(b"\n")
    cases = {
        str(tmp_path / "nope.txt"): "no such plan file",
        str(tmp_path): "not a file",
        str(huge): f"huge.txt is 52.4 MB; the limit is {limits.MAX_PLAN_MB} MB",
    }
    for path, words in cases.items():
        for argv in (["extract", path, "--json"], ["build", path, "--out", str(tmp_path / "o")]):
            assert main(argv) == 2, argv
            cap = capsys.readouterr()
            assert cap.out == "" and words in _one_line_error(cap.err), (argv, cap.err)
    assert not (tmp_path / "o").exists()


def test_unknown_place_plan(tmp_path, capsys):
    plan = tmp_path / "nowhere.txt"
    plan.write_text(
        "某某县国民经济和社会发展第十四个五年规划纲要\n构建“一核两翼”格局。一核：县城。\n",
        encoding="utf-8",
    )
    # extraction reports what it found, with no jurisdiction
    assert main(["extract", str(plan), "--json"]) == 0
    assert '"adcode": ""' in capsys.readouterr().out
    # a build cannot place it: exit 2, one line, nothing written
    out = tmp_path / "out"
    assert main(["build", str(plan), "--out", str(out)]) == 2
    msg = _one_line_error(capsys.readouterr().err)
    assert msg == "nowhere: cannot tell which place the plan covers (no jurisdiction found)"
    assert not out.exists()


def test_build_out_is_a_file(tmp_path, capsys):
    target = tmp_path / "atlas"
    target.write_bytes(b"keep me")
    assert main(["build", str(SMALL_PLAN), "--out", str(target)]) == 2
    assert _one_line_error(capsys.readouterr().err) == f"--out {target} is a file, not a folder"
    assert target.read_bytes() == b"keep me"


# --------------------------------------------------------------------------- CLI: names


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["geocode", "火星基地"], "no place named '火星基地' in the gazetteer"),
        (["geocode", "  "], "a place name is required"),
        (["geocode", "锦州", "--scope", "999999"], "unknown scope '999999'"),
    ],
)
def test_geocode_unknown_names(argv, message, capsys):
    assert main(argv) == 2
    cap = capsys.readouterr()
    assert cap.out == "" and message in _one_line_error(cap.err)


def test_geocode_json_of_an_unknown_name_is_an_empty_list(capsys):
    assert main(["geocode", "火星基地", "--json"]) == 0
    assert '"candidates": []' in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["snapshot", "--plan", "no-such-plan", "--out", "{tmp}/x.png"],
        ["deck", "--plan", "no-such-plan", "--out", "{tmp}/x.pptx"],
        ["webmap", "--plan", "no-such-plan", "--out", "{tmp}/x.html"],
    ],
    ids=["snapshot", "deck", "webmap"],
)
def test_renderers_refuse_an_unknown_plan(argv, tmp_path, capsys):
    build = fixture_atlas().parent
    argv = [a.format(tmp=tmp_path) for a in argv] + ["--build", str(build)]
    assert main(argv) == 2
    msg = _one_line_error(capsys.readouterr().err)
    assert "no-such-plan" in msg, msg
    assert _files(tmp_path) == set()


@pytest.mark.parametrize("cmd", ["snapshot", "deck", "webmap"])
def test_renderers_refuse_a_missing_build(cmd, tmp_path, capsys):
    ext = {"snapshot": "png", "deck": "pptx", "webmap": "html"}[cmd]
    argv = [cmd, "--plan", "jinzhou-2021", "--build", str(tmp_path / "nobuild")]
    assert main([*argv, "--out", str(tmp_path / f"x.{ext}")]) == 2
    msg = _one_line_error(capsys.readouterr().err)
    assert "nobuild" in msg, msg
    assert _files(tmp_path) == set()


# --------------------------------------------------------------------------- upload page


class FakeUpload(SimpleNamespace):
    """What ``st.file_uploader`` returns (AppTest cannot drive the real widget)."""

    def getvalue(self) -> bytes:
        return self.data


def _upload_page(monkeypatch, name: str | None = None, data: bytes = b""):
    import streamlit

    up = FakeUpload(name=name, data=data, size=len(data), type="text/plain") if name else None
    monkeypatch.setattr(streamlit, "file_uploader", lambda *a, **k: up)
    at = app_test("upload", fixture_atlas(), monkeypatch)
    at.run()
    assert not at.exception
    return at


def _generate(at):
    at.button[0].click().run()
    assert not at.exception
    return [e.value for e in at.error]


def _uploads(at) -> dict:
    state = at.session_state  # AppTest's proxy has no .get
    return state["atlas_uploads"] if "atlas_uploads" in state else {}  # noqa: SIM401


@pytest.mark.parametrize(
    "case", ["empty", "binary-nul", "pdf", "docx", "mixed-encoding", "utf8-bom-on-gbk"]
)
def test_upload_page_refuses_bad_files(case, monkeypatch):
    data, words = BAD_PLANS[case]
    at = _upload_page(monkeypatch, f"{case}.txt", data)
    errors = _generate(at)
    assert len(errors) == 1, errors
    if case == "empty":
        assert errors == ["请先上传文件或粘贴文本。"]
    else:
        assert errors[0].startswith("无法读取这份文本：")
        for w in words:
            assert w in errors[0], errors
    assert _uploads(at) == {}


def test_upload_page_refuses_unknown_place(monkeypatch):
    at = _upload_page(monkeypatch)
    at.text_area[0].input("某某县国民经济和社会发展第十四个五年规划纲要\n构建“一核两翼”格局。\n")
    errors = _generate(at)
    assert errors == [
        "无法读取这份文本：upload-plan: cannot tell which place the plan covers "
        "(no jurisdiction found)"
    ]
    assert _uploads(at) == {}


def test_upload_size_cap(monkeypatch):
    big = ("锦州市" * (limits.MAX_UPLOAD_BYTES // 9 + 1)).encode("utf-8")
    assert len(big) > limits.MAX_UPLOAD_BYTES
    at = _upload_page(monkeypatch, "big.txt", big)
    errors = _generate(at)
    assert errors == [
        f"文本太大（{limits.human_size(len(big))}），上传上限为 {limits.MAX_UPLOAD_MB} MB。"
    ]
    assert _uploads(at) == {}


def test_upload_cap_and_types_are_configured_consistently():
    import tomllib

    conf = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert conf["server"]["maxUploadSize"] == limits.MAX_UPLOAD_MB
    assert limits.MAX_UPLOAD_BYTES <= limits.MAX_PLAN_BYTES
    page = (ROOT / "pages" / "upload.py").read_text(encoding="utf-8")
    assert "type=list(limits.UPLOAD_TYPES)" in page


def test_upload_gbk_plan_is_read(monkeypatch):
    at = _upload_page(monkeypatch, "凌海.txt", GOOD.encode("gbk"))
    assert _generate(at) == []
    ups = _uploads(at)
    assert list(ups) == ["upload-plan"]  # non-ASCII file name: the default id
    assert ups["upload-plan"]["lines"] == GOOD_LINES
    assert ups["upload-plan"]["plan"]["adcode"] == "210781"


@pytest.mark.parametrize(
    ("name", "typed", "expected"),
    [
        ("../../etc/passwd.txt", None, "upload-etc-passwd"),
        ("..\\..\\windows\\win.ini.txt", None, "upload-windows-win-ini"),
        ("plan.txt", "../../../tmp/evil", "tmp-evil"),
        ("plan.txt", "/etc/cron.d/x", "etc-cron-d-x"),
        ("plan.txt", "..", "upload-plan"),
    ],
)
def test_upload_names_never_become_paths(name, typed, expected, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    at = _upload_page(monkeypatch, name, GOOD.encode("utf-8"))
    if typed is not None:
        at.text_input[0].input(typed)
    assert _generate(at) == []
    ups = _uploads(at)
    assert list(ups) == [expected]
    assert ups[expected]["plan"]["plan_id"] == expected
    assert "/" not in expected and "\\" not in expected and ".." not in expected
    assert _files(tmp_path) == set()  # an upload writes no file at all


def test_uploads_stay_in_their_session(monkeypatch):
    a = _upload_page(monkeypatch)
    a.text_input[0].input("upload-mine")
    a.text_area[0].input(GOOD)
    assert _generate(a) == []
    b = _upload_page(monkeypatch)  # another user, another session
    assert _uploads(b) == {}
    assert [s.value for s in b.subheader] == []
    # the other user uploads a different text under the same id: A's upload is untouched
    other = "\n".join((PLANS / "zhanqian-2021.txt").read_text(encoding="utf-8").splitlines()[:30])
    b.text_input[0].input("upload-mine")
    b.text_area[0].input(other)
    assert _generate(b) == []
    assert _uploads(a)["upload-mine"]["lines"] == GOOD_LINES
    assert _uploads(b)["upload-mine"]["lines"] == other.splitlines()
    assert _uploads(a)["upload-mine"]["plan"]["adcode"] == "210781"
    assert _uploads(b)["upload-mine"]["plan"]["adcode"] == "210802"
    # a third session's map page lists the built plans only
    c = app_test("map", fixture_atlas(), monkeypatch)
    c.run()
    assert not c.exception
    assert not [o for o in c.selectbox(key="map_plan").options if "upload-mine" in o]
    a.switch_page("pages/map.py").run()
    assert not a.exception
    assert [o for o in a.selectbox(key="map_plan").options if "（upload-mine）" in o]


@pytest.mark.parametrize("start", [100, 300, 900])
def test_untitled_excerpts_are_never_placed_outside_liaoning(start, tmp_path, capsys):
    """A pasted chapter has no title: the jurisdiction is 辽宁's or none (then exit 2)."""
    lines = (PLANS / "jinzhou-2021.txt").read_text(encoding="utf-8").splitlines()
    plan = tmp_path / "excerpt.txt"
    plan.write_text("\n".join(lines[start : start + 80]) + "\n", encoding="utf-8")
    assert main(["extract", str(plan), "--json"]) == 0
    adcode = json.loads(capsys.readouterr().out)["adcode"]
    assert adcode == "" or adcode.startswith("21"), adcode


HOSTILE_PARAMS = {
    "plan": "<script>alert(1)</script>",
    "feature": '"><img src=x onerror=alert(1)>',
    "layers": "layout:<b>~~~-~park~nope",
    "overlay": "gdp:<script>",
    "basemap": "javascript:alert(1)",
    "center": "nan,inf",
    "zoom": "inf",
    "line": "-99999999999999999999",
    "a": "../../etc/passwd",
}


@pytest.mark.parametrize("page", ["map", "reader", "indicators", "compare", "export", "upload"])
def test_pages_survive_hostile_query_parameters(page, monkeypatch):
    at = app_test(page, fixture_atlas(), monkeypatch, **HOSTILE_PARAMS)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    body = "\n".join(h.proto.body for h in at.get("html"))
    for raw in ("<script>alert(1)", "<img src=x onerror=alert(1)>", "<b>~"):
        assert raw not in body
    assert at.header  # the page rendered its header, not an error page


def test_unwritable_outputs_exit_2(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_bytes(b"x")
    # a build whose --out lies under a file
    assert main(["build", str(SMALL_PLAN), "--out", str(blocker / "sub")]) == 2
    msg = _one_line_error(capsys.readouterr().err)
    assert msg.startswith(f"cannot write or read {blocker}"), msg
    assert blocker.read_bytes() == b"x"
    # a snapshot whose --out is a folder
    folder = tmp_path / "x.png"
    folder.mkdir()
    argv = ["snapshot", "--plan", "fixture-city", "--build", str(fixture_atlas().parent)]
    assert main([*argv, "--out", str(folder)]) == 2
    msg = _one_line_error(capsys.readouterr().err)
    assert msg.endswith("x.png: Is a directory"), msg
    assert list(folder.iterdir()) == []


def test_build_refuses_a_plan_given_twice(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(SMALL_PLAN), str(SMALL_PLAN), "--out", str(out)]) == 2
    assert _one_line_error(capsys.readouterr().err) == "plan own_zhangwu given twice"
    assert not out.exists()


def test_a_file_name_with_a_line_break_still_gives_one_line(tmp_path, capsys):
    plan = tmp_path / "bad\nname.txt"
    plan.write_bytes(b"")
    assert main(["extract", str(plan)]) == 2
    assert _one_line_error(capsys.readouterr().err) == "plan file is empty"
    assert main(["extract", str(tmp_path / "no\nsuch.txt")]) == 2
    msg = _one_line_error(capsys.readouterr().err)
    assert msg.startswith("no such plan file: ") and msg.endswith("no such.txt")


def test_upload_with_a_malformed_curated_spec_shows_one_error(monkeypatch, tmp_path):
    from atlas import paths

    layers = tmp_path / "layers"
    layers.mkdir()
    (layers / "upload-mine.yaml").write_text("changes: [\n  - op: add\n", encoding="utf-8")
    monkeypatch.setattr(paths, "LAYERS", layers)
    at = _upload_page(monkeypatch)
    at.text_input[0].input("upload-mine")
    at.text_area[0].input(GOOD)
    assert _generate(at) == ["无法读取这份文本：upload-mine.yaml: not valid YAML (line 2)"]
    assert _uploads(at) == {}


# ----------------------------------------------------------------- crafted sizes (issue 17)


def _timed_cli(argv: list[str], cwd: Path) -> tuple[int, str, float, int]:
    """Run ``atlas`` in a child process: exit code, stderr, seconds, peak RSS in MB."""
    import os
    import subprocess
    import sys
    import time

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # VmHWM (peak RSS of this process image): ru_maxrss would carry pytest's own peak over
    # fork + exec on Linux
    code = (
        "import sys\nfrom atlas.cli import main\nrc = main(sys.argv[1:])\n"
        "hwm = [x for x in open('/proc/self/status') if x.startswith('VmHWM')][0].split()[1]\n"
        "sys.stderr.write(f'#RSS {hwm}\\n')\n"
        "sys.exit(rc)\n"
    )
    t0 = time.perf_counter()
    p = subprocess.run(
        [sys.executable, "-c", code, *argv], cwd=cwd, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - t0
    lines = p.stderr.splitlines()
    rss = [int(x.split()[1]) for x in lines if x.startswith("#RSS ")]
    err = "".join(x + "\n" for x in lines if not x.startswith("#RSS "))
    return p.returncode, err, seconds, (rss[0] // 1024 if rss else 0)


@pytest.mark.timing
@pytest.mark.parametrize("cmd", ["extract", "build"])
def test_a_3gb_sparse_file_is_refused_before_reading(cmd, tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(3 * 1024**3)  # sparse: no disk used
    argv = [cmd, str(big)] + (["--out", str(tmp_path / "out")] if cmd == "build" else [])
    rc, err, seconds, rss = _timed_cli(argv, tmp_path)
    assert rc == 2
    assert "the limit is 20 MB" in _one_line_error(err)
    assert seconds < 1.0 and rss < 300, (seconds, rss)
    assert not (tmp_path / "out").exists()


def test_bounded_read_refuses_a_file_that_grows_past_its_stat(tmp_path, monkeypatch):
    from atlas.errors import PlanFormatError
    from atlas.read import text

    p = tmp_path / "grows.txt"
    p.write_bytes(b"a" * 100)
    monkeypatch.setattr(text, "MAX_BYTES", 50 + 100)
    p.write_bytes("锦州市规划。\n".encode() * 20)  # 340 bytes > 150: refused by stat
    with pytest.raises(PlanFormatError, match="limit"):
        text.read_plan_bytes(p)
    monkeypatch.setattr(text, "check_plan_file", lambda path: 0)  # a device reporting size 0
    with pytest.raises(PlanFormatError, match="over the limit"):
        text.read_plan_bytes(p)


def test_a_million_one_character_lines_are_refused_quickly(tmp_path):
    plan = tmp_path / "lines.txt"
    plan.write_text("一\n" * 1_000_000, encoding="utf-8")
    rc, err, seconds, rss = _timed_cli(["extract", str(plan)], tmp_path)
    assert rc == 2
    msg = _one_line_error(err)
    assert msg == (f"plan text has 1,000,000 lines; the limit is {limits.MAX_PLAN_LINES:,} lines")
    assert seconds < 20 and rss < 400, (seconds, rss)
