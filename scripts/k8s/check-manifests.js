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

const fs = require('fs');
const path = require('path');
const { loadObjects, describe, podSpecOf, find, selects, portNamed, containerEnv } = require('./manifests');
const { matchesSelector, allows, podLabelsOf, resolveAddress, addressesIn, callerProblems } = require('./network');
const { redisProblems, userProblems, secretVolumeKeys } = require('./redis-rules');

// Labels every Deployment and its pods carry (https://kubernetes.io/docs/concepts/overview/
// working-with-objects/common-labels/); overlays add app.kubernetes.io/instance.
const kRequiredLabels = ['app.kubernetes.io/name', 'app.kubernetes.io/component', 'app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by'];
// npm packages with the schemas, by apiVersion and kind (scripts/k8s/package.json).
const kModelPackages = ['kubernetes-models', '@kubernetes-models/prometheus-operator'];
// Seconds a service may still need after the drain: stopping its metrics endpoint (up to
// 2 s, docs/configuration.md "Health and shutdown"), plus a margin for logs and Redis.
const kShutdownMarginSeconds = 3;
// What a Deployment serves, by the name of its container port: the variable that sets that
// port, and how the kubelet probes it. gRPC services answer grpc.health.v1; the web service
// answers HTTP: /healthz (alive) and /readyz (ready; 503 from SIGTERM on).
const kServing = {
  grpc: { portVariable: 'EVENTS_GRPC_PORT' },
  http: { portVariable: 'WEB_PORT', httpPaths: { startupProbe: '/healthz', readinessProbe: '/readyz', livenessProbe: '/healthz' } },
};
// Settings a binary must read from a Secret, never from a ConfigMap or a literal: they are
// keys, and every replica needs the same one (docs/deploy.md, step 4).
const kSecretSettings = {
  web_server: ['WEB_CSRF_KEY'],
  registration_server: ['REGISTRATION_LINK_SECRET'],
  notifications_server: ['NOTIFICATIONS_SMTP_PASSWORD'],
  people_server: ['PEOPLE_LINK_SECRET', 'PEOPLE_ENCRYPTION_KEY'],
};
// Names of settings that hold a key, a password or a secret: wherever they are set, the
// value must come from a Secret, never from a ConfigMap or a literal in git.
const kSecretName = /_(KEY|PASSWORD|SECRET)$/;
// Services that only some pods may call, by the binary: the app.kubernetes.io/name of the
// pods their NetworkPolicies may let in (besides the monitoring namespace on the metrics
// port). People holds every organisation's sign-in links and sessions: only the console
// (web) and the e-mail (notifications) call it; no ingress controller, no eventctl pod.
const kOnlyCallers = {
  people_server: ['web', 'notifications'],
};
// Paths whose segments carry secrets (personal links, docs/web.md): the Ingress that routes
// them must not write them to the controller's access log.
const kSecretPaths = {
  web_server: ['/manage/', '/feedback/'],
};
// The label of the namespace the ingress controller runs in (docs/deploy.md, step 2).
const kIngressNamespaceLabels = { 'inclusive-events/ingress-controller': 'true' };
// The ingress-nginx annotation that turns a location's access log off.
const kAccessLogAnnotation = 'nginx.ingress.kubernetes.io/enable-access-log';
// The repository's services (services/<name>/ builds <name>_server): each must be deployed.
const kServicesDir = path.join(__dirname, '..', '..', 'services');

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

    // Ports: what it serves (grpc or http) and metrics declared, and the same numbers the
    // service is told to use.
    const kind = Object.keys(kServing).find((k) => portNamed(c, k) !== undefined);
    const serving = kind === undefined ? undefined : portNamed(c, kind);
    const metrics = portNamed(c, 'metrics');
    if (kind === undefined) say(`no container port named ${Object.keys(kServing).join(' or ')}`);
    if (metrics === undefined) say('no container port named metrics');
    const portVariable = kind && kServing[kind].portVariable;
    if (kind !== undefined && env.get(portVariable) !== String(serving)) say(`${portVariable} is ${JSON.stringify(env.get(portVariable))}, not the ${kind} containerPort ${serving}`);
    if (metrics !== undefined && env.get('EVENTS_METRICS_PORT') !== String(metrics)) say(`EVENTS_METRICS_PORT is ${JSON.stringify(env.get('EVENTS_METRICS_PORT'))}, not the metrics containerPort ${metrics}`);
    if (env.get('EVENTS_LISTEN_HOST') === '127.0.0.1' || env.get('EVENTS_LISTEN_HOST') === 'localhost') say('EVENTS_LISTEN_HOST is loopback: neither the kubelet nor other pods could reach it');

    // Startup, readiness and liveness probes on the serving port: native gRPC probes for a
    // gRPC service; for HTTP, GETs of the paths the service answers.
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const p = c[probe];
      if (kind === 'http') {
        const want = kServing.http.httpPaths[probe];
        if (!p || !p.httpGet) say(`no HTTP ${probe} (an "httpGet:" of ${want} on port http)`);
        else if (p.httpGet.port !== 'http' && p.httpGet.port !== serving) say(`${probe}.httpGet.port ${p.httpGet.port} is not the http containerPort ${serving}`);
        else if (p.httpGet.path !== want) say(`${probe}.httpGet.path is ${JSON.stringify(p.httpGet.path)}, not ${want}`);
      } else if (!p || !p.grpc) {
        say(`no gRPC ${probe} (a native "grpc:" probe on port ${serving === undefined ? 'grpc' : serving})`);
      } else if (serving !== undefined && p.grpc.port !== serving) {
        say(`${probe}.grpc.port ${p.grpc.port} is not the grpc containerPort ${serving}`);
      }
    }

    // Keys from Secrets: the ones the binary needs, and any *_KEY setting at all.
    const binary = path.basename((c.command || [])[0] || '');
    for (const name of kSecretSettings[binary] || []) {
      const v = env.get(name);
      if (v === undefined) say(`no ${name} (${binary} needs it from a Secret: secretKeyRef)`);
      else if (!(v && v.secret && v.key)) say(`${name} is not read from a Secret (secretKeyRef): a key must not be in git`);
    }
    for (const [name, v] of env) {
      if (kSecretName.test(name) && typeof v === 'string') say(`${name} is set in a ConfigMap or literally: a key must come from a Secret (secretKeyRef)`);
    }
    // A key in a ConfigMap it reads is in git even when a secretKeyRef of the same name
    // wins over it in the pod (env above): the ConfigMap's copy is still a leak.
    for (const from of c.envFrom || []) {
      const cm = from.configMapRef && find(objects, 'ConfigMap', from.configMapRef.name);
      for (const key of Object.keys((cm && cm.data) || {})) {
        const name = (from.prefix || '') + key;
        if (kSecretName.test(name) && typeof env.get(name) !== 'string') say(`${name} is set in a ConfigMap or literally (ConfigMap ${cm.metadata.name}, although the pod reads it from a Secret): a key must not be in git`);
      }
    }

    // Scrape annotations that point at the metrics port.
    if (annotations['prometheus.io/scrape'] !== 'true') problems.push('pod template has no prometheus.io/scrape: "true" annotation');
    if (metrics !== undefined && annotations['prometheus.io/port'] !== String(metrics)) problems.push(`pod annotation prometheus.io/port is ${JSON.stringify(annotations['prometheus.io/port'])}, not the metrics port ${metrics}`);

    // Reachable: a Service in front, and a NetworkPolicy that lets calls in on its port.
    if (!objects.some((o) => o.kind === 'Service' && o.spec && o.spec.selector && selects(o.spec.selector, templateLabels))) say('no Service selects its pods');
    const opened = objects.some((o) => o.kind === 'NetworkPolicy' && o.spec.podSelector && Object.keys(o.spec.podSelector.matchLabels || {}).length > 0 &&
      selects(o.spec.podSelector.matchLabels, templateLabels) &&
      (o.spec.ingress || []).some((rule) => (rule.ports || []).some((p) => p.port === serving || p.port === kind)));
    if (serving !== undefined && !opened) say(`no NetworkPolicy of its own lets calls in on port ${serving}`);
    problems.push(...flowProblems(objects, d, c, env).map((m) => `container ${c.name}: ${m}`));
    // Redis as its own ACL user (the name of its pods), the password from the Secret.
    problems.push(...userProblems(objects, c, templateLabels['app.kubernetes.io/name']).map((m) => `container ${c.name}: ${m}`));
    if (kind === 'http') problems.push(...publicSiteProblems(objects, d, c, env, serving).map((m) => `container ${c.name}: ${m}`));
    if (binary === 'notifications_server') problems.push(...mailProblems(objects, d, env).map((m) => `container ${c.name}: ${m}`));
    if (kOnlyCallers[binary]) problems.push(...callerProblems(objects, d, binary, kOnlyCallers[binary], metrics));
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

