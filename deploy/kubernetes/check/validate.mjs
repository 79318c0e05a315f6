// Checks one rendered overlay (the output of `kubectl kustomize`), for check.sh:
//   node validate.mjs RENDERED.yaml REPO_ROOT
// 1. every object validates against its schema: the Kubernetes OpenAPI (kubernetes-models) or the
//    Prometheus Operator CRDs (@kubernetes-models/prometheus-operator), with no field the schema
//    lacks; an unknown kind fails;
// 2. the PrometheusRules equal prometheus/rules/*.yml, one per file;
// 3. the dashboard ConfigMaps hold grafana/dashboards/*.json byte for byte, one per file;
// 4. the datasource ConfigMap equals grafana/provisioning/datasources/datasources.yml but for the
//    two values generate.sh changes;
// 5. the AlertmanagerConfig keeps prometheus/alertmanager.yml's grouping, timings, webhook settings
//    and inhibit rules;
// 6. the pods run as the images' non-root users with the hardening and resources the package promises;
// 7. grafana-store/values.yaml mounts the exporter's claim in Grafana read-only, on its node, with its
//    group, where the tm-store datasource looks.
// Prints one line per check ("ok    …" or "FAIL  …" with the reasons) and exits 1 if any failed.
import { readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parse, parseAllDocuments } from "yaml";

const [renderedPath, repo] = process.argv.slice(2);
let failed = 0;

function check(name, problems) {
  if (problems.length === 0) {
    console.log(`ok    ${name}`);
  } else {
    failed++;
    console.log(`FAIL  ${name}`);
    for (const p of problems) console.log(`      ${p}`);
  }
}

// Strict parsing: a duplicate key is an error, not "the last one wins".
function parseStrict(text, what) {
  return parse(text, { uniqueKeys: true, prettyErrors: true }) ?? failParse(what);
}
function failParse(what) {
  throw new Error(`${what}: empty document`);
}

const docs = parseAllDocuments(readFileSync(renderedPath, "utf8"), { uniqueKeys: true });
const parseErrors = docs.flatMap((d) => d.errors.map((e) => e.message));
check("rendered YAML parses", parseErrors);
if (parseErrors.length) process.exit(1);
const objects = docs.map((d) => d.toJS()).filter((o) => o !== null);
const byKind = (kind) => objects.filter((o) => o.kind === kind);
const named = (kind, name) => objects.find((o) => o.kind === kind && o.metadata?.name === name);

// --- 1. schemas ---------------------------------------------------------------------------------
// kubernetes-models exports one module per API group and version ("v1" for the core group), each
// with a class per kind whose validate() runs the schema's compiled validator and throws on errors.
async function modelClass(apiVersion, kind) {
  const pkg = apiVersion.startsWith("monitoring.coreos.com/")
    ? "@kubernetes-models/prometheus-operator"
    : "kubernetes-models";
  try {
    return (await import(`${pkg}/${apiVersion}`))[kind];
  } catch {
    return undefined;
  }
}
// The schemas say which properties exist but not that others are refused (no additionalProperties:
// false), while the API server refuses unknown fields (kubectl's default --validate=strict since
// 1.27) and a misspelt field would otherwise pass here. The compiled validator reads every property
// its schema declares (`data.name !== undefined`) and enumerates the keys of a map (labels, data):
// a key of the object that it neither read nor enumerated is not in the schema.
function unknownFields(Model, object) {
  const read = new Map(); // object -> Set of the keys read, or true once its keys were enumerated
  const proxies = new WeakMap();
  const watch = (v) => {
    if (!v || typeof v !== "object") return v;
    if (!proxies.has(v)) {
      proxies.set(v, new Proxy(v, {
        get(target, key, receiver) {
          if (typeof key === "string") {
            const keys = read.get(target);
            if (keys === undefined) read.set(target, new Set([key]));
            else if (keys !== true) keys.add(key);
          }
          return watch(Reflect.get(target, key, receiver));
        },
        has(target, key) {
          if (typeof key === "string") this.get(target, key, target);
          return Reflect.has(target, key);
        },
        ownKeys(target) {
          read.set(target, true);
          return Reflect.ownKeys(target);
        },
      }));
    }
    return proxies.get(v);
  };
  const model = new Model(object);
  Model.prototype.validate.call(watch(model));
  const unknown = [];
  const walk = (v, path) => {
    if (!v || typeof v !== "object") return;
    const keys = read.get(v);
    for (const k of Object.keys(v)) {
      if (keys === true || keys?.has(k)) walk(v[k], `${path}/${k}`);
      else unknown.push(`${path}/${k}: not a field of the schema`);
    }
  };
  walk(model, "");
  return unknown;
}

