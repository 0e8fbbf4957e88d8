"""``report.pdf``: the case a court reads, in Chinese or English, with the CJK font embedded.

Sections: case summary (with the anchor, actual or proxy), the score waterfall, every flagged
act with the rules it falls under (citation, window with its dates, anchor, threshold,
verification level; UNCONFIRMED rules say so), the evidence table (ids, dates, amounts,
counterparties, source file and row) and the two figures. reportlab's ``invariant`` mode
keeps the bytes the same for the same case.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from clawback import __version__
from clawback.algorithms import rules as legal
from clawback.evidence.collect import CaseEvidence, split_evidence
from clawback.evidence.fonts import cjk_font

__all__ = ["FONT_NAME", "money", "render_report"]

FONT_NAME = "ClawbackCJK"

_T: dict[str, tuple[str, str]] = {   # key -> (en, zh)
    "title": ("Evidence report, case {case}", "证据报告：案件 {case}"),
    "subtitle": ("clawback {version}; rules {rules}; seed {seed}; not legal advice",
                 "clawback {version}；规则 {rules}；随机种子 {seed}；不构成法律意见"),
    "summary": ("1. Case summary", "一、案件概要"),
    "waterfall": ("2. Score waterfall", "二、评分构成"),
    "acts": ("3. Flagged acts and the rules they fall under", "三、可疑行为及适用规则"),
    "evidence": ("4. Evidence table", "四、证据明细"),
    "figures": ("5. Figures", "五、图示"),
    "case": ("Case", "案件"), "debtor": ("Debtor", "债务人"),
    "jurisdiction": ("Jurisdiction", "法域"), "court": ("Court", "法院"),
    "case_type": ("Case type", "案件类型"), "filing_date": ("Filing date", "申请日"),
    "acceptance_date": ("Acceptance date", "受理日"), "anchor": ("Anchor", "锚定日"),
    "claim": ("Claim amount", "债权金额"), "score": ("Score", "评分"),
    "band": ("Band / triage", "等级 / 分流"), "recoverable": ("Recoverable estimate", "可追回估计"),
    "rank": ("Rank in portfolio", "组合内排名"), "source": ("Source", "来源"),
    "actual": ("actual ({field})", "实际日期（{field}）"),
    "signal": ("Signal", "信号"), "name": ("Name", "名称"), "weight": ("Weight", "权重"),
    "strength": ("Strength", "强度"), "points": ("Points", "分值"), "total": ("Total", "合计"),
    "finding": ("Finding", "发现"), "amount": ("Amount", "金额"),
    "evidence_ids": ("Evidence", "证据"), "rule": ("Rule", "规则"),
    "citation": ("Citation", "法条"), "window": ("Window", "期间"),
    "threshold": ("Threshold", "价格标准"), "verified": ("Verification", "核实程度"),
    "no_rule": ("No look-back rule reaches this act; it is shown as context only.",
                "没有回溯规则涵盖此行为，仅作参考。"),
    "no_findings": ("No signal fired for this case.", "本案没有触发任何信号。"),
    "no_limit": ("no time limit", "无期限"),
    "id": ("Id", "编号"), "date": ("Date", "日期"), "from": ("From", "转出方"),
    "to": ("To", "转入方"), "kind": ("Kind", "类别"),
    "transfer": ("transfer", "转账"), "title_transfer": ("title", "产权"),
    "graph": ("Figure 1. Case subgraph", "图1 案件子图"),
    "timeline": ("Figure 2. Timeline", "图2 时间线"),
    "footer": ("Case {case}, page {page}. Every file of this bundle is hashed in "
               "manifest.json; check it with 'clawback verify'.",
               "案件 {case}，第 {page} 页。本证据包每个文件的哈希见 manifest.json，"
               "可用 clawback verify 核验。"),
}


def _t(key: str, lang: str, **kw: Any) -> str:
    en, zh = _T[key]
    return (zh if lang == "zh" else en).format(**kw)


def money(amount: Any, currency: str) -> str:
    """An amount as the report prints it: ``CNY 200,000.00``; ``—`` when missing.

    >>> money(1234567.891, "CNY")
    'CNY 1,234,567.89'
    """
    if amount is None:
        return "—"
    return f"{currency} {float(amount):,.2f}"


def _register_font() -> str:
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(cjk_font()), subfontIndex=0))
        pdfmetrics.registerFontFamily(FONT_NAME, normal=FONT_NAME, bold=FONT_NAME, italic=FONT_NAME,
                           boldItalic=FONT_NAME)
    return FONT_NAME


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    font = _register_font()

    def style(name: str, parent: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base[parent], fontName=font, wordWrap="CJK", **kw)

    return {"title": style("T", "Title", fontSize=16, leading=20),
            "sub": style("S", "Normal", fontSize=8, leading=10, textColor=colors.grey),
            "h2": style("H", "Heading2", fontSize=12, leading=15, spaceBefore=8),
            "body": style("B", "Normal", fontSize=8.5, leading=11),
            "cell": style("C", "Normal", fontSize=7.5, leading=9.5),
            "warn": style("W", "Normal", fontSize=7.5, leading=9.5, textColor=colors.red)}


def _esc(text: Any) -> str:
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def _table(rows: list[list[Any]], widths: list[float], st: dict[str, ParagraphStyle],
           header: bool = True) -> Table:
    cells = [[c if isinstance(c, Flowable) else Paragraph(_esc(c), st["cell"]) for c in row]
             for row in rows]
    table = Table(cells, colWidths=[w * mm for w in widths], repeatRows=1 if header else 0)
    style = [("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
             ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
             ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")))
    table.setStyle(TableStyle(style))
    return table


def _date(value: Any) -> str:
    return "—" if value is None else str(value.isoformat())


def _anchor_text(ev: CaseEvidence, lang: str) -> str:
    a = ev.anchor
    if a is None:
        return "—"
    if a.proxy:
        return (f"{a.date.isoformat()}: "
                + legal.caption("texts", "anchor_proxy", lang)
                + (f" (+{a.lag_days} d)" if lang == "en" else f"（+{a.lag_days}日）"))
    return f"{a.date.isoformat()} " + _t("actual", lang, field=a.field)


def _summary(ev: CaseEvidence, lang: str, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    c, s = ev.case, ev.score
    cur = str(s["currency"])
    jur = str(c.get("jurisdiction") or "")
    jur_caption = legal.RULES[jur].caption.get(lang) if jur in legal.RULES else jur
    rows = [
        [_t("case", lang), ev.case_id],
        [_t("debtor", lang), f"{ev.name_of(c['debtor_id'])} ({c['debtor_id']})"],
        [_t("jurisdiction", lang), f"{jur} {jur_caption}"],
        [_t("court", lang), c.get("court") or "—"],
        [_t("case_type", lang), c.get("case_type") or "—"],
        [_t("filing_date", lang), _date(c.get("filing_date"))],
        [_t("acceptance_date", lang), _date(c.get("acceptance_date"))],
        [_t("anchor", lang), _anchor_text(ev, lang)],
        [_t("claim", lang), money(c.get("claim_amount"), cur)],
        [_t("score", lang), f"{float(s['score']):.2f} / 100"],
        [_t("band", lang), f"{s['band']} / {s['triage']}"],
        [_t("recoverable", lang), money(s["recoverable_estimate"], cur)],
        [_t("rank", lang), str(s["rank"])],
        [_t("source", lang), f"{c['src_file']}:{c['src_row']} ({c['load_batch']})"],
    ]
    out: list[Flowable] = [Paragraph(_t("summary", lang), st["h2"]),
                           _table(rows, [38, 132], st, header=False)]
    if ev.anchor is not None and ev.anchor.proxy:
        out.append(Paragraph(_esc(legal.caption("texts", "anchor_proxy", lang)), st["warn"]))
    return out


def _waterfall(ev: CaseEvidence, lang: str, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    steps = ev.explain[lang]["waterfall"]
    rows: list[list[Any]] = [[_t("signal", lang), _t("name", lang), _t("weight", lang),
                              _t("strength", lang), _t("points", lang)]]
    for step in steps:
        rows.append([step["signal"], step["name"], f"{step['weight']:.0f}",
                     f"{step['strength']:.4f}", f"+{step['points']:.2f}"])
    rows.append([_t("total", lang), "", "", "", f"{float(ev.score['score']):.2f}"])
    return [Paragraph(_t("waterfall", lang), st["h2"]),
            _table(rows, [16, 94, 18, 20, 22], st)]


def _window_text(w: Any, lang: str) -> str:
    lookback = w.rule.lookback
    period = _t("no_limit", lang) if lookback is None else lookback.caption.get(lang)
    if w.window_end is None:
        return period
    start = "…" if w.window_start is None else w.window_start.isoformat()
    return f"{period}: {start} – {w.window_end.isoformat()}"


def _acts(ev: CaseEvidence, lang: str, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    out: list[Flowable] = [Paragraph(_t("acts", lang), st["h2"])]
    if not ev.findings:
        out.append(Paragraph(_t("no_findings", lang), st["body"]))
        return out
    cur = str(ev.score["currency"])
    names = {s["signal"]: s["name"] for s in ev.explain[lang]["waterfall"]}
    for n, f in enumerate(ev.findings, 1):
        ids = split_evidence(f["evidence"])
        shown = ", ".join(ids[:30]) + (f" (+{len(ids) - 30})" if len(ids) > 30 else "")
        out.append(Paragraph(
            f"<b>3.{n} {_esc(f['signal'])} {_esc(names.get(f['signal'], ''))}</b>", st["body"]))
        out.append(Paragraph(_esc(f[f"explanation_{lang}"]), st["body"]))
        out.append(Paragraph(
            f"{_t('amount', lang)}: {money(f['amount'], cur)}; {_t('strength', lang)}: "
            f"{f['strength']:.4f}; {_t('evidence_ids', lang)}: {_esc(shown or '—')}",
            st["body"]))
        rule_ids = [r for r in f["rule_ids"].split(";") if r]
        if not rule_ids:
            out.append(Paragraph(_t("no_rule", lang), st["cell"]))
            out.append(Spacer(1, 4))
            continue
        rows: list[list[Any]] = [[_t("rule", lang), _t("citation", lang), _t("window", lang),
                                  _t("anchor", lang), _t("threshold", lang),
                                  _t("verified", lang)]]
        for rid in rule_ids:
            w = ev.rules[rid]
            level = f"{w.rule.verified}: {legal.caption('levels', w.rule.verified, lang)}"
            warn = legal.warning(w.rule, lang)
            parts = [p for p in w.rule.unconfirmed
                     if legal.warning(w.rule, lang, part=p) and not warn]
            cell: Flowable = Paragraph(
                _esc(level) + (f"<br/><font color='red'>{_esc(warn)}</font>" if warn else "")
                + "".join(f"<br/><font color='red'>{_esc(p)}: "
                          f"{_esc(legal.warning(w.rule, lang, part=p))}</font>" for p in parts),
                st["cell"])
            anchor = "—" if w.anchor is None else (
                f"{w.anchor.date.isoformat()} "
                + ((f"proxy ({w.anchor.field})" if lang == "en" else
                    f"替代值（{w.anchor.field}）") if w.anchor.proxy
                   else _t("actual", lang, field=w.anchor.field)))
            rows.append([rid, w.rule.citation, _window_text(w, lang), anchor,
                         w.threshold(lang), cell])
        out.append(_table(rows, [22, 44, 30, 24, 26, 28], st))
        out.append(Spacer(1, 5))
    return out


def _evidence(ev: CaseEvidence, lang: str, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    rows: list[list[Any]] = [[_t("kind", lang), _t("id", lang), _t("date", lang),
                              _t("amount", lang), _t("from", lang), _t("to", lang),
                              _t("source", lang)]]

    def party(pid: Any, extra: str = "") -> str:
        if not pid:
            return extra or "—"
        return f"{ev.name_of(pid)} ({pid}{', ' + extra if extra else ''})"

    for t in ev.records["transfers"]:
        rows.append([_t("transfer", lang), t["transfer_id"], _date(t["date"]),
                     money(t["amount"], str(t["currency"] or ev.score["currency"])),
                     party(ev.holder_of(t["from_account"]), str(t["from_account"])),
                     party(ev.holder_of(t["to_account"]), str(t["to_account"])),
                     f"{t['src_file']}:{t['src_row']}"])
    cur = str(ev.score["currency"])
    for t in ev.records["title_transfers"]:
        value = money(t["price"], cur) + " / " + money(t["market_value"], cur)
        rows.append([_t("title_transfer", lang), t["title_transfer_id"], _date(t["date"]), value,
                     party(t["from_party"]), party(t["to_party"], str(t["property_id"])),
                     f"{t['src_file']}:{t['src_row']}"])
    out: list[Flowable] = [Paragraph(_t("evidence", lang), st["h2"])]
    if len(rows) == 1:
        out.append(Paragraph("—", st["body"]))
    else:
        out.append(_table(rows, [11, 32, 17, 28, 28, 28, 30], st))
    return out


def render_report(ev: CaseEvidence, lang: str, graph_png: bytes, timeline_png: bytes,
                  provenance: dict[str, Any]) -> bytes:
    """The PDF of one case in ``lang`` ('en' or 'zh'), as bytes (the same for the same case)."""
    if lang not in ("en", "zh"):
        raise ValueError(f"language {lang!r} is not 'en' or 'zh'")
    st = _styles()
    buf = io.BytesIO()
    title = _t("title", lang, case=ev.case_id)
    doc = SimpleDocTemplate(buf, pagesize=A4, invariant=1, title=title, author="clawback",
                            subject=ev.case_id, creator=f"clawback {__version__}",
                            leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, initialFontName=FONT_NAME)
    story: list[Flowable] = [
        Paragraph(_esc(title), st["title"]),
        Paragraph(_esc(_t("subtitle", lang, version=__version__,
                          rules=provenance.get("rules_version", legal.RULES_VERSION),
                          seed=provenance.get("seed", ""))), st["sub"]),
    ]
    story += _summary(ev, lang, st)
    story += _waterfall(ev, lang, st)
    story += _acts(ev, lang, st)
    story += _evidence(ev, lang, st)
    story += [PageBreak(), Paragraph(_t("figures", lang), st["h2"]),
              Image(io.BytesIO(graph_png), width=170 * mm, height=170 * mm * 6.2 / 7.5),
              Paragraph(_t("graph", lang), st["cell"]), Spacer(1, 6),
              Image(io.BytesIO(timeline_png), width=170 * mm, height=170 * mm * 3.6 / 7.5),
              Paragraph(_t("timeline", lang), st["cell"])]

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT_NAME, 7)
        canvas.setFillColor(colors.grey)
        canvas.drawString(18 * mm, 9 * mm, _t("footer", lang, case=ev.case_id,
                                              page=document.page))
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()