// flowProblems(objects, d, c, env): the NetworkPolicies must let the Deployment's pods reach
// every Service its settings address (EVENTS_*_ADDR, EVENTS_REDIS_URL...), on both sides:
// its own egress and the callee's ingress; and its egress must go nowhere else in the
// namespace (ipBlock rules, such as integrations' webhooks, are outside this check).
function flowProblems(objects, d, c, env) {
  const problems = [];
  const labels = podLabelsOf(d);
  const addressed = [];
  for (const [name, value] of env) {
    if (typeof value !== 'string') continue;
    for (const { host, port } of addressesIn(value)) {
      const target = resolveAddress(objects, host, port);
      if (!target) continue;
      if (target.problem) {
        problems.push(`${name}=${value}: ${target.problem}`);
        continue;
      }
      addressed.push(target);
      const what = `${name}=${value}`;
      if (!allows(objects, 'Egress', labels, { podLabels: podLabelsOf(target.workload) }, target.dest)) problems.push(`${what}: no NetworkPolicy lets its pods reach ${target.service.metadata.name}'s pods on port ${target.dest.number} (egress)`);
      if (!allows(objects, 'Ingress', podLabelsOf(target.workload), { podLabels: labels }, target.dest)) problems.push(`${what}: ${target.service.metadata.name}'s NetworkPolicy does not let ${d.metadata.name} in on port ${target.dest.number} (add it to that policy's callers)`);
    }
  }
  // Egress to pods of this namespace that none of its settings addresses.
  for (const p of objects.filter((o) => o.kind === 'NetworkPolicy' && Object.keys(o.spec.podSelector || {}).length > 0 && matchesSelector(o.spec.podSelector, labels))) {
    for (const rule of p.spec.egress || []) {
      for (const peer of rule.to || []) {
        if (peer.ipBlock || peer.namespaceSelector) continue;
        const reached = objects.filter((o) => podSpecOf(o) && o !== d && matchesSelector(peer.podSelector, podLabelsOf(o)));
        for (const w of reached) {
          if (!addressed.some((t) => t.workload === w)) problems.push(`NetworkPolicy ${p.metadata.name} lets it reach ${w.kind} ${w.metadata.name}, which none of its settings addresses (egress only to what it calls)`);
        }
      }
    }
  }
  return problems;
}

