// Checks rendered manifests offline: every object against the Kubernetes API schema (the
// npm package kubernetes-models, by apiVersion and kind), then the project's rules for
// Deployments and the rest (the list is in scripts/check-k8s --help and docs/deploy.md).
//
//   node check-manifests.js NAME=RENDERED.yaml [NAME=RENDERED.yaml...]
//
// NAME is the kustomization's folder, e.g. deploy/k8s/overlays/dev; its last part picks
// the extra rules of that overlay (dev, production), or only the container rules (admin). Prints "ok   NAME (N objects)" or
// "FAIL NAME" followed by one line per problem; exits 1 when any NAME failed.
'use strict';

const { loadObjects, describe, podSpecOf, find, selects, portNamed, containerEnv } = require('./manifests');

// Labels every Deployment and its pods carry (https://kubernetes.io/docs/concepts/overview/
// working-with-objects/common-labels/); overlays add app.kubernetes.io/instance.
const kRequiredLabels = ['app.kubernetes.io/name', 'app.kubernetes.io/component', 'app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by'];
// npm packages with the schemas, by apiVersion and kind (scripts/k8s/package.json).
const kModelPackages = ['kubernetes-models', '@kubernetes-models/prometheus-operator'];
// Seconds a service may still need after the drain: stopping its metrics endpoint (up to
// 2 s, docs/configuration.md "Health and shutdown"), plus a margin for logs and Redis.
const kShutdownMarginSeconds = 3;

// schemaProblems(obj): the schema's complaints about obj, as strings ("" path = the object).
function schemaProblems(obj) {
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return ['has no apiVersion or kind'];
  // "apps/v1" -> kubernetes-models/apps/v1/Deployment; "v1" -> kubernetes-models/v1/Service;
  // the Prometheus Operator's kinds (components/monitoring) from their own package.
  let Model;
  for (const pkg of kModelPackages) {
    try {
      Model = require(`${pkg}/${obj.apiVersion}/${obj.kind}`)[obj.kind];
      break;
    } catch (e) {
      Model = undefined;
    }
  }
  if (!Model) return [`no Kubernetes API schema for apiVersion ${obj.apiVersion} kind ${obj.kind} (a typo, or a custom resource this check does not know)`];
  try {
    new Model(obj).validate();
    return [];
  } catch (e) {
    if (!e.errors) return [String(e.message)];
    return e.errors.map((err) => {
      const where = err.instancePath || '(the object)';
      const detail = err.params && err.params.missingProperty ? ` (${err.params.missingProperty})` : '';
      return `${where} ${err.message}${detail}`;
    });
  }
}

// containerRules(pod, c, isService): problems of container c of pod spec pod; isService adds
// the rules for the platform's own services (a CPU limit).
function containerRules(pod, c, isService) {
  const problems = [];
  const say = (m) => problems.push(`container ${c.name}: ${m}`);
  const podSc = pod.securityContext || {};
  const sc = c.securityContext || {};

  // securityContext: non-root, read-only root, no escalation, no capabilities.
  if (sc.runAsNonRoot === false) say('securityContext.runAsNonRoot is false (it must run as non-root)');
  else if (sc.runAsNonRoot !== true && podSc.runAsNonRoot !== true) say('runAsNonRoot: true is set neither for the pod nor for the container');
  const uid = sc.runAsUser !== undefined ? sc.runAsUser : podSc.runAsUser;
  if (uid === 0) say('runs as user 0 (root)');
  if (sc.allowPrivilegeEscalation !== false) say('securityContext.allowPrivilegeEscalation is not false');
  if (sc.readOnlyRootFilesystem !== true) say('securityContext.readOnlyRootFilesystem is not true');
  if (sc.privileged === true) say('securityContext.privileged is true');
  const drop = (sc.capabilities && sc.capabilities.drop) || [];
  if (!drop.includes('ALL')) say('securityContext.capabilities.drop does not include ALL');
  if ((sc.capabilities && sc.capabilities.add || []).length > 0) say('securityContext.capabilities.add is not empty');
  const seccomp = (sc.seccompProfile || podSc.seccompProfile || {}).type;
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') say('no seccompProfile RuntimeDefault (pod or container)');

  // Resources: requests for scheduling, a memory limit always, a CPU limit for services.
  const res = c.resources || {};
  for (const [group, key] of [['requests', 'cpu'], ['requests', 'memory'], ['limits', 'memory']].concat(isService ? [['limits', 'cpu']] : [])) {
    if (!res[group] || res[group][key] === undefined) say(`no resources.${group}.${key}`);
  }
  return problems;
}