for (const o of objects) {
  const id = `${o.apiVersion} ${o.kind} ${o.metadata?.name}`;
  const Model = await modelClass(o.apiVersion ?? "", o.kind ?? "");
  if (!Model) {
    check(`schema ${id}`, [`no schema for apiVersion ${o.apiVersion} kind ${o.kind}`]);
    continue;
  }
  const problems = [];
  try {
    new Model(o).validate();
    problems.push(...unknownFields(Model, o));
  } catch (e) {
    problems.push(...String(e.message).split("\n"));
  }
  check(`schema ${id}`, problems);
}

// --- 2. PrometheusRules = prometheus/rules/*.yml ----------------------------------------------------
// kustomize's output reads a folded scalar (`>-`) with a more-indented line differently from this
// YAML library: "(\n\n  rate(" where YAML 1.2 (spec example 8.10) and this library give
// "(\n  rate(". Whitespace in PromQL means nothing, so blank lines are compared collapsed; the
// text itself is compared exactly by check.sh (generate.sh's output against base/generated/).
function collapseBlankLines(v) {
  if (typeof v === "string") return v.replace(/\n(?:[ \t]*\n)+/g, "\n");
  if (Array.isArray(v)) return v.map(collapseBlankLines);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, collapseBlankLines(x)]));
  return v;
}
const rulesDir = join(repo, "prometheus/rules");
const ruleFiles = readdirSync(rulesDir).filter((f) => f.endsWith(".yml")).sort();
for (const f of ruleFiles) {
  const name = `token-monitor-${basename(f, ".yml")}`;
  const rule = named("PrometheusRule", name);
  const want = parseStrict(readFileSync(join(rulesDir, f), "utf8"), f);
  const problems = [];
  if (!rule) problems.push(`no PrometheusRule ${name}`);
  else if (!isDeepStrictEqual(collapseBlankLines(rule.spec), collapseBlankLines(want))) {
    problems.push(`spec differs from prometheus/rules/${f}: run deploy/kubernetes/generate.sh`);
  }
  check(`PrometheusRule ${name} equals prometheus/rules/${f}`, problems);
}
const expectedRules = new Set(ruleFiles.map((f) => `token-monitor-${basename(f, ".yml")}`));
check(
  "no PrometheusRule without a rule file",
  byKind("PrometheusRule")
    .map((r) => r.metadata.name)
    .filter((n) => !expectedRules.has(n))
    .map((n) => `PrometheusRule ${n} has no prometheus/rules file`),
);

// --- 3. dashboard ConfigMaps = grafana/dashboards/*.json ---------------------------------------------
const dashDir = join(repo, "grafana/dashboards");
const dashFiles = readdirSync(dashDir).filter((f) => f.endsWith(".json")).sort();
const dashMaps = byKind("ConfigMap").filter((c) => c.metadata?.labels?.grafana_dashboard === "1");
for (const f of dashFiles) {
  const holders = dashMaps.filter((c) => c.data && f in c.data);
  const problems = [];
  if (holders.length !== 1) {
    problems.push(`${holders.length} ConfigMaps labelled grafana_dashboard: "1" hold ${f} (want 1)`);
  } else if (holders[0].data[f] !== readFileSync(join(dashDir, f), "utf8")) {
    problems.push(`${holders[0].metadata.name} differs from grafana/dashboards/${f}: run deploy/kubernetes/generate.sh`);
  }
  check(`dashboard ConfigMap equals grafana/dashboards/${f}`, problems);
}
check(
  "no dashboard ConfigMap without a dashboard file",
  dashMaps.flatMap((c) =>
    Object.keys(c.data ?? {})
      .filter((k) => !dashFiles.includes(k))
      .map((k) => `${c.metadata.name} holds ${k}, which grafana/dashboards/ does not have`),
  ),
);

// --- 4. datasources -------------------------------------------------------------------------------
{
  const source = parseStrict(
    readFileSync(join(repo, "grafana/provisioning/datasources/datasources.yml"), "utf8"),
    "datasources.yml",
  );
  // generate.sh's two changes, nothing else: kube-prometheus-stack's Prometheus, and not default.
  for (const ds of source.datasources) {
    if (ds.uid === "tm-prometheus") {
      ds.url = "http://prometheus-operated.monitoring.svc:9090";
      ds.isDefault = false;
    }
  }
  const maps = byKind("ConfigMap").filter((c) => c.metadata?.labels?.grafana_datasource === "1");
  const problems = [];
  if (maps.length !== 1) problems.push(`${maps.length} ConfigMaps labelled grafana_datasource: "1" (want 1)`);
  else {
    const values = Object.values(maps[0].data ?? {});
    if (values.length !== 1) problems.push(`${maps[0].metadata.name} has ${values.length} keys (want 1)`);
    else if (!isDeepStrictEqual(parseStrict(values[0], maps[0].metadata.name), source)) {
      problems.push(`${maps[0].metadata.name} differs from grafana/provisioning/datasources/datasources.yml`);
    }
  }
  check("datasource ConfigMap equals grafana/provisioning/datasources/datasources.yml", problems);
}