// publicSiteProblems(objects, d, c, env, port): an HTTP service is public through Ingresses:
//   - WEB_PUBLIC_URL is https://HOST, and an Ingress routes / of HOST to its pods;
//   - every Ingress to its pods names an ingressClassName and has TLS for its hosts; the TLS
//     Secret is made by cert-manager from exactly one of them (two would fight over it);
//   - the paths whose segments are secrets (kSecretPaths) have an Ingress of their own with
//     the access log off;
//   - its port is open to the ingress controller's namespace, and to nothing else.
function publicSiteProblems(objects, d, c, env, port) {
  const problems = [];
  const labels = podLabelsOf(d);
  const services = objects.filter((o) => o.kind === 'Service' && o.spec.selector && selects(o.spec.selector, labels));
  // [ingress, rule, path] for every Ingress path whose backend is one of its Services.
  const routes = [];
  for (const ing of objects.filter((o) => o.kind === 'Ingress')) {
    for (const rule of ing.spec.rules || []) {
      for (const p of (rule.http && rule.http.paths) || []) {
        const b = p.backend && p.backend.service;
        const svc = b && services.find((s) => s.metadata.name === b.name);
        if (!svc) continue;
        const sp = (svc.spec.ports || []).find((x) => (b.port.name !== undefined ? x.name === b.port.name : x.port === b.port.number));
        if (!sp) problems.push(`Ingress ${ing.metadata.name}: Service ${svc.metadata.name} has no port ${b.port.name || b.port.number}`);
        else if (sp.targetPort !== 'http' && sp.targetPort !== port) problems.push(`Ingress ${ing.metadata.name}: Service ${svc.metadata.name} port ${sp.name} does not go to the http port`);
        routes.push([ing, rule, p]);
      }
    }
  }
  const url = env.get('WEB_PUBLIC_URL');
  const m = typeof url === 'string' ? url.match(/^https:\/\/([a-z0-9.-]+)\/?$/) : null;
  if (!m) problems.push(`WEB_PUBLIC_URL is ${JSON.stringify(url)}: it must be https://HOST, the host its Ingress serves with TLS`);
  const host = m ? m[1] : undefined;
  if (host && !routes.some(([, rule, p]) => rule.host === host && p.path === '/' && p.pathType === 'Prefix')) {
    problems.push(`no Ingress routes / (pathType Prefix) of ${host} (the host of WEB_PUBLIC_URL) to its Service`);
  }
  const issuers = new Map();
  for (const ing of new Set(routes.map(([i]) => i))) {
    const say = (msg) => problems.push(`Ingress ${ing.metadata.name}: ${msg}`);
    const a = ing.metadata.annotations || {};
    if (!ing.spec.ingressClassName) say('no ingressClassName');
    for (const rule of ing.spec.rules || []) {
      if (host && rule.host !== host) say(`host ${JSON.stringify(rule.host)} is not ${host}, the host of WEB_PUBLIC_URL`);
      if (!(ing.spec.tls || []).some((t) => (t.hosts || []).includes(rule.host) && t.secretName)) say(`no TLS (spec.tls with a secretName) for host ${rule.host}`);
    }
    if (a['cert-manager.io/cluster-issuer'] || a['cert-manager.io/issuer']) {
      for (const t of ing.spec.tls || []) issuers.set(t.secretName, (issuers.get(t.secretName) || []).concat(ing.metadata.name));
    }
  }
  for (const ing of new Set(routes.map(([i]) => i))) {
    for (const t of ing.spec.tls || []) {
      const makers = issuers.get(t.secretName) || [];
      if (makers.length === 0 && !find(objects, 'Secret', t.secretName)) problems.push(`Ingress ${ing.metadata.name}: nothing makes its TLS Secret ${t.secretName} (a cert-manager.io/cluster-issuer annotation on one Ingress for it)`);
      if (makers.length > 1) problems.push(`TLS Secret ${t.secretName}: cert-manager annotations on ${makers.join(' and ')}: only one Ingress may ask for its certificate`);
    }
  }
  for (const secret of kSecretPaths[path.basename((c.command || [])[0] || '')] || []) {
    const quiet = routes.filter(([ing, , p]) => p.pathType === 'Prefix' && p.path.replace(/\/$/, '') === secret.replace(/\/$/, '') &&
      (ing.metadata.annotations || {})[kAccessLogAnnotation] === 'false');
    if (quiet.length === 0) problems.push(`no Ingress routes ${secret} (pathType Prefix) with ${kAccessLogAnnotation}: "false": the controller would log the secrets in those paths`);
  }
  const dest = { number: port, name: 'http' };
  if (!allows(objects, 'Ingress', labels, { namespaceLabels: kIngressNamespaceLabels }, dest)) problems.push(`no NetworkPolicy lets the ingress controller's namespace (${Object.entries(kIngressNamespaceLabels).map(([k, v]) => `${k}=${v}`).join()}) in on port ${port}`);
  for (const other of objects.filter((o) => podSpecOf(o))) {
    if (allows(objects, 'Ingress', labels, { podLabels: podLabelsOf(other) }, dest)) problems.push(`its port ${port} is open to ${other.kind} ${other.metadata.name}: only the ingress controller may reach it`);
  }
  return problems;
}