// serviceRules(objects, d, profile): problems of one of the platform's Deployments.
function serviceRules(objects, d, profile) {
  const problems = [];
  const pod = podSpecOf(d);
  const template = d.spec.template;
  const templateLabels = (template.metadata && template.metadata.labels) || {};
  const annotations = (template.metadata && template.metadata.annotations) || {};
  const labelsWanted = profile === 'base' ? kRequiredLabels : kRequiredLabels.concat(['app.kubernetes.io/instance']);

  for (const label of labelsWanted) {
    if (!((d.metadata.labels || {})[label])) problems.push(`no label ${label}`);
    if (!templateLabels[label]) problems.push(`pod template has no label ${label}`);
  }
  if (!d.spec.selector || !selects(d.spec.selector.matchLabels, templateLabels)) problems.push('spec.selector.matchLabels does not match the pod template labels');

  // Its own ServiceAccount, and no API token in the pods.
  if (!pod.serviceAccountName) problems.push('no serviceAccountName (each service has its own ServiceAccount)');
  else if (!find(objects, 'ServiceAccount', pod.serviceAccountName)) problems.push(`ServiceAccount ${pod.serviceAccountName} is not in the manifests`);
  if (pod.automountServiceAccountToken !== false) problems.push('automountServiceAccountToken is not false');

  // Graceful termination: longer than the services' own drain.
  let drainSeconds = 0;
  for (const c of pod.containers || []) {
    const env = containerEnv(objects, c);
    const num = (name, dflt) => (typeof env.get(name) === 'string' && env.get(name) !== '' ? Number(env.get(name)) : dflt);
    drainSeconds = Math.max(drainSeconds, (num('EVENTS_SHUTDOWN_GRACE_MS', 0) + num('EVENTS_DRAIN_TIMEOUT_MS', 10000)) / 1000);
    for (const [name, value] of env) {
      if (value && value.missing) problems.push(`container ${c.name}: env ${name}: ${value.missing}`);
    }

    const say = (m) => problems.push(`container ${c.name}: ${m}`);
    // The image has no entrypoint of its own: the command picks the binary.
    if (!Array.isArray(c.command) || !/^\/usr\/local\/bin\/[^/]+$/.test(c.command[0] || '')) say('command must start with the binary in /usr/local/bin (the image has no entrypoint)');

    // Ports: gRPC and metrics declared, and the same numbers the service is told to use.
    const grpc = portNamed(c, 'grpc');
    const metrics = portNamed(c, 'metrics');
    if (grpc === undefined) say('no container port named grpc');
    if (metrics === undefined) say('no container port named metrics');
    if (grpc !== undefined && env.get('EVENTS_GRPC_PORT') !== String(grpc)) say(`EVENTS_GRPC_PORT is ${JSON.stringify(env.get('EVENTS_GRPC_PORT'))}, not the grpc containerPort ${grpc}`);
    if (metrics !== undefined && env.get('EVENTS_METRICS_PORT') !== String(metrics)) say(`EVENTS_METRICS_PORT is ${JSON.stringify(env.get('EVENTS_METRICS_PORT'))}, not the metrics containerPort ${metrics}`);
    if (env.get('EVENTS_LISTEN_HOST') === '127.0.0.1' || env.get('EVENTS_LISTEN_HOST') === 'localhost') say('EVENTS_LISTEN_HOST is loopback: neither the kubelet nor other pods could reach it');

    // Native gRPC probes on the gRPC port: startup, readiness and liveness.
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const p = c[probe];
      if (!p || !p.grpc) say(`no gRPC ${probe} (a native "grpc:" probe on port ${grpc === undefined ? 'grpc' : grpc})`);
      else if (grpc !== undefined && p.grpc.port !== grpc) say(`${probe}.grpc.port ${p.grpc.port} is not the grpc containerPort ${grpc}`);
    }

    // Scrape annotations that point at the metrics port.
    if (annotations['prometheus.io/scrape'] !== 'true') problems.push('pod template has no prometheus.io/scrape: "true" annotation');
    if (metrics !== undefined && annotations['prometheus.io/port'] !== String(metrics)) problems.push(`pod annotation prometheus.io/port is ${JSON.stringify(annotations['prometheus.io/port'])}, not the metrics port ${metrics}`);

    // Reachable: a Service in front, and a NetworkPolicy that lets calls in on the gRPC port.
    if (!objects.some((o) => o.kind === 'Service' && o.spec && o.spec.selector && selects(o.spec.selector, templateLabels))) say('no Service selects its pods');
    const opened = objects.some((o) => o.kind === 'NetworkPolicy' && o.spec.podSelector && Object.keys(o.spec.podSelector.matchLabels || {}).length > 0 &&
      selects(o.spec.podSelector.matchLabels, templateLabels) &&
      (o.spec.ingress || []).some((rule) => (rule.ports || []).some((p) => p.port === grpc || p.port === 'grpc')));
    if (grpc !== undefined && !opened) say(`no NetworkPolicy of its own lets calls in on port ${grpc}`);
  }
  const grace = pod.terminationGracePeriodSeconds;
  const need = drainSeconds + kShutdownMarginSeconds;
  if (grace === undefined) problems.push(`no terminationGracePeriodSeconds (it must be at least ${need}: shutdown grace + drain + ${kShutdownMarginSeconds} s)`);
  else if (grace < need) problems.push(`terminationGracePeriodSeconds ${grace} is below EVENTS_SHUTDOWN_GRACE_MS + EVENTS_DRAIN_TIMEOUT_MS + ${kShutdownMarginSeconds} s = ${need} s: Kubernetes would kill pods still draining`);

  // Autoscaled Deployments leave the replica count to their autoscaler.
  const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.kind === 'Deployment' && o.spec.scaleTargetRef.name === d.metadata.name);
  if (hpa && d.spec.replicas !== undefined) problems.push(`sets spec.replicas although HorizontalPodAutoscaler ${hpa.metadata.name} scales it (every apply would reset the count)`);
  const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget' && o.spec.selector && selects(o.spec.selector.matchLabels, templateLabels));

  if (profile === 'production') {
    if (!hpa) problems.push(`no HorizontalPodAutoscaler (add one in deploy/k8s/overlays/production/${d.metadata.name}.yaml, like scheduling.yaml)`);
    else if (!(hpa.spec.minReplicas >= 2 && hpa.spec.maxReplicas > hpa.spec.minReplicas)) problems.push(`HorizontalPodAutoscaler ${hpa.metadata.name}: minReplicas must be 2 or more, and maxReplicas above it`);
    if (!pdb) problems.push(`no PodDisruptionBudget selects its pods (add one in deploy/k8s/overlays/production/${d.metadata.name}.yaml)`);
  }
  if (profile === 'dev') {
    if (d.spec.replicas !== 1) problems.push(`replicas is ${d.spec.replicas}, not 1`);
    if (hpa) problems.push(`has HorizontalPodAutoscaler ${hpa.metadata.name} (dev runs one replica)`);
    if (pdb) problems.push(`has PodDisruptionBudget ${pdb.metadata.name} (dev runs one replica: it would block node drains)`);
  }
  return problems;
}

