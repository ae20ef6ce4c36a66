// UI strings in Chinese and English, and the choice of label language: the URL's `lang` (so a shared
// link opens in its language) wins, else the last choice (localStorage), else Chinese.
const STRINGS = {
  zh: {
    title: "创新治理知识图谱", searchPlaceholder: "搜索机构、计划、人物…（中文、English、拼音）",
    search: "搜索", menu: "菜单", navBrowse: "浏览", navPath: "路径", navTimeline: "时间线",
    navSparql: "SPARQL", navAnalytics: "分析", navApi: "API", langTitle: "切换为英文标签",
    footer: "数据来源：西咸研究院《关于赴上海张江科学城交流考察工作的报告》(2020)。每条事实均注明原文出处。",
    homeIntro: "查询上海张江科学城及科创中心建设的治理机构、领导小组、规划、设施和事件，每条关系都可追溯到报告原文。",
    tryThese: "从这里开始", exportAll: "导出整个图谱", aliases: "别名", types: "类型",
    outgoing: "关系", incoming: "被关联", citedAs: "原文", noFacts: "没有记录的关系。",
    graph: "关系图", graphHint: "单击节点展开其邻居；双击打开实体页面。", downloads: "下载",
    downloadsShown: "下载当前显示的 {nodes} 个节点", positions: "坐标", layoutNone: "不含坐标",
    layoutDot: "Graphviz 布局", layoutSpring: "力导向布局",
    graphControls: "视图控制", fit: "适应窗口", reset: "重置", zoomIn: "放大", zoomOut: "缩小",
    expandNode: "展开节点", expand: "展开", legend: "图例", filters: "筛选", filterTypes: "按类型显示", filterRelations: "按关系显示", showAll: "全部显示",
    graphCount: "{nodes} 个节点 · {edges} 条关系", hiddenCount: "（已隐藏 {hidden} 个）",
    pathTitle: "路径查找", pathFrom: "起点", pathTo: "终点", pathFind: "查找路径", paths: "条路径",
    pathK: "路径数", pathMaxHops: "最多步数", pathAvoid: "避开关系", pathAvoidHint: "输入关系名称，如 内设",
    pathDirected: "只沿关系方向", pathOptions: "选项", remove: "移除",
    noPath: "未找到路径。", hop: "步", evidence: "证据", timelineTitle: "时间线", participants: "参与者",
    timelineFrom: "起始", timelineTo: "截止", timelineEntity: "相关实体", dateHint: "YYYY、YYYY-MM 或 YYYY-MM-DD",
    apply: "应用", clearFilters: "清除", timeAxis: "时间轴", events: "个事件", undated: "无日期",
    sparqlTitle: "SPARQL 查询", examples: "示例查询", catalogue: "问题目录", question: "问题", run: "运行",
    rows: "行", noRows: "没有结果。", parameters: "参数", editedNote: "已修改：将把查询文本直接发送到 SPARQL 端点。",
    downloadCsv: "下载 CSV", downloadJson: "下载 JSON", permalink: "永久链接", copyLink: "复制链接",
    loading: "加载中…", error: "出错了", notFound: "未找到", section: "章节", open: "打开",
    vendorMissing: "缺少 Cytoscape.js：请先运行 scripts/setup-web。", truncated: "结果已截断（达到上限）",
    noSuggestions: "没有匹配项", depth: "深度", lang: "EN",
    note: "编辑说明", possibleIdentity: "存疑：可能为同一机构", curatorReading: "需结合上下文的解读",
    readInContext: "在原文中阅读", contextTitle: "原文语境", document: "报告", issuer: "发文单位", date: "日期",
    span: "字符位置", paragraph: "所在段落", noParagraph: "原文不可用，仅显示引用片段。",
    statements: "此处原文支持的陈述", citeThis: "引用本段", copy: "复制", copied: "已复制",
    copyFailed: "无法复制，请手动选择文本。", backTo: "返回",
    browseTitle: "浏览实体", allTypes: "全部类型", type: "类型", sortBy: "排序", sortLabel: "名称",
    sortDate: "日期", sortType: "类型", order: "顺序", ascending: "升序", descending: "降序",
    sections: "章节", allSections: "全部章节", name: "名称", total: "共 {total} 项", prev: "上一页", next: "下一页",
    pageOf: "第 {from}–{to} 项", quickLists: "常用列表", typesAndColours: "类型与颜色",
    legendHint: "颜色表示实体类型，与关系图和导出文件一致；括号内为数量。",
    analyticsTitle: "网络分析", centrality: "最核心的机构", measure: "度量", score: "得分", rank: "名次",
    communities: "社群", members: "成员", size: "{size} 个成员", moreMembers: "另有 {more} 个成员",
    measure_degree: "度（直接关系数）", measure_betweenness: "介数（桥梁作用）", measure_pagerank: "PageRank（影响力）",
    method: "方法", communityN: "社群 {n}",
    navReview: "审核", reviewTitle: "审核候选",
    reviewIntro: "kg ingest 报告 --load 载入的候选实体，每条陈述都附原文引用。接受后，其陈述与证据移入该报告的已审核图谱；拒绝的候选会保留并标记，重新导入时不会再出现。",
    reviewToken: "写入令牌", reviewTokenPlaceholder: "由 kg token 生成的令牌",
    reviewTokenHint: "令牌只保存在本标签页的会话存储中（关闭标签页即清除），不会写入网址。写入还需要服务端设置 KG_ALLOW_UPDATES=true。",
    reviewTokenKept: "令牌已保存（仅本会话）", reviewTokenNone: "未填写令牌：只能查看，不能审核", reviewTokenForget: "清除令牌",
    reviewNoToken: "请先在上方填写写入令牌。", reviewStatus: "状态", reviewAllStatuses: "全部状态", reviewReport: "报告",
    reviewAllReports: "全部报告", status_pending: "待审", status_accepted: "已接受", status_rejected: "已拒绝", status_merged: "已合并",
    reviewTotal: "共 {total} 个候选", reviewEmpty: "没有符合条件的候选。kg ingest 报告 --load 会把报告的候选载入此处。",
    reviewNew: "新实体", reviewLink: "链接到已有实体（{by}，置信度 {confidence}）", linkBy_label: "标签", linkBy_alias: "别名",
    linkBy_abbreviation: "简称", linkBy_pinyin: "拼音", linkBy_fuzzy: "近似", linkBy_curator: "审核人",
    reviewConfidence: "置信度", reviewCurated: "已入库", reviewStatements: "陈述及其原文", reviewAccept: "接受", reviewReject: "拒绝",
    reviewEdit: "修改标签或类型", reviewNewLabel: "新的首选标签", reviewLabelLang: "语言", reviewNewType: "新类型",
    reviewTypeUnchanged: "（类型不变）", reviewSave: "保存修改", reviewMerge: "合并到已有实体", reviewMergeInto: "目标实体",
    reviewMergePlaceholder: "搜索实体，如 国家发改委", reviewMergeButton: "合并", reviewMergeEmpty: "请先选择要合并到的实体。",
    reviewOpenEntity: "打开实体页面", reviewMergedInto: "已合并到",
    reviewDone_accept: "已接受 {names}：{moved} 条陈述及其证据移入已审核图谱。", reviewDone_reject: "已拒绝 {names}（保留并标记）。",
    reviewDone_edit: "已修改 {names}。", reviewDone_merge: "已将 {names} 合并到 {into}。", reviewNothing: "没有变化：此操作此前已完成。",
    reviewHint401: "写入令牌缺失或无效：请检查上方的令牌（由 kg token 生成，服务端 KG_WRITE_TOKENS 中须有其摘要）。",
    reviewHint403: "此服务关闭了写入（KG_ALLOW_UPDATES）。", reviewHint404: "未找到：候选或目标实体不存在，请刷新列表。",
    reviewHint409: "此操作与候选当前的状态不符，未做任何更改。", reviewOffline: "服务没有响应。",
    reviewSelect: "选择 {name}", reviewSelectAll: "全选当前列出的候选", reviewSelected: "已选 {count} 个",
    reviewAcceptSelected: "接受所选", reviewRejectSelected: "拒绝所选", reviewSelectNone: "请先勾选候选。",
    reviewBulkDone_accept: "已接受 {changed} 个候选，{moved} 条陈述及其证据移入已审核图谱。",
    reviewBulkDone_reject: "已拒绝 {changed} 个候选（保留并标记）。", reviewBulkUnchanged: "另有 {unchanged} 个此前已完成，未变。",
  },
  en: {
    title: "Innovation governance knowledge graph", searchPlaceholder: "Search bodies, plans, people… (中文, English, pinyin)",
    search: "Search", menu: "Menu", navBrowse: "Browse", navPath: "Paths", navTimeline: "Timeline",
    navSparql: "SPARQL", navAnalytics: "Analytics", navApi: "API", langTitle: "Switch to Chinese labels",
    footer: "Source: Xixian Research Institute, report on the study visit to Zhangjiang Science City (2020). Every fact cites the report.",
    homeIntro: "Explore the bodies, leading groups, plans, facilities and events that govern Shanghai's science and technology innovation centre and Zhangjiang Science City; every relation cites the report text.",
    tryThese: "Start here", exportAll: "Export the whole graph", aliases: "Also called", types: "Types",
    outgoing: "Relations", incoming: "Referred to by", citedAs: "Source", noFacts: "No recorded relations.",
    graph: "Graph", graphHint: "Click a node to expand its neighbours; double-click to open its page.", downloads: "Download",
    downloadsShown: "Download the {nodes} nodes shown", positions: "Positions", layoutNone: "no positions",
    layoutDot: "Graphviz layout", layoutSpring: "force layout",
    graphControls: "View controls", fit: "Fit", reset: "Reset", zoomIn: "Zoom in", zoomOut: "Zoom out",
    expandNode: "Expand a node", expand: "Expand", legend: "Legend", filters: "Filter", filterTypes: "Show types", filterRelations: "Show relations", showAll: "Show all",
    graphCount: "{nodes} nodes · {edges} relations", hiddenCount: " ({hidden} hidden)",
    pathTitle: "Path finder", pathFrom: "From", pathTo: "To", pathFind: "Find paths", paths: "paths",
    pathK: "Paths (k)", pathMaxHops: "Max hops", pathAvoid: "Avoid relations", pathAvoidHint: "type a relation, e.g. has unit",
    pathDirected: "Follow relation direction only", pathOptions: "Options", remove: "Remove",
    noPath: "No path found.", hop: "hop", evidence: "Evidence", timelineTitle: "Timeline", participants: "Participants",
    timelineFrom: "From", timelineTo: "To", timelineEntity: "Involving", dateHint: "YYYY, YYYY-MM or YYYY-MM-DD",
    apply: "Apply", clearFilters: "Clear", timeAxis: "Time axis", events: "events", undated: "undated",
    sparqlTitle: "SPARQL query", examples: "Example queries", catalogue: "Catalogue questions", question: "Question", run: "Run",
    rows: "rows", noRows: "No results.", parameters: "Parameters", editedNote: "Edited: the query text goes to the SPARQL endpoint as it is.",
    downloadCsv: "Download CSV", downloadJson: "Download JSON", permalink: "Permalink", copyLink: "Copy link",
    loading: "Loading…", error: "Error", notFound: "Not found", section: "Section", open: "Open",
    vendorMissing: "Cytoscape.js is missing: run scripts/setup-web first.", truncated: "Truncated (a limit was reached)",
    noSuggestions: "No match", depth: "Depth", lang: "中文",
    note: "Curator's note", possibleIdentity: "Doubt: possibly the same body", curatorReading: "Reading that needs context",
    readInContext: "Read in context", contextTitle: "In context", document: "Report", issuer: "Issuer", date: "Date",
    span: "Characters", paragraph: "Paragraph", noParagraph: "The report text is not available; only the quoted span is shown.",
    statements: "Statements this span supports", citeThis: "Cite this", copy: "Copy", copied: "Copied",
    copyFailed: "Could not copy; select the text by hand.", backTo: "Back",
    browseTitle: "Browse entities", allTypes: "All types", type: "Type", sortBy: "Sort by", sortLabel: "Name",
    sortDate: "Date", sortType: "Type", order: "Order", ascending: "ascending", descending: "descending",
    sections: "Sections", allSections: "All sections", name: "Name", total: "{total} entities", prev: "Previous", next: "Next",
    pageOf: "{from}–{to}", quickLists: "Quick lists", typesAndColours: "Types and colours",
    legendHint: "Colours mark entity types, as in the graph and the exports; counts in brackets.",
    analyticsTitle: "Network analytics", centrality: "Most central bodies", measure: "Measure", score: "Score", rank: "Rank",
    communities: "Communities", members: "Members", size: "{size} members", moreMembers: "{more} more members",
    measure_degree: "degree (direct relations)", measure_betweenness: "betweenness (bridging)", measure_pagerank: "PageRank (influence)",
    method: "Method", communityN: "Community {n}",
    navReview: "Review", reviewTitle: "Review candidates",
    reviewIntro: "Candidate entities that kg ingest REPORT --load put into the store, each statement with its quote from the report. Accepting moves a candidate's statements and evidence into the report's curated graph; a rejected candidate is kept, marked, so a re-ingest does not bring it back.",
    reviewToken: "Write token", reviewTokenPlaceholder: "a token made by kg token",
    reviewTokenHint: "The token is kept in this tab's session storage only (gone when the tab closes) and never goes into the URL. Writes also need KG_ALLOW_UPDATES=true on the service.",
    reviewTokenKept: "Token kept for this session", reviewTokenNone: "No token: you can read, not decide", reviewTokenForget: "Forget token",
    reviewNoToken: "Type the write token above first.", reviewStatus: "Status", reviewAllStatuses: "All statuses", reviewReport: "Report",
    reviewAllReports: "All reports", status_pending: "pending", status_accepted: "accepted", status_rejected: "rejected", status_merged: "merged",
    reviewTotal: "{total} candidates", reviewEmpty: "No candidates match. kg ingest REPORT --load puts a report's candidates here.",
    reviewNew: "new entity", reviewLink: "linked to an existing entity ({by}, confidence {confidence})", linkBy_label: "label", linkBy_alias: "alias",
    linkBy_abbreviation: "abbreviation", linkBy_pinyin: "pinyin", linkBy_fuzzy: "near match", linkBy_curator: "curator",
    reviewConfidence: "confidence", reviewCurated: "curated", reviewStatements: "Statements and their quotes", reviewAccept: "Accept", reviewReject: "Reject",
    reviewEdit: "Edit label or type", reviewNewLabel: "New preferred label", reviewLabelLang: "Language", reviewNewType: "New type",
    reviewTypeUnchanged: "(type unchanged)", reviewSave: "Save", reviewMerge: "Merge into an existing entity", reviewMergeInto: "Target entity",
    reviewMergePlaceholder: "search, e.g. NDRC", reviewMergeButton: "Merge", reviewMergeEmpty: "Choose the entity to merge into first.",
    reviewOpenEntity: "Open the entity page", reviewMergedInto: "Merged into",
    reviewDone_accept: "Accepted {names}: {moved} statements moved with their evidence into the curated graph.", reviewDone_reject: "Rejected {names} (kept, marked).",
    reviewDone_edit: "Edited {names}.", reviewDone_merge: "Merged {names} into {into}.", reviewNothing: "Nothing changed: this had been done before.",
    reviewHint401: "The write token is missing or not accepted: check the token above (made by kg token; its digest must be in the service's KG_WRITE_TOKENS).",
    reviewHint403: "This service has writes switched off (KG_ALLOW_UPDATES).", reviewHint404: "Not found: the candidate or the target entity does not exist; reload the list.",
    reviewHint409: "The action does not fit the candidate's state; nothing was changed.", reviewOffline: "The service did not answer.",
    reviewSelect: "Select {name}", reviewSelectAll: "Select all shown", reviewSelected: "{count} selected",
    reviewAcceptSelected: "Accept selected", reviewRejectSelected: "Reject selected", reviewSelectNone: "Tick some candidates first.",
    reviewBulkDone_accept: "Accepted {changed} candidates: {moved} statements moved with their evidence into the curated graph.",
    reviewBulkDone_reject: "Rejected {changed} candidates (kept, marked).", reviewBulkUnchanged: "{unchanged} more had been done before and did not change.",
  },
};

