"""Every page of the app, rendered by Streamlit's AppTest against a real scored store: no
exception, the key elements, the language switch."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from clawback.algorithms.results import load_result, results_dir
from clawback.app import fmt
from tests.app.conftest import MAIN


def _app(page: str | None = None, case: str | None = None, lang: str = "zh") -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=60)
    if case:
        at.query_params["case"] = case
    at.run()
    assert not at.exception, at.exception
    if lang == "en":
        at.sidebar.radio(key="lang").set_value("en").run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _text(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "subheader", "caption", "markdown", "warning",
                                  "info", "error", "success")
             for e in getattr(at, kind)]
    parts += [m.label + " " + m.value for m in at.metric]
    return "\n".join(str(p) for p in parts)


def test_portfolio_ranks_the_debtors_in_both_languages(app_env):
    scores = load_result(results_dir(app_env)).scores
    at = _app()
    assert at.title[0].value == "优先追索对象"
    frame = at.dataframe[0].value
    assert list(frame["案号"]) == list(scores["case_id"])   # ranked as scored
    assert {"K04", "K08"} <= set(frame["案号"][:5])          # the scenarios' clear evasions
    assert set(frame["研判结论"]) >= {"疑似逃债", "需复核", "诚实而不幸"}
    top = float(scores["recoverable_estimate"].iloc[0])
    assert frame["可追回估计"][0] == fmt.money(top, "CNY", "zh") and "万" in frame["可追回估计"][0]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["案件数"] == str(len(scores))
    assert metrics["疑似逃债"] == str(int((scores["triage"] == "likely_evasion").sum()))
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Who to pursue first"
    frame = at.dataframe[0].value
    assert frame["Recoverable estimate"][0] == f"CNY {top:,.0f}"
    assert {m.label for m in at.metric} >= {"Cases", "Likely evasion"}


def test_portfolio_filters_narrow_the_table(app_env):
    at = _app(lang="en")
    scores = load_result(results_dir(app_env)).scores
    honest = set(scores.loc[scores["triage"] == "honest_unfortunate", "case_id"])
    assert {"K02", "K11", "K12"} <= honest
    at.multiselect(key="f_triage").set_value(["honest_unfortunate"]).run()
    assert not at.exception
    frame = at.dataframe[0].value
    assert set(frame["Case"]) == honest
    assert {m.label: m.value for m in at.metric}["Cases"] == str(len(honest))


def _evidence(store, case_id: str, signal: str) -> str:
    hits = load_result(results_dir(store)).hits
    return str(hits[(hits["case_id"] == case_id) & (hits["signal"] == signal)]["evidence"].iloc[0])


def test_debtor_page_shows_waterfall_rules_evidence_and_tables(app_env):
    divorce_transfer = _evidence(app_env, "K04", "S04").split(";")[0]
    at = _app("views/debtor.py", case="K04", lang="en")
    text = _text(at)
    assert at.title[0].value.endswith("K04")
    assert "Score waterfall" in text and "Timeline" in text and "Traced fund paths" in text
    assert "divorced" in text                      # S04's sentence
    assert "CN-MFI2-3" in text                     # its rule, with its verification level
    assert "SZ-REVOCABLE" in text and "UNCONFIRMED" in text
    frames = [d.value for d in at.dataframe]
    assert any(divorce_transfer in set(f.get("transfer_id", [])) for f in frames)  # evidence
    assert any("X04" in set(f.get("person_id", [])) for f in frames)       # the former spouse
    html = at.get("iframe")[0].proto.srcdoc if at.get("iframe") else ""
    assert "vis.Network" in html and "cdnjs" not in html and "jsdelivr" not in html
    assert "X04" in html


def test_debtor_page_traces_a_layered_path_and_speaks_chinese(app_env):
    chain = _evidence(app_env, "K06", "S08").split(";")[0].split("→")
    assert len(chain) == 2
    at = _app("views/debtor.py", case="K06")
    text = _text(at)
    assert "评分构成" in text and "资金追踪路径" in text
    paths = next(d.value for d in at.dataframe if "跳" in d.value.columns)
    assert list(paths["transfer_id"]) == chain
    assert list(paths["跳"]) == [1, 2]
    assert "子女六" in set(paths["收款方"])


def test_honest_debtor_has_no_findings(app_env):
    at = _app("views/debtor.py", case="K02", lang="en")
    assert any("No signal fired" in s.value for s in at.success)


def test_communities_page(app_env):
    at = _app("views/communities.py", case="K06", lang="en")
    text = _text(at)
    assert "Communities" in text and "Enablers" in text and "Members" in text
    members = at.dataframe[-1].value
    assert "D06" in set(members["party_id"])
    at.sidebar.radio(key="lang").set_value("zh").run()
    assert not at.exception and "成员" in _text(at)


def test_queries_page_console_reads_and_refuses_writes(app_env):
    at = _app("views/queries.py", lang="en")
    assert "Read-only Cypher console" in _text(at)
    at.text_area(key="console_text").set_value(
        "MATCH (c:Proceeding) RETURN c.case_id AS case_id ORDER BY case_id LIMIT 3")
    at.button(key="console_run").click().run()
    assert not at.exception
    assert list(at.dataframe[-1].value["case_id"]) == ["K01", "K02", "K03"]
    at.text_area(key="console_text").set_value("MATCH (p:Person) SET p.name = 'x' RETURN p")
    at.button(key="console_run").click().run()
    assert not at.exception
    assert any("read-only" in e.value for e in at.error)


def test_missing_store_explains_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAWBACK_STORE", str(tmp_path / "missing"))
    monkeypatch.delenv("CLAWBACK_NEO4J_URI", raising=False)
    at = AppTest.from_file(MAIN, default_timeout=30).run()
    assert not at.exception
    assert "clawback load" in at.error[0].value


@pytest.mark.neo4j
def test_debtor_page_on_neo4j(neo4j_store, neo4j_server, tmp_path, monkeypatch):
    from clawback.loaders.load import load_directory
    from tests.algorithms import scenarios

    load_directory(scenarios.build(tmp_path / "in"), neo4j_store)
    for name, value in neo4j_server.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CLAWBACK_NEO4J_URI", neo4j_server.uri)
    monkeypatch.setenv("CLAWBACK_STORE", str(tmp_path / "no-embedded-store"))
    monkeypatch.chdir(tmp_path)   # the Neo4j results folder goes under the working directory
    at = _app("views/debtor.py", case="K04", lang="en")
    text = _text(at)
    assert at.title[0].value.endswith("K04") and "divorced" in text
    hits = load_result(results_dir("", neo4j_server.uri, neo4j_server.database)).hits
    evidence = str(hits[(hits["case_id"] == "K04") & (hits["signal"] == "S04")]["evidence"].iloc[0])
    frames = [d.value for d in at.dataframe]
    assert any(evidence.split(";")[0] in set(f.get("transfer_id", [])) for f in frames)


def _audit(store) -> list[dict]:
    from clawback.evidence.audit import default_audit_log

    return default_audit_log(store).entries()


def test_debtor_page_exports_a_verifiable_bundle_and_audits_it(app_env, tmp_path):
    import json
    import zipfile

    from clawback.evidence.bundle import verify_bundle

    before = len(_audit(app_env))
    at = _app("views/debtor.py", case="K04", lang="en")
    assert "Evidence bundle" in _text(at)
    assert not at.get("download_button")              # nothing to download before the export
    at.radio(key="bundle_lang").set_value("zh").run()
    at.button(key="bundle_export").click().run()
    assert not at.exception, at.exception
    exported = at.session_state["bundle"]
    assert exported.case_id == "K04" and exported.lang == "zh"
    path = tmp_path / exported.file_name
    path.write_bytes(exported.data)
    report = verify_bundle(path)
    assert report.ok, report.lines()
    assert report.merkle_root == exported.merkle_root
    assert any(exported.merkle_root in s.value for s in at.success)
    assert at.get("download_button")
    with zipfile.ZipFile(path) as zf:
        assert "report.pdf" in zf.namelist()
        assert json.loads(zf.read("reproducibility.json"))["case_id"] == "K04"
    entries = _audit(app_env)
    assert len(entries) == before + 1
    last = entries[-1]
    assert (last["action"], last["target"], last["result_hash"]) == (
        "bundle", "K04", exported.merkle_root)
    assert last["parameters"]["lang"] == "zh"
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for name in src.namelist():
            body = src.read(name)
            dst.writestr(name, body + b" " if name == "report.pdf" else body)
    assert not verify_bundle(tampered).ok


def test_queries_page_audits_named_runs_console_runs_and_refusals(app_env):
    from clawback.graph.embedded import LadybugStore
    from clawback.queries import registry

    with LadybugStore(app_env, read_only=True) as store:
        expected = registry.result_sha256(
            registry.run_named(store, "relatives_of_debtor", {"case_id": "K04"}))
        console = "MATCH (c:Proceeding) RETURN c.case_id AS case_id ORDER BY case_id LIMIT 2"
        console_hash = registry.result_sha256(registry.run_adhoc(store, console))
    before = len(_audit(app_env))
    at = _app("views/queries.py", lang="en")
    at.selectbox(key="q_name").set_value("relatives_of_debtor").run()
    at.text_input(key="q_relatives_of_debtor_case_id").set_value("K04")
    next(b for b in at.button if b.proto.is_form_submitter).click().run()
    assert not at.exception, at.exception
    assert "X04" in set(at.dataframe[-1].value.astype(str).stack())
    at.text_area(key="console_text").set_value(console)
    at.button(key="console_run").click().run()
    at.text_area(key="console_text").set_value("MATCH (p:Person) DETACH DELETE p")
    at.button(key="console_run").click().run()
    assert not at.exception
    assert any("read-only" in e.value for e in at.error)
    named, read, refused = _audit(app_env)[before:]
    assert (named["action"], named["target"], named["result_hash"]) == (
        "query", "relatives_of_debtor", expected)
    assert named["parameters"] == {
        "query_sha256": registry.get("relatives_of_debtor").sha256,
        "params": {"case_id": "K04"}}
    assert (read["action"], read["result_hash"], read["parameters"]["text"]) == (
        "cypher", console_hash, console)
    assert refused["action"] == "cypher" and refused["result_hash"] == "refused"
    assert "read-only" in refused["parameters"]["error"]
    assert refused["parameters"]["text"] == "MATCH (p:Person) DETACH DELETE p"
