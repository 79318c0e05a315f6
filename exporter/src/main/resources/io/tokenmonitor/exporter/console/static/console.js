// Token Monitor rules console: plain JavaScript, no build step, nothing loaded from elsewhere.
// Every write is a same-origin fetch() with a JSON body: the API refuses anything else (cross-site protection).
// A change sends back the ETag its read returned (If-Match), so it never overwrites someone else's change unseen.
"use strict";

const TEXT = {
  en: {
    title: "Token Monitor rules", "nav.rules": "Rules", "nav.new": "New rule", "nav.audit": "Audit",
    "col.name": "Name", "col.kind": "Kind", "col.scope": "Scope", "col.window": "Window", "col.value": "Value / threshold",
    "col.state": "State", "col.source": "Source", "col.enabled": "Enabled", "col.actions": "Actions", "col.time": "Time",
    "col.user": "User", "col.action": "Action", "col.change": "Change",
    "form.new": "New rule", "form.edit": "Edit rule {name}",
    "f.name": "Name", "f.kind": "Kind", "f.scope": "Scope", "f.scopeValue": "Channel id / model", "f.window": "Window",
    "f.limitUnit": "Limit in", "f.limit": "Limit", "f.above": "Above", "f.minRequests": "Minimum requests (empty: default)",
    "f.metric": "Measure", "f.compareTo": "Compare to", "f.notify": "Notify (targets, comma separated)", "f.action": "Action",
    "f.severity": "Severity", "f.cooldown": "Cooldown", "f.active": "Active hours", "f.enabled": "Enabled",
    "kind.usage": "usage budget", "kind.error_ratio": "error ratio", "kind.latency": "latency (p95)", "kind.spike": "request spike",
    "kind.channel_down": "channel down", "scope.all": "all traffic", "scope.channel": "one channel", "scope.model": "one model",
    "unit.tokens": "tokens", "unit.usd": "USD", "unit.requests": "requests", "metric.duration": "request duration",
    "metric.ttft": "time to first token", "compare.7d": "a week earlier", "compare.1d": "a day earlier",
    "action.notify": "notify", "action.disable_channel": "disable the channel", default: "(default)",
    preview: "Preview", save: "Save", cancel: "Cancel", reload: "Reload", edit: "Edit", delete: "Delete",
    on: "on", off: "off", switchOn: "Switch on", switchOff: "Switch off", firing: "firing", armed: "armed",
    unarmed: "not armed", noValue: "no value yet", none: "nothing here", file: "config file", console: "console",
    all: "all traffic", channel: "channel #{id}", model: "model {model}", loading: "loading…", failed: "failed: {error}",
    saved: "rule {name} saved", deleted: "rule {name} deleted", switched: "rule {name} switched {state}",
    confirmDelete: "Delete rule {name}?", previewTitle: "Preview (nothing saved)", requests: "{n} requests in the window",
    windowSpan: "window {from} – {to}", fileHint: "change it in the config file", never: "—", lang: "中文",
    created: "created", updated: "updated", removed: "deleted",
    "kind.spend_anomaly": "spend anomaly", "scope.token_id": "one API key (id)", "scope.token": "one API key (name)",
    "scope.user_id": "one user (id)", "scope.username": "one user (name)", "scope.group": "one group",
    "scope.per_token": "every API key, each on its own", "scope.per_user": "every user, each on its own",
    "scope.per_group": "every group, each on its own",
    "scopeValue.channel": "Channel id", "scopeValue.model": "Model", "scopeValue.token_id": "API key id",
    "scopeValue.token": "API key name (exactly one key has it)", "scopeValue.user_id": "User id",
    "scopeValue.username": "User name", "scopeValue.group": "Group",
    "f.weeks": "Compare with the same window of", "weeks.default": "(default: the last 2 weeks)", "weeks.1": "last week",
    "weeks.2": "the last 2 weeks", "weeks.3": "the last 3 weeks", "weeks.4": "the last 4 weeks",
    "f.minUsd": "Floor in USD (empty: default 1)", "f.aboveFactor": "Times the usual spend (empty: default 3)",
    "action.disable_token": "disable the API key", "action.disable_user": "disable the user",
    token: "API key #{id}", tokenName: "API key {name}", user: "user #{id}", userName: "user {name}", group: "group {group}",
    "per.token": "every API key", "per.user": "every user", "per.group": "every group",
  },
  zh: {
    title: "Token Monitor 告警规则", "nav.rules": "规则列表", "nav.new": "新建规则", "nav.audit": "操作审计",
    "col.name": "名称", "col.kind": "类型", "col.scope": "范围", "col.window": "时间窗口", "col.value": "当前值 / 阈值",
    "col.state": "状态", "col.source": "来源", "col.enabled": "启用", "col.actions": "操作", "col.time": "时间",
    "col.user": "用户", "col.action": "动作", "col.change": "变更",
    "form.new": "新建规则", "form.edit": "编辑规则 {name}",
    "f.name": "名称", "f.kind": "类型", "f.scope": "范围", "f.scopeValue": "渠道 ID / 模型", "f.window": "时间窗口",
    "f.limitUnit": "限额单位", "f.limit": "限额", "f.above": "阈值（高于）", "f.minRequests": "最少请求数（留空为默认）",
    "f.metric": "度量", "f.compareTo": "对比", "f.notify": "通知目标（逗号分隔）", "f.action": "动作",
    "f.severity": "级别", "f.cooldown": "冷却时间", "f.active": "生效时段", "f.enabled": "启用",
    "kind.usage": "用量预算", "kind.error_ratio": "错误率", "kind.latency": "延迟（p95）", "kind.spike": "请求突增",
    "kind.channel_down": "渠道停用", "scope.all": "全部流量", "scope.channel": "单个渠道", "scope.model": "单个模型",
    "unit.tokens": "token", "unit.usd": "美元", "unit.requests": "请求数", "metric.duration": "请求耗时",
    "metric.ttft": "首字延迟", "compare.7d": "一周前同期", "compare.1d": "一天前同期",
    "action.notify": "仅通知", "action.disable_channel": "停用渠道", default: "（默认）",
    preview: "预览", save: "保存", cancel: "取消", reload: "刷新", edit: "编辑", delete: "删除",
    on: "开", off: "关", switchOn: "启用", switchOff: "停用", firing: "告警中", armed: "已生效",
    unarmed: "未生效", noValue: "暂无数值", none: "暂无数据", file: "配置文件", console: "控制台",
    all: "全部流量", channel: "渠道 #{id}", model: "模型 {model}", loading: "加载中…", failed: "失败：{error}",
    saved: "规则 {name} 已保存", deleted: "规则 {name} 已删除", switched: "规则 {name} 已{state}",
    confirmDelete: "删除规则 {name}？", previewTitle: "预览（未保存）", requests: "窗口内 {n} 个请求",
    windowSpan: "窗口 {from} – {to}", fileHint: "请在配置文件中修改", never: "—", lang: "English",
    created: "创建", updated: "修改", removed: "删除",
    "kind.spend_anomaly": "消费异常", "scope.token_id": "单个令牌（ID）", "scope.token": "单个令牌（名称）",
    "scope.user_id": "单个用户（ID）", "scope.username": "单个用户（用户名）", "scope.group": "单个分组",
    "scope.per_token": "每个令牌分别计算", "scope.per_user": "每个用户分别计算", "scope.per_group": "每个分组分别计算",
    "scopeValue.channel": "渠道 ID", "scopeValue.model": "模型", "scopeValue.token_id": "令牌 ID",
    "scopeValue.token": "令牌名称（须恰好对应一个令牌）", "scopeValue.user_id": "用户 ID",
    "scopeValue.username": "用户名", "scopeValue.group": "分组",
    "f.weeks": "对比前几周同一时段", "weeks.default": "（默认：前 2 周）", "weeks.1": "上一周",
    "weeks.2": "前 2 周", "weeks.3": "前 3 周", "weeks.4": "前 4 周",
    "f.minUsd": "最低金额（美元，留空默认 1）", "f.aboveFactor": "高于平时消费的倍数（留空默认 3）",
    "action.disable_token": "停用令牌", "action.disable_user": "停用用户",
    token: "令牌 #{id}", tokenName: "令牌 {name}", user: "用户 #{id}", userName: "用户 {name}", group: "分组 {group}",
    "per.token": "每个令牌", "per.user": "每个用户", "per.group": "每个分组",
  },
};
// The form's scope choices and the key of the rule grammar each one writes (docs/alert-labels.md).
const SCOPE_KEYS = { channel: "channel_id", model: "model", token_id: "token_id", token: "token", user_id: "user_id",
  username: "username", group: "group" };