// redisProblems(objects, profile): the Redis StatefulSet keeps its data on a volume, with the
// append-only file; in production with appendfsync always.
function redisProblems(objects, profile) {
  const redis = find(objects, 'StatefulSet', 'redis');
  if (!redis) return ['no StatefulSet redis'];
  const problems = [];
  // Two pods behind the headless Service would be two separate Redis, each with part of the data.
  if (redis.spec.replicas !== undefined && redis.spec.replicas !== 1) problems.push(`StatefulSet redis has ${redis.spec.replicas} replicas: it is one primary without replication (1)`);
  if (!(redis.spec.volumeClaimTemplates || []).length) problems.push('StatefulSet redis has no volumeClaimTemplates (its data would not survive the pod)');
  const c = podSpecOf(redis).containers[0];
  const confVolume = (podSpecOf(redis).volumes || []).find((v) => v.configMap);
  const cm = confVolume && find(objects, 'ConfigMap', confVolume.configMap.name);
  const conf = (cm && cm.data && cm.data['redis.conf']) || '';
  // Later settings win in redis.conf, and command-line arguments win over the file.
  const setting = (name) => {
    let value;
    for (const line of conf.split('\n')) {
      const m = line.trim().match(/^(\S+)\s+(.*)$/);
      if (m && m[1].toLowerCase() === name) value = m[2].trim();
    }
    const args = c.args || [];
    for (let i = 0; i + 1 < args.length; i++) if (args[i] === `--${name}`) value = args[i + 1];
    return value;
  };
  if (setting('appendonly') !== 'yes') problems.push('Redis: appendonly is not yes');
  if (profile === 'production' && setting('appendfsync') !== 'always') problems.push(`Redis: appendfsync is ${setting('appendfsync')}, not always (the durable profile: no acknowledged write is ever lost)`);
  return problems;
}