// mailProblems(objects, d, env): the notifications service sends e-mail over SMTP:
//   - with TLS (NOTIFICATIONS_SMTP_TLS is not "none": the service allows that to a loopback
//     host only, which a pod's SMTP server never is);
//   - its NetworkPolicies let it out to the port of NOTIFICATIONS_SMTP_URL (ipBlock egress;
//     libcurl's defaults without a port: 25 for smtp://, 465 for smtps://), and every
//     ipBlock egress of its names its ports (the SMTP ports, not the whole internet);
//   - the links in its e-mails start with the web's WEB_PUBLIC_URL.
function mailProblems(objects, d, env) {
  const problems = [];
  const labels = podLabelsOf(d);
  if (env.get('NOTIFICATIONS_SMTP_TLS') === 'none') problems.push('NOTIFICATIONS_SMTP_TLS is "none": the SMTP password and personal links would cross the network in clear (use starttls, or an smtps:// URL)');
  const url = env.get('NOTIFICATIONS_SMTP_URL');
  const m = typeof url === 'string' ? /^(smtps?):\/\/(\[[^\]]+\]|[^:/]+)(?::([0-9]{1,5}))?\/?$/.exec(url) : null;
  const egress = objects.filter((o) => o.kind === 'NetworkPolicy' && (o.spec.policyTypes || []).includes('Egress') &&
    matchesSelector(o.spec.podSelector, labels)).flatMap((o) => o.spec.egress || []);
  const outside = egress.filter((rule) => (rule.to || []).some((peer) => peer.ipBlock));
  if (!m) {
    problems.push(`NOTIFICATIONS_SMTP_URL is ${JSON.stringify(url)}: it must be smtp://HOST[:PORT] or smtps://HOST[:PORT]`);
  } else {
    const port = m[3] ? Number(m[3]) : (m[1] === 'smtps' ? 465 : 25);
    const open = outside.some((rule) => (rule.ports || []).some((p) => p.port === port || (p.endPort !== undefined && port >= p.port && port <= p.endPort)));
    if (!open) problems.push(`NOTIFICATIONS_SMTP_URL=${url}: no NetworkPolicy lets it reach port ${port} outside the cluster (an ipBlock egress rule with that port)`);
  }
  if (outside.some((rule) => !rule.ports || rule.ports.length === 0)) problems.push('a NetworkPolicy allows egress to addresses outside the cluster on any port: list the SMTP ports only');
  const web = objects.find((o) => o.kind === 'Deployment' && podSpecOf(o).containers.some((c) => path.basename((c.command || [])[0] || '') === 'web_server'));
  if (web) {
    const site = containerEnv(objects, podSpecOf(web).containers[0]).get('WEB_PUBLIC_URL');
    const links = env.get('NOTIFICATIONS_PUBLIC_URL');
    if (links !== site) problems.push(`NOTIFICATIONS_PUBLIC_URL is ${JSON.stringify(links)}, not WEB_PUBLIC_URL ${JSON.stringify(site)}: the links in e-mails would not be the site's`);
  }
  return problems;
}