const PER = { per_token: "token", per_user: "user", per_group: "group" };

const WINDOWS = {
  usage: ["1h", "6h", "12h", "24h", "48h", "72h", "7d", "30d", "calendar_day", "calendar_month"],
  other: ["5m", "10m", "15m", "30m", "1h", "6h", "12h", "24h"],
};
const LANG_KEY = "tm-exporter-console-lang";
let lang = localStorage.getItem(LANG_KEY) || ((navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en");
// The rule being edited: its name and the ETag of the read the form was filled from; null for a new rule.
let editing = null;

function t(key, values) {
  let s = (TEXT[lang] && TEXT[lang][key]) || TEXT.en[key] || key;
  for (const [k, v] of Object.entries(values || {})) s = s.replace("{" + k + "}", v);
  return s;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString(lang === "zh" ? "zh-CN" : "en-GB") : t("never");
}

async function api(path, method, body, etag) {
  const init = { method: method || "GET", credentials: "same-origin", headers: { Accept: "application/json" } };
  if (init.method !== "GET") init.headers["Content-Type"] = "application/json";
  if (body !== undefined) init.body = JSON.stringify(body);
  if (etag) init.headers["If-Match"] = etag;
  const response = await fetch("/api/v1/" + path, init);
  const text = await response.text();
  let json = {};
  try { json = text ? JSON.parse(text) : {}; } catch (e) { json = { error: text }; }
  return { ok: response.ok, status: response.status, body: json, etag: response.headers.get("ETag") };
}

function status(text, isError) {
  const s = document.getElementById("status");
  s.textContent = text || "";
  s.className = isError ? "error" : "";
}

function number(n) {
  if (n === null || n === undefined) return t("noValue");
  return Math.abs(n) >= 1000 ? Math.round(n).toLocaleString(lang === "zh" ? "zh-CN" : "en-GB") : String(Math.round(n * 10000) / 10000);
}

function scopeOf(spec) {
  if (spec.channel_id !== undefined && spec.channel_id !== null) return t("channel", { id: spec.channel_id });
  if (spec.model) return t("model", { model: spec.model });
  if (spec.token_id !== undefined && spec.token_id !== null) return t("token", { id: spec.token_id });
  if (spec.token) return t("tokenName", { name: spec.token });
  if (spec.user_id !== undefined && spec.user_id !== null) return t("user", { id: spec.user_id });
  if (spec.username) return t("userName", { name: spec.username });
  if (spec.group) return t("group", { group: spec.group });
  if (spec.per) return t("per." + spec.per);
  return t("all");
}

function windowOf(spec) {
  const w = spec.window;
  if (!w) return "";
  return typeof w === "object" ? (w.from || "") + " – " + (w.to || "") : String(w);
}

function stateOf(rule) {
  const c = rule.current;
  if (!rule.enabled) return el("span", { class: "unarmed" }, t("off"));
  if (!c) return el("span", { class: "unarmed" }, t("loading"));
  if (c.firing) return el("span", { class: "firing" }, t("firing"));
  if (c.armed) return el("span", { class: "armed" }, t("armed"));
  return el("span", { class: "unarmed", title: c.note || "" }, t("unarmed") + (c.note ? ": " + c.note : ""));
}

function valueOf(c) {
  if (!c) return "";
  return number(c.value) + " / " + number(c.threshold) + " " + (c.unit || "");
}

async function loadRules() {
  const r = await api("rules");
  if (!r.ok) return status(t("failed", { error: r.body.error || r.status }), true);
  const body = document.getElementById("rules");
  body.replaceChildren();
  if (r.body.rules.length === 0) body.append(el("tr", {}, el("td", { colspan: "9" }, t("none"))));
  for (const rule of r.body.rules) {
    const spec = rule.spec || {};
    const kind = spec.kind || (rule.current && rule.current.kind) || "usage";
    const isConsole = rule.source === "console";
    const toggle = isConsole
      ? el("button", { type: "button", class: "toggle", "data-rule": rule.name, onclick: () => toggleRule(rule.name) },
          rule.enabled ? t("switchOff") : t("switchOn"))
      : null;
    const actions = isConsole
      ? el("td", {},
          el("button", { type: "button", class: "edit", "data-rule": rule.name, onclick: () => { location.hash = "#edit=" + encodeURIComponent(rule.name); } }, t("edit")), " ",
          el("button", { type: "button", class: "delete", "data-rule": rule.name, onclick: () => deleteRule(rule.name) }, t("delete")))
      : el("td", { class: "muted" }, t("fileHint"));
    body.append(el("tr", { "data-rule": rule.name, "data-enabled": String(rule.enabled), "data-source": rule.source },
      el("td", {}, rule.name), el("td", {}, t("kind." + kind)), el("td", {}, scopeOf(spec)), el("td", {}, windowOf(spec)),
      el("td", { class: "value" }, valueOf(rule.current)), el("td", { class: "state" }, stateOf(rule)),
      el("td", {}, t(rule.source)), el("td", {}, rule.enabled ? t("on") : t("off"), " ", toggle), actions));
  }
}

async function toggleRule(name) {
  const r = await api("rules/" + encodeURIComponent(name));
  if (!r.ok) return status(t("failed", { error: r.body.error || r.status }), true);
  const spec = Object.assign({}, r.body.spec, { enabled: !r.body.enabled });
  const w = await api("rules/" + encodeURIComponent(name), "PUT", spec, r.etag);
  if (!w.ok) status(t("failed", { error: w.body.error || w.status }), true);
  else status(t("switched", { name, state: spec.enabled ? t("switchOn") : t("switchOff") }));
  await loadRules();
}

async function deleteRule(name) {
  if (!confirm(t("confirmDelete", { name }))) return;
  const r = await api("rules/" + encodeURIComponent(name));
  if (!r.ok) return status(t("failed", { error: r.body.error || r.status }), true);
  const d = await api("rules/" + encodeURIComponent(name), "DELETE", undefined, r.etag);
  if (!d.ok) status(t("failed", { error: d.body.error || d.status }), true);
  else status(t("deleted", { name }));
  await loadRules();
}

function field(id) {
  return document.getElementById(id);
}

function fillWindows(kind, selected) {
  const select = field("f-window");
  select.replaceChildren();
  for (const w of kind === "usage" ? WINDOWS.usage : WINDOWS.other) select.append(el("option", { value: w }, w));
  if (selected) select.value = selected;
}

function showKind() {
  const kind = field("f-kind").value;
  const current = field("f-window").value;
  fillWindows(kind, current);
  if (!field("f-window").value) field("f-window").selectedIndex = 0;
  const show = (cls, on) => { for (const e of document.querySelectorAll("." + cls)) e.hidden = !on; };
  show("k-window", kind !== "channel_down");
  show("k-usage", kind === "usage");
  show("k-above", kind !== "usage" && kind !== "channel_down");
  show("k-min", kind !== "usage" && kind !== "channel_down" && kind !== "spend_anomaly");
  show("k-latency", kind === "latency");
  show("k-spike", kind === "spike");
  show("k-spend", kind === "spend_anomaly");
  // channel_down watches channels only; "every key / user / group" is a spend_anomaly rule's alone.
  for (const option of field("f-scope").options) {
    option.hidden = kind === "channel_down" ? !["all", "channel"].includes(option.value)
      : PER[option.value] !== undefined && kind !== "spend_anomaly";
  }
  if (field("f-scope").selectedOptions[0] && field("f-scope").selectedOptions[0].hidden) field("f-scope").value = "all";
  const scope = field("f-scope").value;
  document.querySelector(".scope-value").hidden = scope === "all" || PER[scope] !== undefined;
  field("f-scope-value-label").dataset.i18n = SCOPE_KEYS[scope] ? "scopeValue." + scope : "f.scopeValue";
  field("f-scope-value-label").textContent = t(field("f-scope-value-label").dataset.i18n);
  field("f-above-label").dataset.i18n = kind === "spend_anomaly" ? "f.aboveFactor" : "f.above";
  field("f-above-label").textContent = t(field("f-above-label").dataset.i18n);
}

/** The form as a rule in the config file's grammar; a value left empty is left out (the API's default). */
function specOfForm() {
  const kind = field("f-kind").value;
  const spec = { name: field("f-name").value.trim(), kind };
  const scope = field("f-scope").value;
  const scopeValue = field("f-scope-value").value.trim();
  // ids are numbers in the grammar; anything else is sent as typed, so the API's message names the field
  const id = text => (/^\d+$/.test(text) ? Number(text) : text);
  if (SCOPE_KEYS[scope]) {
    const key = SCOPE_KEYS[scope];
    spec[key] = key === "channel_id" || key === "token_id" || key === "user_id" ? id(scopeValue) : scopeValue;
  }
  if (PER[scope]) spec.per = PER[scope];
  if (kind !== "channel_down") spec.window = field("f-window").value;
  const numeric = text => (text !== "" && !isNaN(Number(text)) ? Number(text) : text);
  if (kind === "usage") spec.limit = { [field("f-limit-unit").value]: numeric(field("f-limit").value.trim()) };
  if (kind === "spend_anomaly") {
    if (field("f-above").value.trim() !== "") spec.above = numeric(field("f-above").value.trim());
    if (field("f-weeks").value !== "") spec.weeks = Number(field("f-weeks").value);
    if (field("f-min-usd").value.trim() !== "") spec.min_usd = numeric(field("f-min-usd").value.trim());
  } else if (kind !== "usage" && kind !== "channel_down") {
    spec.above = numeric(field("f-above").value.trim());
    if (field("f-min-requests").value.trim() !== "") spec.min_requests = numeric(field("f-min-requests").value.trim());
  }
  if (kind === "latency") spec.metric = field("f-metric").value;
  if (kind === "spike") spec.compare_to = field("f-compare-to").value;
  const notify = field("f-notify").value.split(",").map(s => s.trim()).filter(s => s);
  if (notify.length) spec.notify = notify;
  if (field("f-action").value !== "notify") spec.action = field("f-action").value;
  if (field("f-severity").value) spec.severity = field("f-severity").value;
  if (field("f-cooldown").value.trim()) spec.cooldown = field("f-cooldown").value.trim();
  if (field("f-active").value.trim()) spec.active = field("f-active").value.trim();
  spec.enabled = field("f-enabled").checked;
  return spec;
}

function fillForm(spec) {
  field("f-name").value = spec.name || "";
  field("f-kind").value = spec.kind || "usage";
  const scope = Object.keys(SCOPE_KEYS).find(s => spec[SCOPE_KEYS[s]] !== undefined && spec[SCOPE_KEYS[s]] !== null);
  const per = Object.keys(PER).find(s => PER[s] === spec.per);
  field("f-scope").value = scope || per || "all";
  field("f-scope-value").value = scope ? spec[SCOPE_KEYS[scope]] : "";
  field("f-weeks").value = spec.weeks !== undefined ? String(spec.weeks) : "";
  field("f-min-usd").value = spec.min_usd !== undefined ? spec.min_usd : "";
  fillWindows(field("f-kind").value, typeof spec.window === "string" ? spec.window : "");
  const limit = spec.limit || {};
  const unit = Object.keys(limit)[0] || "tokens";
  field("f-limit-unit").value = unit;
  field("f-limit").value = limit[unit] !== undefined ? limit[unit] : "";
  field("f-above").value = spec.above !== undefined ? spec.above : "";
  field("f-min-requests").value = spec.min_requests !== undefined ? spec.min_requests : "";
  field("f-metric").value = spec.metric || "duration";
  field("f-compare-to").value = spec.compare_to || "7d";
  field("f-notify").value = (spec.notify || []).join(", ");
  field("f-action").value = spec.action || "notify";
  field("f-severity").value = spec.severity || "";
  field("f-cooldown").value = spec.cooldown || "";
  field("f-active").value = spec.active || "";
  field("f-enabled").checked = spec.enabled !== false;
  showKind();
}

function showError(r) {
  for (const e of document.querySelectorAll(".invalid")) e.classList.remove("invalid");
  const f = r.body.field || "";
  if (f) {
    const top = f.split(/[.\[]/)[0];
    for (const e of document.querySelectorAll("[data-field]")) {
      if (e.dataset.field.split(" ").includes(top)) e.classList.add("invalid");
    }
  }
  field("form-error").textContent = t("failed", { error: r.body.error || r.status });
}

function clearError() {
  for (const e of document.querySelectorAll(".invalid")) e.classList.remove("invalid");
  field("form-error").textContent = "";
}

async function preview() {
  clearError();
  const r = await api("rules/preview", "POST", specOfForm());
  const box = field("preview-result");
  if (!r.ok) { box.hidden = true; return showError(r); }
  const c = r.body;
  const state = c.firing ? el("span", { class: "firing" }, t("firing")) : c.armed ? el("span", { class: "armed" }, t("armed"))
    : el("span", { class: "unarmed" }, t("unarmed") + (c.note ? ": " + c.note : ""));
  box.replaceChildren(el("strong", {}, t("previewTitle")), el("br"),
    el("span", { class: "value" }, valueOf(c)), " · ", state,
    c.requests ? " · " + t("requests", { n: c.requests }) : "",
    c.window_start ? el("div", { class: "muted" }, t("windowSpan", { from: when(c.window_start), to: when(c.window_end) })) : null);
  box.hidden = false;
}

async function save(event) {
  event.preventDefault();
  clearError();
  const spec = specOfForm();
  const r = editing
    ? await api("rules/" + encodeURIComponent(editing.name), "PUT", spec, editing.etag)
    : await api("rules", "POST", spec);
  if (!r.ok) return showError(r);
  status(t("saved", { name: r.body.name }));
  editing = null;
  location.hash = "#rules";
}

async function loadEdit() {
  clearError();
  field("preview-result").hidden = true;
  const name = decodeURIComponent((location.hash.split("=")[1] || ""));
  if (!name) {
    editing = null;
    field("edit-title").textContent = t("form.new");
    fillForm({ kind: "usage", window: "24h" });
    return;
  }
  const r = await api("rules/" + encodeURIComponent(name));
  if (!r.ok) return status(t("failed", { error: r.body.error || r.status }), true);
  editing = { name, etag: r.etag };
  field("edit-title").textContent = t("form.edit", { name });
  fillForm(Object.assign({ name }, r.body.spec));
  field("f-name").disabled = true;
}

function change(entry) {
  const spec = entry.after || entry.before || {};
  if (entry.before && entry.after && entry.before.enabled !== entry.after.enabled) {
    return entry.after.enabled ? t("switchOn") : t("switchOff");
  }
  return [spec.kind || "", windowOf(spec), scopeOf(spec)].filter(s => s).join(" · ");
}

async function loadAudit() {
  const r = await api("audit?limit=100");
  if (!r.ok) return status(t("failed", { error: r.body.error || r.status }), true);
  const body = document.getElementById("audit");
  body.replaceChildren();
  if (r.body.entries.length === 0) body.append(el("tr", {}, el("td", { colspan: "6" }, t("none"))));
  const actions = { create: "created", update: "updated", delete: "removed" };
  for (const a of r.body.entries) {
    body.append(el("tr", {}, el("td", {}, a.id), el("td", {}, when(a.at)), el("td", {}, a.actor),
      el("td", {}, t(actions[a.action] || a.action)), el("td", {}, a.rule), el("td", {}, change(a))));
  }
}

const LOADERS = { rules: loadRules, edit: loadEdit, audit: loadAudit };

function current() {
  const page = location.hash.replace("#", "").split("=")[0];
  return LOADERS[page] ? page : "rules";
}

async function show() {
  const page = current();
  for (const name of Object.keys(LOADERS)) document.getElementById("page-" + name).hidden = name !== page;
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.page === page);
  field("f-name").disabled = false;
  if (page !== "rules") status("");
  try {
    await LOADERS[page]();
  } catch (e) {
    status(t("failed", { error: e.message }), true);
  }
}

function translate() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.title = t("title");
  for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = t(e.dataset.i18n);
  document.getElementById("lang").textContent = t("lang");
}

document.getElementById("lang").addEventListener("click", () => {
  lang = lang === "zh" ? "en" : "zh";
  localStorage.setItem(LANG_KEY, lang);
  translate();
  show();
});
field("f-kind").addEventListener("change", showKind);
field("f-scope").addEventListener("change", showKind);
field("preview").addEventListener("click", preview);
field("rule-form").addEventListener("submit", save);
field("cancel").addEventListener("click", () => { editing = null; location.hash = "#rules"; });
field("reload-rules").addEventListener("click", loadRules);
window.addEventListener("hashchange", show);
translate();
show();