// namespaceProblems(objects): rules about the whole set of objects.
function namespaceProblems(objects) {
  const problems = [];
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const denyAll = policies.some((p) => Object.keys(p.spec.podSelector || {}).length === 0 &&
    ['Ingress', 'Egress'].every((t) => (p.spec.policyTypes || []).includes(t)) && !(p.spec.ingress || []).length && !(p.spec.egress || []).length);
  if (!denyAll) problems.push('no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)');
  const dns = policies.some((p) => Object.keys(p.spec.podSelector || {}).length === 0 &&
    (p.spec.egress || []).some((rule) => (rule.ports || []).some((port) => port.port === 53)));
  if (!dns) problems.push('no NetworkPolicy lets every pod reach DNS (port 53)');
  for (const m of objects.filter((o) => o.kind === 'ServiceMonitor')) {
    const ports = (m.spec.endpoints || []).map((e) => e.port);
    const services = objects.filter((o) => o.kind === 'Service' && selects(m.spec.selector.matchLabels, o.metadata.labels));
    if (!services.some((svc) => (svc.spec.ports || []).some((p) => ports.includes(p.name)))) problems.push(`ServiceMonitor ${m.metadata.name} selects no Service with a port named ${ports.join(' or ')}`);
  }
  for (const s of objects.filter((o) => o.kind === 'Service' && o.spec.selector)) {
    if (!objects.some((o) => podSpecOf(o) && selects(s.spec.selector, (o.spec.template.metadata || {}).labels))) problems.push(`Service ${s.metadata.name} selects no pods`);
  }
  return problems;
}

// secretsNeeded(objects): "name (KEY, KEY)" for each Secret the pods read that the manifests
// do not contain: the operator creates those (docs/deploy.md, step 2).
function secretsNeeded(objects) {
  const needed = new Map();
  for (const o of objects) {
    const pod = podSpecOf(o);
    if (!pod) continue;
    for (const c of pod.containers || []) {
      for (const value of containerEnv(objects, c).values()) {
        if (value && value.secret && !find(objects, 'Secret', value.secret)) {
          if (!needed.has(value.secret)) needed.set(value.secret, new Set());
          if (value.key) needed.get(value.secret).add(value.key);
        }
      }
    }
  }
  return [...needed].map(([name, keys]) => `${name} (${[...keys].join(', ')})`);
}

function check(name, file) {
  const profile = name.split('/').filter(Boolean).pop();
  let objects;
  try {
    objects = loadObjects(file);
  } catch (e) {
    return { ok: false, lines: [`  ${name}: ${e.message}`] };
  }
  const lines = [];
  const add = (what, problems) => problems.forEach((p) => lines.push(`  ${name}: ${what}${p}`));
  for (const obj of objects) add(`${describe(obj)}: `, schemaProblems(obj));
  // The rules read fields the schema has just checked; skip them when it found problems.
  if (lines.length === 0) {
    for (const obj of objects) {
      const pod = obj.kind === 'Pod' ? obj.spec : podSpecOf(obj);
      if (!pod) continue;
      const isService = obj.kind === 'Deployment';
      for (const c of (pod.initContainers || []).concat(pod.containers || [])) add(`${describe(obj)}: `, containerRules(pod, c, isService));
      if (isService) add(`${describe(obj)}: `, serviceRules(objects, obj, profile));
    }
    // deploy/k8s/admin is a lone eventctl pod, applied beside an overlay: no platform rules.
    if (profile !== 'admin') {
      if (!objects.some((o) => o.kind === 'Deployment')) lines.push(`  ${name}: no Deployment at all`);
      add('', redisProblems(objects, profile));
      add('', namespaceProblems(objects));
    }
  }
  return { ok: lines.length === 0, lines, objects };
}

function main(args) {
  if (args.length === 0) {
    console.error('usage: node check-manifests.js NAME=RENDERED.yaml...');
    return 2;
  }
  let failed = 0;
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const name = arg.slice(0, eq);
    const result = check(name, arg.slice(eq + 1));
    if (result.ok) {
      console.log(`ok   ${name} (${result.objects.length} objects)`);
      const secrets = secretsNeeded(result.objects);
      if (secrets.length && name.includes('/overlays/')) console.log(`     needs Secrets that are not in git (docs/deploy.md, step 2): ${secrets.join('; ')}`);
    } else {
      console.log(`FAIL ${name}`);
      result.lines.forEach((l) => console.log(l));
      failed++;
    }
  }
  return failed === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
