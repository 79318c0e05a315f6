// Token Monitor bridge console: plain JavaScript, no build step, nothing loaded from elsewhere.
// Every write is a same-origin fetch() with a JSON body: the API refuses anything else (cross-site protection).
"use strict";

const TEXT = {
  en: {
    title: "Token Monitor bridge", "nav.targets": "Targets", "nav.deliveries": "Deliveries", "nav.breaker": "Breaker",
    "nav.held": "Held", "nav.audit": "Audit", "col.name": "Name", "col.platform": "Platform", "col.configured": "Configured",
    "col.rate": "Send rate", "col.pending": "Pending", "col.dead": "Dead", "col.test": "Test", "col.outcome": "Outcome",
    "col.state": "State", "col.target": "Target", "col.alert": "Alert", "col.attempts": "Attempts", "col.error": "Last error",
    "col.created": "Created", "col.message": "Message", "col.actions": "Actions", "col.time": "Time", "col.action": "Action",
    "col.channel": "Channel", "col.statuses": "Status before → after", "col.result": "Result", "col.detail": "Detail",
    "col.window": "Active window", "col.since": "Held since", "col.until": "Until", "col.lastFiring": "Last firing message",
    "col.user": "User", "col.client": "Client", "col.subject": "Subject",
    "state.all": "all", "state.pending": "pending", "state.sent": "sent", "state.dead": "dead",
    reload: "Reload", prev: "Newer", next: "Older", yes: "yes", no: "no", test: "Send test", retry: "Retry",
    discard: "Discard", enable: "Enable channel", show: "show", none: "nothing here",
    queued: "queued as delivery #{id}…", sentOk: "delivered (delivery #{id})", deadMsg: "not delivered: {error}",
    stillPending: "still pending (attempt {attempts}){error}", loading: "loading…", failed: "failed: {error}",
    retried: "delivery #{id} queued again", discarded: "delivery #{id} discarded", enabled: "channel #{id}: {result}",
    "enable.token": "Enable key", "enable.user": "Enable user", "enabled.token": "key #{id}: {result}", "enabled.user": "user #{id}: {result}",
    "confirmEnable.token": "Re-enable key #{id} in the gateway?", "confirmEnable.user": "Re-enable user #{id} in the gateway?",
    "target.token": "key #{id}", "target.user": "user #{id}",
    confirmDiscard: "Discard delivery #{id}? It will not be sent.", confirmEnable: "Re-enable channel #{id} in the gateway?",
    "held.deferred": "Waiting for their active window", "held.cooldowns": "Cooldowns in force",
    cooldownNote: "Until = last firing message + the default cooldown ({d}); an alert's own cooldown label may differ.",
    dryRun: "Dry run: the breaker decides and reports but changes no channel.", breakerOff: "The breaker is off (no SQL_DSN).",
    breakerOn: "The breaker acts on the gateway database.", notConfigured: "not configured: {how}", per: "per",
    never: "—", lang: "中文",
  },
  zh: {
    title: "Token Monitor 告警桥", "nav.targets": "通知目标", "nav.deliveries": "投递记录", "nav.breaker": "熔断记录",
    "nav.held": "暂缓与冷却", "nav.audit": "操作审计", "col.name": "名称", "col.platform": "平台", "col.configured": "已配置",
    "col.rate": "发送速率", "col.pending": "待发送", "col.dead": "死信", "col.test": "测试", "col.outcome": "结果",
    "col.state": "状态", "col.target": "目标", "col.alert": "告警", "col.attempts": "尝试次数", "col.error": "最近错误",
    "col.created": "创建时间", "col.message": "消息", "col.actions": "操作", "col.time": "时间", "col.action": "动作",
    "col.channel": "渠道", "col.statuses": "状态 前 → 后", "col.result": "结果", "col.detail": "详情",
    "col.window": "生效时段", "col.since": "暂缓自", "col.until": "直到", "col.lastFiring": "最近一次告警消息",
    "col.user": "用户", "col.client": "客户端", "col.subject": "对象",
    "state.all": "全部", "state.pending": "待发送", "state.sent": "已发送", "state.dead": "死信",
    reload: "刷新", prev: "较新", next: "较旧", yes: "是", no: "否", test: "发送测试", retry: "重试",
    discard: "丢弃", enable: "启用渠道", show: "查看", none: "暂无数据",
    queued: "已排队，投递编号 #{id}…", sentOk: "已送达（投递 #{id}）", deadMsg: "未送达：{error}",
    stillPending: "仍在等待（第 {attempts} 次尝试）{error}", loading: "加载中…", failed: "失败：{error}",
    retried: "投递 #{id} 已重新排队", discarded: "投递 #{id} 已丢弃", enabled: "渠道 #{id}：{result}",
    "enable.token": "启用令牌", "enable.user": "启用用户", "enabled.token": "令牌 #{id}：{result}", "enabled.user": "用户 #{id}：{result}",
    "confirmEnable.token": "在网关中重新启用令牌 #{id}？", "confirmEnable.user": "在网关中重新启用用户 #{id}？",
    "target.token": "令牌 #{id}", "target.user": "用户 #{id}",
    confirmDiscard: "丢弃投递 #{id}？它将不会被发送。", confirmEnable: "在网关中重新启用渠道 #{id}？",
    "held.deferred": "等待生效时段的告警", "held.cooldowns": "冷却中的告警",
    cooldownNote: "直到 = 最近一次告警消息 + 默认冷却时间（{d}）；告警自带的 cooldown 标签可能不同。",
    dryRun: "演练模式（dry run）：熔断器只做判断和报告，不修改任何渠道。", breakerOff: "熔断器未开启（未设置 SQL_DSN）。",
    breakerOn: "熔断器会修改网关数据库中的渠道。", notConfigured: "未配置：{how}", per: "每",
    never: "—", lang: "English",
  },
};