// deployedServices(objects): problems when a service of the repository (services/<name>/,
// built as <name>_server) has no Deployment running /usr/local/bin/<name>_server.
function deployedServices(objects) {
  if (!fs.existsSync(kServicesDir)) return [];
  const binaries = new Set(objects.filter((o) => o.kind === 'Deployment')
    .flatMap((o) => podSpecOf(o).containers.map((c) => path.basename((c.command || [])[0] || ''))));
  return fs.readdirSync(kServicesDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(kServicesDir, e.name, 'CMakeLists.txt')))
    .map((e) => `${e.name}_server`)
    .filter((b) => !binaries.has(b))
    .map((b) => `no Deployment runs /usr/local/bin/${b} (services/${b.replace(/_server$/, '')}/ is a service: add deploy/k8s/base/${b.replace(/_server$/, '')}/)`);
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
  const monitors = objects.filter((o) => o.kind === 'ServiceMonitor');
  const scrapes = (m, svc) => matchesSelector(m.spec.selector, svc.metadata.labels) &&
    (svc.spec.ports || []).some((p) => (m.spec.endpoints || []).some((e) => e.port === p.name));
  for (const m of monitors) {
    const ports = (m.spec.endpoints || []).map((e) => e.port);
    if (!objects.some((o) => o.kind === 'Service' && scrapes(m, o))) problems.push(`ServiceMonitor ${m.metadata.name} selects no Service with a port named ${ports.join(' or ')}`);
  }
  // With ServiceMonitors (components/monitoring), every Service with a metrics port is scraped.
  if (monitors.length > 0) {
    for (const svc of objects.filter((o) => o.kind === 'Service' && (o.spec.ports || []).some((p) => p.name === 'metrics'))) {
      if (!monitors.some((m) => scrapes(m, svc))) problems.push(`Service ${svc.metadata.name}: no ServiceMonitor scrapes its metrics port`);
    }
  }
  for (const s of objects.filter((o) => o.kind === 'Service' && o.spec.selector)) {
    if (!objects.some((o) => podSpecOf(o) && selects(s.spec.selector, (o.spec.template.metadata || {}).labels))) problems.push(`Service ${s.metadata.name} selects no pods`);
  }
  return problems;
}