const stored = () => { try { return localStorage.getItem("innokg.lang"); } catch { return null; } };
let current = stored() === "en" ? "en" : "zh";

export function lang() { return current; }

/** Whether a value names one of the page's languages. */
export const isLang = (value) => value === "zh" || value === "en";

export function setLang(value) {
  current = value === "en" ? "en" : "zh";
  try { localStorage.setItem("innokg.lang", current); } catch { /* private mode: the URL still says it */ }
  document.documentElement.lang = current;
}

/** The UI string `key` in the chosen language, with `{name}` placeholders filled from `vars`. */
export function t(key, vars) {
  const text = STRINGS[current][key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? "")) : text;
}

/** The label of a {zh, en} pair in the chosen language, else the other, else the fallback. */
export function pick(label, fallback = "") {
  if (!label) return fallback;
  const other = current === "zh" ? "en" : "zh";
  return label[current] || label[other] || fallback;
}

/** The label of a {zh, en} pair in the language not chosen (the page shows it as a second line). */
export function other(label) {
  return (label && label[current === "zh" ? "en" : "zh"]) || "";
}

/** Fill every [data-i18n] element, placeholder and title of the static shell. */
export function translateShell() {
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((el) => {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  });
  document.querySelectorAll("[data-i18n-label]").forEach((el) => {
    el.setAttribute("aria-label", t(el.dataset.i18nLabel));
    el.title = t(el.dataset.i18nLabel);
  });
  document.getElementById("lang-toggle").textContent = t("lang");
  document.getElementById("lang-toggle").title = t("langTitle");
}

export const STRING_KEYS = { zh: Object.keys(STRINGS.zh), en: Object.keys(STRINGS.en) };