// --- 5. AlertmanagerConfig = prometheus/alertmanager.yml -------------------------------------------
{
  const am = parseStrict(readFileSync(join(repo, "prometheus/alertmanager.yml"), "utf8"), "alertmanager.yml");
  const amc = named("AlertmanagerConfig", "token-monitor");
  const problems = [];
  if (!amc) problems.push("no AlertmanagerConfig token-monitor");
  else {
    const r = amc.spec.route;
    const same = (what, got, want) => {
      if (!isDeepStrictEqual(got, want)) problems.push(`${what}: ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    };
    same("route.receiver", r.receiver, am.route.receiver);
    same("route.groupBy", r.groupBy, am.route.group_by);
    same("route.groupWait", r.groupWait, am.route.group_wait);
    same("route.groupInterval", r.groupInterval, am.route.group_interval);
    same("route.repeatInterval", r.repeatInterval, am.route.repeat_interval);
    const receiver = am.receivers.find((x) => x.name === am.route.receiver);
    const hook = receiver.webhook_configs[0];
    const got = amc.spec.receivers?.find((x) => x.name === r.receiver)?.webhookConfigs?.[0] ?? {};
    // The bridge's Service in its own namespace, from wherever Alertmanager runs.
    const bridge = named("Service", "token-monitor-bridge");
    same("webhook host", new URL(got.url ?? "http://x/").hostname, `token-monitor-bridge.${bridge?.metadata?.namespace}.svc`);
    same("webhook path", new URL(got.url ?? "http://x/").pathname, new URL(hook.url).pathname);
    same("webhook port", new URL(got.url ?? "http://x/").port, new URL(hook.url).port);
    same("webhook sendResolved", got.sendResolved, hook.send_resolved);
    same("webhook maxAlerts", got.maxAlerts, hook.max_alerts);
    same("webhook authorization type", got.httpConfig?.authorization?.type, hook.http_config.authorization.type);
    // alertmanager.yml's matcher strings, name="value" or name=~"value", as the CRD's objects.
    const matcher = (s) => {
      const m = /^(\w+)(=~|!~|!=|=)"(.*)"$/.exec(s);
      return { name: m[1], matchType: m[2], value: m[3] };
    };
    same(
      "inhibitRules",
      amc.spec.inhibitRules,
      am.inhibit_rules.map((i) => ({
        sourceMatch: i.source_matchers.map(matcher),
        targetMatch: i.target_matchers.map(matcher),
      })),
    );
  }
  check("AlertmanagerConfig keeps prometheus/alertmanager.yml's route, receiver and inhibit rules", problems);
}

// --- 6. hardening --------------------------------------------------------------------------------
// The images' users (exporter/Dockerfile, alertmanager-bridge/Dockerfile).
const imageUsers = { "token-monitor-exporter": 10001, "token-monitor-bridge": 10002 };
for (const d of byKind("Deployment")) {
  const name = d.metadata.name;
  const pod = d.spec.template.spec;
  const problems = [];
  const want = (ok, what) => ok || problems.push(what);
  want(d.spec.replicas === 1, "replicas must be 1 (one writer of the SQLite file)");
  want(d.spec.strategy?.type === "Recreate", "strategy must be Recreate");
  want(pod.securityContext?.runAsNonRoot === true, "pod runAsNonRoot must be true");
  want(pod.securityContext?.runAsUser === imageUsers[name], `pod runAsUser must be the image's ${imageUsers[name]}`);
  want(pod.securityContext?.seccompProfile?.type === "RuntimeDefault", "seccompProfile must be RuntimeDefault");
  for (const c of pod.containers) {
    const sc = c.securityContext ?? {};
    want(sc.readOnlyRootFilesystem === true, `${c.name}: readOnlyRootFilesystem must be true`);
    want(sc.allowPrivilegeEscalation === false, `${c.name}: allowPrivilegeEscalation must be false`);
    want(isDeepStrictEqual(sc.capabilities?.drop, ["ALL"]), `${c.name}: capabilities must drop ALL`);
    for (const k of ["requests", "limits"]) {
      for (const r of ["cpu", "memory"]) want(c.resources?.[k]?.[r] !== undefined, `${c.name}: resources.${k}.${r} missing`);
    }
    want(c.livenessProbe?.httpGet?.path === "/healthz", `${c.name}: livenessProbe must GET /healthz`);
  }
  check(`Deployment ${name} is hardened`, problems);
}
const policed = new Set(byKind("NetworkPolicy").map((p) => p.spec.podSelector?.matchLabels?.["app.kubernetes.io/name"]));
check(
  "every Deployment has a NetworkPolicy",
  byKind("Deployment")
    .map((d) => d.spec.template.metadata.labels["app.kubernetes.io/name"])
    .filter((n) => !policed.has(n))
    .map((n) => `no NetworkPolicy selects ${n}`),
);

// --- 7. Grafana reading the store (grafana-store/values.yaml) -------------------------------------
// kube-prometheus-stack's Grafana mounts the exporter's claim read-only on the exporter's node, with
// the exporter's fsGroup as a supplementary group, where the tm-store datasource's path points.
{
  const values = parseStrict(
    readFileSync(join(repo, "deploy/kubernetes/grafana-store/values.yaml"), "utf8"),
    "grafana-store/values.yaml",
  ).grafana;
  const problems = [];
  const want = (ok, what) => ok || problems.push(what);
  const exporter = named("Deployment", "token-monitor-exporter");
  const pod = exporter.spec.template.spec;
  const storePath = pod.containers[0].env.find((e) => e.name === "STORE_PATH")?.value ?? "";
  const dataVolume = pod.volumes.find((v) => v.persistentVolumeClaim);
  const claim = named("PersistentVolumeClaim", dataVolume?.persistentVolumeClaim?.claimName);
  want(claim !== undefined, "the exporter mounts no PersistentVolumeClaim of this package");
  // Two pods on one node share a ReadWriteOnce claim; ReadWriteOncePod would keep Grafana out.
  want(isDeepStrictEqual(claim?.spec?.accessModes, ["ReadWriteOnce"]), "the exporter's claim must be ReadWriteOnce only");
  const volume = (values.extraContainerVolumes ?? []).find(
    (v) => v.persistentVolumeClaim?.claimName === claim?.metadata?.name,
  );
  want(volume !== undefined, `extraContainerVolumes must hold the claim ${claim?.metadata?.name}`);
  want(volume?.persistentVolumeClaim?.readOnly === true, "the claim must be readOnly (the kubelet then skips Grafana's fsGroup)");
  const mount = (values.extraVolumeMounts ?? []).find((m) => m.name === volume?.name);
  want(mount?.readOnly === true, "extraVolumeMounts must mount the claim readOnly");
  const dsMap = byKind("ConfigMap").find((c) => c.metadata?.labels?.grafana_datasource === "1");
  const ds = parseStrict(Object.values(dsMap?.data ?? {})[0] ?? "{}", "datasources").datasources?.find(
    (d) => d.uid === "tm-store",
  );
  const mountDir = pod.containers[0].volumeMounts.find((m) => m.name === dataVolume?.name)?.mountPath;
  want(
    ds?.jsonData?.path === `${mount?.mountPath}/${storePath.slice(`${mountDir}/`.length)}`,
    `tm-store's path ${ds?.jsonData?.path} must be the store ${storePath} under Grafana's mount ${mount?.mountPath}`,
  );
  want(storePath.startsWith(`${mountDir}/`), `STORE_PATH ${storePath} must lie in the claim's mount ${mountDir}`);
  want(ds?.jsonData?.pathOptions === "mode=ro", "tm-store must open the store with mode=ro");
  const fsGroup = pod.securityContext?.fsGroup;
  want(
    (values.securityContext?.supplementalGroups ?? []).includes(fsGroup),
    `Grafana's supplementalGroups must include the exporter's fsGroup ${fsGroup}`,
  );
  // SQLite's -shm is shared memory: both pods on one host.
  const podLabels = exporter.spec.template.metadata.labels;
  const sameNode = (values.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).some(
    (t) =>
      t.topologyKey === "kubernetes.io/hostname" &&
      !t.namespaces && !t.namespaceSelector &&
      Object.entries(t.labelSelector?.matchLabels ?? {}).length > 0 &&
      Object.entries(t.labelSelector.matchLabels).every(([k, v]) => podLabels[k] === v),
  );
  want(sameNode, "Grafana needs a required podAffinity on kubernetes.io/hostname selecting the exporter's pod");
  check("grafana-store/values.yaml: Grafana mounts the exporter's claim read-only on its node", problems);
}

process.exit(failed ? 1 : 0);