const LANG_KEY = "tm-bridge-console-lang";
let lang = localStorage.getItem(LANG_KEY) || ((navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en");
let breakerOffset = 0;
const PAGE = 50;

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

async function api(path, method) {
  const init = { method: method || "GET", credentials: "same-origin", headers: { Accept: "application/json" } };
  if (method === "POST") {
    init.headers["Content-Type"] = "application/json";
    init.body = "{}";
  }
  const response = await fetch("/api/v1/" + path, init);
  const body = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, body };
}

function status(text, isError) {
  const s = document.getElementById("status");
  s.textContent = text || "";
  s.className = isError ? "error" : "";
}

function fill(id, rows, columns) {
  const body = document.getElementById(id);
  body.replaceChildren();
  if (rows.length === 0) body.append(el("tr", {}, el("td", { colspan: String(columns) }, t("none"))));
  for (const r of rows) body.append(r);
}

async function loadTargets() {
  const r = await api("targets");
  if (!r.ok) return status(t("failed", { error: r.body.error || r.status }), true);
  fill("targets", r.body.targets.map(target => {
    const outcome = el("td", { class: "outcome", "data-target": target.name });
    const rate = (target.sendRate || []).map(x => x.count + "/" + x.per).join(", ");
    const button = target.configured
      ? el("button", { type: "button", class: "test", "data-target": target.name, onclick: () => sendTest(target.name, outcome) }, t("test"))
      : null;
    return el("tr", {},
      el("td", {}, target.name), el("td", {}, target.platform),
      el("td", {}, target.configured ? t("yes") : t("notConfigured", { how: target.howTo })),
      el("td", {}, rate), el("td", {}, target.configured ? target.pending : ""),
      el("td", { class: target.dead > 0 ? "bad" : "" }, target.configured ? target.dead : ""),
      el("td", {}, button), outcome);
  }), 8);
}

async function sendTest(name, cell) {
  const r = await api("targets/" + encodeURIComponent(name) + "/test", "POST");
  if (!r.ok) { cell.textContent = t("failed", { error: r.body.error || r.status }); cell.className = "outcome bad"; return; }
  const id = r.body.delivery;
  cell.textContent = t("queued", { id });
  cell.className = "outcome";
  for (let i = 0; i < 60; i++) {
    await new Promise(resolve => setTimeout(resolve, 1000));
    const d = await api("deliveries/" + id);
    if (!d.ok) continue;
    if (d.body.state === "sent") { cell.textContent = t("sentOk", { id }); cell.className = "outcome good"; return; }
    if (d.body.state === "dead") { cell.textContent = t("deadMsg", { error: d.body.lastError || "" }); cell.className = "outcome bad"; return; }
    cell.textContent = t("stillPending", { attempts: d.body.attempts, error: d.body.lastError ? ": " + d.body.lastError : "" });
  }
}

async function loadDeliveries() {
  const state = document.getElementById("state-filter").value;
  const r = await api("deliveries?limit=" + PAGE + (state ? "&state=" + state : ""));
  if (!r.ok) return status(t("failed", { error: r.body.error || r.status }), true);
  fill("deliveries", r.body.deliveries.map(d => {
    const actions = el("td", {});
    if (d.state === "dead") {
      actions.append(
        el("button", { type: "button", class: "retry", "data-id": String(d.id), onclick: () => act("deliveries/" + d.id + "/retry", t("retried", { id: d.id }), loadDeliveries) }, t("retry")), " ",
        el("button", { type: "button", class: "discard", "data-id": String(d.id), onclick: () => confirm(t("confirmDiscard", { id: d.id })) && act("deliveries/" + d.id + "/discard", t("discarded", { id: d.id }), loadDeliveries) }, t("discard")));
    }
    return el("tr", { "data-id": String(d.id), "data-state": d.state },
      el("td", {}, d.id), el("td", {}, d.target), el("td", {}, d.alertKey + " (" + d.alertStatus + ")" + (d.parts > 1 ? " " + d.part + "/" + d.parts : "")),
      el("td", { class: "state-" + d.state }, t("state." + d.state)), el("td", {}, d.attempts), el("td", {}, d.lastError || ""),
      el("td", {}, when(d.created)), el("td", { class: "message" }, el("details", {}, el("summary", {}, t("show")), d.message)), actions);
  }), 9);
}

async function act(path, done, reload) {
  const r = await api(path, "POST");
  status(r.ok ? done : t("failed", { error: r.body.error || r.status }), !r.ok);
  await reload();
  return r;
}

async function loadBreaker() {
  const r = await api("breaker/actions?limit=" + PAGE + "&offset=" + breakerOffset);
  if (!r.ok) return status(t("failed", { error: r.body.error || r.status }), true);
  const mode = document.getElementById("breaker-mode");
  mode.textContent = !r.body.breaker ? t("breakerOff") : r.body.dryRun ? t("dryRun") : t("breakerOn");
  mode.className = r.body.dryRun ? "dry-run" : "";
  fill("breaker", r.body.actions.map(a => {
    // Channels keep their original texts; keys (target "token") and users have their own (issue 15).
    const kind = a.target || "channel";
    const id = kind === "channel" ? a.channelId : a.targetId;
    const key = name => kind === "channel" ? name : name + "." + kind;
    const attrs = { type: "button", class: "enable", onclick: () => confirm(t(key("confirmEnable"), { id })) && enable(kind, id) };
    attrs["data-" + kind] = String(id);
    const button = a.canEnable ? el("button", attrs, t(key("enable"))) : null;
    const statuses = (a.statusBefore ?? "?") + " → " + (a.statusAfter ?? "?");
    const what = kind === "channel" ? "#" + id : t("target." + kind, { id });
    return el("tr", {}, el("td", {}, a.id), el("td", {}, when(a.at)), el("td", {}, a.action), el("td", {}, what),
      el("td", {}, a.alertname || ""), el("td", {}, statuses), el("td", { class: a.result === "failed" ? "bad" : "" }, a.result),
      el("td", {}, a.detail || ""), el("td", {}, button));
  }), 9);
  document.getElementById("breaker-prev").disabled = breakerOffset === 0;
  document.getElementById("breaker-next").disabled = r.body.actions.length < PAGE;
}

async function enable(kind, id) {
  const path = { channel: "channels", token: "tokens", user: "users" }[kind];
  const r = await api(path + "/" + id + "/enable", "POST");
  const text = t(kind === "channel" ? "enabled" : "enabled." + kind, { id, result: r.body.result + (r.body.detail ? " - " + r.body.detail : "") }) + (r.body.dryRun ? " (dry run)" : "");
  status(r.ok ? text : t("failed", { error: r.body.error || text }), !r.ok);
  await loadBreaker();
}

async function loadHeld() {
  const r = await api("held");
  if (!r.ok) return status(t("failed", { error: r.body.error || r.status }), true);
  fill("deferred", r.body.deferred.map(d => el("tr", {}, el("td", {}, d.alertname + " (" + d.alertKey + ")"), el("td", {}, d.status),
    el("td", {}, d.active + " " + d.timezone), el("td", {}, when(d.since)), el("td", {}, when(d.until)))), 5);
  document.getElementById("cooldown-note").textContent = t("cooldownNote", { d: r.body.defaultCooldown });
  fill("cooldowns", r.body.cooldowns.map(c => el("tr", {}, el("td", {}, c.alertKey), el("td", {}, c.target),
    el("td", {}, when(c.lastFiring)), el("td", {}, when(c.until)))), 4);
}

async function loadAudit() {
  const r = await api("audit?limit=" + PAGE);
  if (!r.ok) return status(t("failed", { error: r.body.error || r.status }), true);
  fill("audit", r.body.audit.map(a => el("tr", {}, el("td", {}, a.id), el("td", {}, when(a.at)), el("td", {}, a.user), el("td", {}, a.client),
    el("td", {}, a.action), el("td", {}, a.subject), el("td", {}, a.result), el("td", {}, a.detail || ""))), 8);
}

const LOADERS = { targets: loadTargets, deliveries: loadDeliveries, breaker: loadBreaker, held: loadHeld, audit: loadAudit };

function current() {
  const page = location.hash.replace("#", "");
  return LOADERS[page] ? page : "targets";
}

async function show() {
  const page = current();
  for (const name of Object.keys(LOADERS)) document.getElementById("page-" + name).hidden = name !== page;
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.page === page);
  status("");
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
document.getElementById("state-filter").addEventListener("change", loadDeliveries);
document.getElementById("reload-deliveries").addEventListener("click", loadDeliveries);
document.getElementById("breaker-prev").addEventListener("click", () => { breakerOffset = Math.max(0, breakerOffset - PAGE); loadBreaker(); });
document.getElementById("breaker-next").addEventListener("click", () => { breakerOffset += PAGE; loadBreaker(); });
window.addEventListener("hashchange", show);
translate();
show();
