"""Every string the app shows, in Chinese and English. Schema captions come from the schema,
rule texts from rules.yaml, signal names from scoring.yaml; the rest is here."""

from __future__ import annotations

__all__ = ["LANGS", "TEXT", "band", "case_type", "t", "triage"]

LANGS = {"zh": "中文", "en": "English"}

TEXT: dict[str, tuple[str, str]] = {
    # key: (en, zh)
    "app_title": ("clawback", "clawback 追索"),
    "language": ("Language / 语言", "Language / 语言"),
    "store": ("Store", "数据库"),
    "missing": ("No store found. Run `clawback load DIR --store PATH` first.",
                "未找到数据库。请先运行 `clawback load DIR --store PATH`。"),
    "no_cases": ("The store holds no case to score.", "数据库中没有可评分的案件。"),
    "scoring": ("Scoring the portfolio (first time for this store)",
                "正在为该数据库评分（首次）"),
    "loading": ("Reading the store…", "正在读取数据库…"),
    # pages
    "portfolio": ("Portfolio", "案件总览"),
    "debtor": ("Debtor", "债务人"),
    "communities": ("Communities", "关系社群"),
    "queries": ("Queries", "查询"),
    # portfolio
    "portfolio_title": ("Who to pursue first", "优先追索对象"),
    "filters": ("Filters", "筛选"),
    "band": ("Band", "风险等级"),
    "triage": ("Triage", "研判结论"),
    "jurisdiction": ("Jurisdiction", "管辖"),
    "court": ("Court", "法院"),
    "dates": ("Acceptance date between", "受理日期范围"),
    "cases": ("Cases", "案件数"),
    "claims": ("Claims", "债权总额"),
    "recoverable": ("Recoverable estimate", "可追回估计"),
    "likely": ("Likely evasion", "疑似逃债"),
    "score_distribution": ("Score distribution", "评分分布"),
    "by_triage": ("Cases by triage", "各研判结论案件数"),
    "open_top": ("Open the top debtor: {name}", "查看排名第一的债务人：{name}"),
    "click_hint": ("Select a row to open that debtor.", "选中一行即可查看该债务人。"),
    "rank": ("Rank", "排名"),
    "name": ("Name", "姓名/名称"),
    "debtor_id": ("Debtor id", "债务人编号"),
    "case_id": ("Case", "案号"),
    "score": ("Score", "评分"),
    "claim": ("Claim", "债权金额"),
    "filing": ("Filing", "申请日"),
    "acceptance": ("Acceptance", "受理日"),
    "top_signals": ("Top signals", "主要信号"),
    "none_match": ("No case matches the filters.", "没有符合筛选条件的案件。"),
    # debtor
    "choose_case": ("Case", "案件"),
    "key_facts": ("Key facts", "基本情况"),
    "case_type": ("Case type", "案件类型"),
    "birth_date": ("Born", "出生日期"),
    "id_number": ("ID number", "身份证号"),
    "waterfall": ("Score waterfall", "评分构成"),
    "points": ("Points", "分值"),
    "signal": ("Signal", "信号"),
    "weight": ("Weight", "权重"),
    "strength": ("Strength", "强度"),
    "evidence": ("Evidence", "证据"),
    "rules": ("Rules", "法律依据"),
    "verified": ("Verification", "核实程度"),
    "no_findings": ("No signal fired: nothing points to concealment.",
                    "未触发任何信号：未发现转移财产的迹象。"),
    "evidence_rows": ("Evidence rows", "证据明细"),
    "timeline": ("Timeline", "时间线"),
    "date": ("Date", "日期"),
    "kind": ("Kind", "类型"),
    "transfer": ("Transfer out", "转出"),
    "conveyance": ("Title transfer", "产权变动"),
    "divorce": ("Divorce", "离婚"),
    "incorporation": ("Incorporation", "公司设立"),
    "acquired": ("acquired by", "取得："),
    "conveyed": ("conveyed by", "转让："),
    "cash": ("cash", "现金"),
    "unconfirmed": ("UNCONFIRMED", "未经核实"),
    "windows_note": ("Shaded: each rule's look-back window; red lines: filing and acceptance.",
                     "阴影为各规则的回溯期间；红线为申请日和受理日。"),
    "graph": ("Family, money and companies", "亲属·资金·企业关系图"),
    "graph_folded": ("{n} nodes folded into “+N more” nodes to keep the drawing readable.",
                     "为保持可读性，{n}个节点已折叠为“+N”节点。"),
    "paths": ("Traced fund paths", "资金追踪路径"),
    "no_paths": ("No multi-hop path was traced for this case.", "本案未追踪到多跳资金路径。"),
    "path": ("Path", "路径"),
    "hop": ("Hop", "跳"),
    "from": ("From", "付款方"),
    "to": ("To", "收款方"),
    "amount": ("Amount", "金额"),
    "relatives": ("Relatives", "亲属"),
    "relation": ("Relation", "关系"),
    "since": ("Since", "起始"),
    "until": ("Until", "终止"),
    "companies": ("Companies", "关联企业"),
    "role": ("Role", "职务/身份"),
    "share": ("Share", "持股比例"),
    "company": ("Company", "企业"),
    "incorporated": ("Incorporated", "成立日期"),
    "properties": ("Properties", "财产"),
    "act": ("Act", "行为"),
    "party": ("Party", "当事人"),
    "counterparty": ("Counterparty", "相对方"),
    "price": ("Price", "价格"),
    "market_value": ("Market value", "市场价值"),
    "description": ("Description", "描述"),
    "transfers": ("Transfers", "转账记录"),
    "direction": ("Direction", "方向"),
    "out": ("out", "转出"),
    "in": ("in", "转入"),
    "memo": ("Memo", "摘要"),
    "channel": ("Channel", "渠道"),
    "bundle_title": ("Evidence bundle", "证据包"),
    "bundle": ("Export evidence bundle", "导出证据包"),
    "bundle_lang": ("Language of the report", "报告语言"),
    "bundle_help": ("Builds a court evidence bundle of this case: report.pdf, the cited "
                    "records, the subgraph and a manifest whose Merkle root proves every "
                    "byte. The export is recorded in the store's audit log.",
                    "生成本案的证据包：报告 PDF、引用的原始记录、关系子图，以及用 Merkle "
                    "根证明每个字节的清单。导出操作会记入数据库的审计日志。"),
    "bundle_building": ("Building the evidence bundle…", "正在生成证据包…"),
    "bundle_ready": ("Bundle of {case} ready: {n} files, Merkle root `{root}` (audit entry "
                     "#{seq}).", "{case} 的证据包已生成：{n} 个文件，Merkle 根 `{root}`"
                     "（审计记录第 {seq} 条）。"),
    "bundle_download": ("Download {name}", "下载 {name}"),
    "bundle_verify": ("Check it with `clawback verify {name}`.",
                      "可用 `clawback verify {name}` 校验。"),
    # communities
    "community": ("Community", "社群"),
    "community_size": ("Parties in the community", "社群成员数"),
    "other_debtors": ("Other debtors in it", "社群内其他债务人"),
    "enabler_paid": ("Paid to enablers", "向中间人付款"),
    "members": ("Members", "成员"),
    "is_debtor": ("Debtor", "债务人"),
    "enablers": ("Enablers", "中间人"),
    "enabler_note": ("Parties that several unrelated debtors paid.",
                     "多名无关联债务人共同付款的对象。"),
    "debtors_paying": ("Debtors paying", "付款债务人数"),
    "paid_by_debtor": ("Paid by this debtor", "本债务人付款"),
    "no_community": ("The debtor has no tie to anyone: no community.",
                     "该债务人与他人无任何关联，不属于任何社群。"),
    "computing_communities": ("Finding communities: this reads the whole portfolio (on ten "
                              "million transfers, minutes), once per store…",
                              "正在计算关系社群：需要读取全部案件数据（千万级转账需数分钟），"
                              "每个数据库只计算一次…"),
    "communities_note": ("Communities are computed from the whole party graph (kinship, "
                         "roles, shared identifiers, money) with seeded Leiden; they are "
                         "kept in memory while the store is unchanged.",
                         "社群基于全部当事人关系图（亲属、任职、共用标识、资金往来），"
                         "使用固定种子的 Leiden 算法计算；数据库不变时保存在内存中复用。"),
    # queries
    "named_queries": ("Named queries", "命名查询"),
    "query": ("Query", "查询"),
    "parameters": ("Parameters", "参数"),
    "run": ("Run", "运行"),
    "download": ("Download CSV", "下载 CSV"),
    "rows": ("{n} rows", "{n} 行"),
    "audited": ("Every run, refused ones too, is recorded in the store's audit log "
                "(`clawback audit show`).", "每次运行（包括被拒绝的）都会记入数据库的审计日志"
                "（`clawback audit show`）。"),
    "console": ("Read-only Cypher console", "只读 Cypher 控制台"),
    "console_help": ("Runs in a read-only transaction: the store refuses any write.",
                     "在只读事务中运行：数据库会拒绝任何写入。"),
    "read_only": ("Refused: this console is read-only; writes are not allowed.",
                  "已拒绝：此控制台为只读，不允许写入。"),
    "portable": ("Runs on both stores", "两种数据库均可运行"),
    "returns": ("Returns", "返回"),
}

