"""AppTest of the 上传 page: a pasted plan text becomes an atlas in the session."""

from app_fixture import app_test, fixture_atlas

TEXT = """凌海市国民经济和社会发展第十四个五年规划纲要
第一章 空间布局
构建“一核两翼”的空间格局。
一核：以凌海市主城区为核心。
做强锦州港，推进大有农场建设。
地区生产总值年均增长6%。
"""


def test_upload_pasted_text(monkeypatch):
    at = app_test("upload", fixture_atlas(), monkeypatch)
    at.run()
    assert at.header[0].value == "上传规划文本"
    at.text_area[0].input(TEXT)
    at.text_input[0].input("upload-linghai-test")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert at.subheader, "no upload result shown"
    assert "upload-linghai-test" in at.subheader[0].value
    metrics = {m.label: m.value for m in at.metric}
    assert set(metrics) >= {"已落图要素", "指标", "未定位", "用时（秒）"}
    assert float(metrics["用时（秒）"]) < 30
    feats = at.dataframe[0].value
    assert "凌海市" in set(feats["名称"])  # the jurisdiction found from the text
    unresolved = "\n".join(h.proto.body for h in at.get("html"))
    assert "两翼" in unresolved  # named by the slogan, never defined: listed, not drawn


def test_upload_rejects_binary(monkeypatch):
    at = app_test("upload", fixture_atlas(), monkeypatch)
    at.run()
    at.text_area[0].input("")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["请先上传文件或粘贴文本。"]


def test_upload_gbk_file(monkeypatch):
    import pages._support as sup

    entry = sup.run_upload(TEXT.encode("gbk"), "upload-gbk")
    assert entry["lines"][0] == "凌海市国民经济和社会发展第十四个五年规划纲要"
    assert entry["plan"]["plan_id"] == "upload-gbk"
    names = {n for g in entry["frames"].values() for n in g["name"]}
    assert names, "the GBK upload produced no features"
