// UI strings in Chinese and English, and the choice of label language (kept in localStorage).
const STRINGS = {
  zh: {
    title: "创新治理知识图谱", searchPlaceholder: "搜索机构、计划、人物…（中文、English、拼音）",
    navPath: "路径", navTimeline: "时间线", navSparql: "SPARQL", navApi: "API",
    footer: "数据来源：西咸研究院《关于赴上海张江科学城交流考察工作的报告》(2020)。每条事实均注明原文出处。",
    homeIntro: "查询上海张江科学城及科创中心建设的治理机构、领导小组、规划、设施和事件，每条关系都可追溯到报告原文。",
    tryThese: "从这里开始", exportAll: "导出整个图谱", aliases: "别名", types: "类型",
    outgoing: "关系", incoming: "被关联", citedAs: "原文", noFacts: "没有记录的关系。",
    graph: "关系图", graphHint: "单击节点展开其邻居；双击打开实体页面。", downloads: "下载",
    pathTitle: "路径查找", pathFrom: "起点", pathTo: "终点", pathFind: "查找路径", paths: "条路径",
    noPath: "未找到路径。", hop: "步", evidence: "证据", timelineTitle: "时间线", participants: "参与者",
    sparqlTitle: "SPARQL 查询", examples: "示例查询", run: "运行", rows: "行", noRows: "没有结果。",
    loading: "加载中…", error: "出错了", notFound: "未找到", section: "章节", open: "打开",
    vendorMissing: "缺少 Cytoscape.js：请先运行 scripts/setup-web。", truncated: "结果已截断（达到上限）",
    noSuggestions: "没有匹配项", depth: "深度", lang: "EN",
    note: "编辑说明", possibleIdentity: "存疑：可能为同一机构", curatorReading: "需结合上下文的解读",
  },
  en: {
    title: "Innovation governance knowledge graph", searchPlaceholder: "Search bodies, plans, people… (中文, English, pinyin)",
    navPath: "Paths", navTimeline: "Timeline", navSparql: "SPARQL", navApi: "API",
    footer: "Source: Xixian Research Institute, report on the study visit to Zhangjiang Science City (2020). Every fact cites the report.",
    homeIntro: "Explore the bodies, leading groups, plans, facilities and events that govern Shanghai's science and technology innovation centre and Zhangjiang Science City; every relation cites the report text.",
    tryThese: "Start here", exportAll: "Export the whole graph", aliases: "Also called", types: "Types",
    outgoing: "Relations", incoming: "Referred to by", citedAs: "Source", noFacts: "No recorded relations.",
    graph: "Graph", graphHint: "Click a node to expand its neighbours; double-click to open its page.", downloads: "Download",
    pathTitle: "Path finder", pathFrom: "From", pathTo: "To", pathFind: "Find paths", paths: "paths",
    noPath: "No path found.", hop: "hop", evidence: "Evidence", timelineTitle: "Timeline", participants: "Participants",
    sparqlTitle: "SPARQL query", examples: "Example queries", run: "Run", rows: "rows", noRows: "No results.",
    loading: "Loading…", error: "Error", notFound: "Not found", section: "Section", open: "Open",
    vendorMissing: "Cytoscape.js is missing: run scripts/setup-web first.", truncated: "Truncated (a limit was reached)",
    noSuggestions: "No match", depth: "Depth", lang: "中文",
    note: "Curator's note", possibleIdentity: "Doubt: possibly the same body", curatorReading: "Reading that needs context",
  },
};

let current = localStorage.getItem("innokg.lang") === "en" ? "en" : "zh";

export function lang() { return current; }

export function setLang(value) {
  current = value === "en" ? "en" : "zh";
  localStorage.setItem("innokg.lang", current);
  document.documentElement.lang = current;
}

export function t(key) { return STRINGS[current][key] ?? key; }

/** The label of a {zh, en} pair in the chosen language, else the other, else the fallback. */
export function pick(label, fallback = "") {
  if (!label) return fallback;
  const other = current === "zh" ? "en" : "zh";
  return label[current] || label[other] || fallback;
}

/** Fill every [data-i18n] element and placeholder of the static shell. */
export function translateShell() {
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((el) => {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  });
  document.getElementById("lang-toggle").textContent = t("lang");
}