_BANDS = {"low": ("low", "低"), "medium": ("medium", "中"), "high": ("high", "高")}
_TRIAGE = {"honest_unfortunate": ("honest but unfortunate", "诚实而不幸"),
           "review": ("review", "需复核"), "likely_evasion": ("likely evasion", "疑似逃债")}


_CASE_TYPES = {"personal_bankruptcy": ("personal bankruptcy", "个人破产"),
               "enterprise_bankruptcy": ("enterprise bankruptcy", "企业破产"),
               "enforcement": ("enforcement", "强制执行"),
               "civil_suit": ("civil suit", "民事诉讼")}


def t(key: str, lang: str = "zh", **values: object) -> str:
    """The text ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``.

    >>> t("open_top", "en", name="张三")
    'Open the top debtor: 张三'
    """
    try:
        en, zh = TEXT[key]
    except KeyError:
        raise KeyError(f"no app text {key!r}") from None
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def band(value: str, lang: str = "zh") -> str:
    """A score band's caption ('high' → '高')."""
    pair = _BANDS.get(str(value))
    return str(value) if pair is None else pair[1 if lang == "zh" else 0]


def triage(value: str, lang: str = "zh") -> str:
    """A triage outcome's caption ('likely_evasion' → '疑似逃债')."""
    pair = _TRIAGE.get(str(value))
    return str(value) if pair is None else pair[1 if lang == "zh" else 0]


def case_type(value: object, lang: str = "zh") -> str:
    """A case type's caption ('personal_bankruptcy' → '个人破产'; unknown ones as they are,
    a missing one as '–')."""
    if value is None or value == "":
        return "–"
    pair = _CASE_TYPES.get(str(value))
    return str(value) if pair is None else pair[1 if lang == "zh" else 0]