// secretsNeeded(objects): "name (KEY, KEY)" for each Secret the pods read that the manifests
// do not contain: the operator creates those (docs/deploy.md, step 4).
function secretsNeeded(objects) {
  const needed = new Map();
  for (const o of objects) {
    const pod = podSpecOf(o);
    if (!pod) continue;
    // Secrets mounted whole (the Redis users' passwords, read by the ACL init container).
    for (const v of pod.volumes || []) {
      if (!v.secret || find(objects, 'Secret', v.secret.secretName)) continue;
      if (!needed.has(v.secret.secretName)) needed.set(v.secret.secretName, new Set());
      const keys = (v.secret.items || []).map((i) => i.key).concat(secretVolumeKeys(objects, pod, v.secret.secretName));
      keys.forEach((k) => needed.get(v.secret.secretName).add(k));
    }
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
  let objects;
  try {
    objects = loadObjects(file);
  } catch (e) {
    return { ok: false, lines: [`  ${name}: ${e.message}`] };
  }
  return checkObjects(name, objects);
}

// checkObjects(name, objects): {ok, lines, objects} for the rendered objects of kustomization
// folder `name` (its last part picks the profile: base, dev, production, admin...).
function checkObjects(name, objects) {
  // components/* are rendered on top of overlays/production, and checked as production;
  // admin and admin-cluster are the lone eventctl pod.
  const parts = name.split('/').filter(Boolean);
  const last = parts[parts.length - 1];
  const profile = parts.includes('components') ? 'production' : last.startsWith('admin') ? 'admin' : last;
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
      // The eventctl pod (deploy/k8s/admin) connects to Redis as the user admin.
      if (obj.kind === 'Pod') for (const c of pod.containers || []) add(`${describe(obj)}: container ${c.name}: `, userProblems(objects, c, 'admin'));
    }
    // deploy/k8s/admin is a lone eventctl pod, applied beside an overlay: no platform rules.
    if (profile !== 'admin') {
      if (!objects.some((o) => o.kind === 'Deployment')) lines.push(`  ${name}: no Deployment at all`);
      add('', redisProblems(objects, profile));
      add('', namespaceProblems(objects));
      add('', deployedServices(objects));
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
      if (secrets.length && (name.includes('/overlays/') || name.includes('/components/'))) console.log(`     needs Secrets that are not in git (docs/deploy.md, step 4): ${secrets.join('; ')}`);
    } else {
      console.log(`FAIL ${name}`);
      result.lines.forEach((l) => console.log(l));
      failed++;
    }
  }
  return failed === 0 ? 0 : 1;
}

module.exports = { checkObjects };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
