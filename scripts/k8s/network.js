// What the NetworkPolicies of one namespace allow, worked out from the rendered manifests
// the way a network plugin enforces them (https://kubernetes.io/docs/concepts/services-networking/
// network-policies/), for the flows check-manifests.js asks about: "may pods with these labels
// reach pods with those labels on this port?". Only what can be known without a cluster:
// peers in the same namespace by podSelector, and other namespaces by the labels their
// namespaceSelector asks for. ipBlock peers are not pod-to-pod flows here and never count.
'use strict';

const { podSpecOf, portNamed } = require('./manifests');

// matchesSelector(selector, labels): true when a LabelSelector (matchLabels and
// matchExpressions) selects an object with these labels. An empty selector selects all.
function matchesSelector(selector, labels) {
  const have = labels || {};
  const s = selector || {};
  for (const [k, v] of Object.entries(s.matchLabels || {})) if (have[k] !== v) return false;
  for (const e of s.matchExpressions || []) {
    const present = Object.prototype.hasOwnProperty.call(have, e.key);
    const values = e.values || [];
    if (e.operator === 'In' && !(present && values.includes(have[e.key]))) return false;
    if (e.operator === 'NotIn' && present && values.includes(have[e.key])) return false;
    if (e.operator === 'Exists' && !present) return false;
    if (e.operator === 'DoesNotExist' && present) return false;
  }
  return true;
}

// A destination port: its number and, when the container names it, its name.
// portMatches(rulePort, dest): whether one entry of a rule's `ports` covers it.
function portMatches(rulePort, dest) {
  if (rulePort.port === undefined) return true;
  if (typeof rulePort.port === 'string') return rulePort.port === dest.name;
  const end = rulePort.endPort === undefined ? rulePort.port : rulePort.endPort;
  return dest.number >= rulePort.port && dest.number <= end;
}

function portsMatch(ports, dest) {
  return !ports || ports.length === 0 || ports.some((p) => portMatches(p, dest));
}

// The policies of a direction ('Ingress' or 'Egress') that select pods with `labels`.
// Without policyTypes, Kubernetes takes Ingress always and Egress when egress rules exist.
function policiesFor(objects, direction, labels) {
  return objects.filter((o) => {
    if (o.kind !== 'NetworkPolicy') return false;
    const types = o.spec.policyTypes || (o.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
    return types.includes(direction) && matchesSelector(o.spec.podSelector, labels);
  });
}

// allows(objects, direction, podLabels, peer, dest): whether the policies let the pods with
// podLabels receive from (Ingress) or send to (Egress) `peer` on `dest` ({number, name}).
// peer is {podLabels} for a pod of this namespace or {namespaceLabels} for any pod of a
// namespace with those labels. A pod that no policy of that direction selects is open.
function allows(objects, direction, podLabels, peer, dest) {
  const policies = policiesFor(objects, direction, podLabels);
  if (policies.length === 0) return true;
  const key = direction === 'Ingress' ? 'from' : 'to';
  return policies.some((p) => (p.spec[direction === 'Ingress' ? 'ingress' : 'egress'] || []).some((rule) => {
    if (!portsMatch(rule.ports, dest)) return false;
    const peers = rule[key];
    if (!peers || peers.length === 0) return true;
    return peers.some((x) => {
      if (x.ipBlock) return false;
      if (peer.podLabels) return !x.namespaceSelector && matchesSelector(x.podSelector, peer.podLabels);
      // Another namespace: the selector asks for labels that namespace has (and any pod).
      return x.namespaceSelector !== undefined && matchesSelector(x.namespaceSelector, peer.namespaceLabels) &&
        Object.keys(x.podSelector || {}).length === 0;
    });
  }));
}

// podLabelsOf(workload): the labels of its pods.
function podLabelsOf(workload) {
  return (workload.spec.template.metadata || {}).labels || {};
}

// podOfStatefulSet(objects, labels): for "POD.SERVICE[...]", the name of one pod of a
// StatefulSet behind a headless Service: {service, workload} or {problem} when POD is not
// one of its pods (an ordinal at or above its replicas), or null when it is no such name.
function podOfStatefulSet(objects, labels) {
  if (labels.length < 2) return null;
  const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === labels[1] && o.spec.selector && o.spec.clusterIP === 'None');
  if (!svc) return null;
  const sts = objects.find((o) => o.kind === 'StatefulSet' && o.spec.serviceName === svc.metadata.name && labels[0].startsWith(`${o.metadata.name}-`));
  const ordinal = sts ? labels[0].slice(sts.metadata.name.length + 1) : '';
  if (!sts || !/^[0-9]+$/.test(ordinal)) return null;
  const replicas = sts.spec.replicas === undefined ? 1 : sts.spec.replicas;
  if (Number(ordinal) >= replicas) return { service: svc, problem: `${labels[0]} is not a pod of StatefulSet ${sts.metadata.name}, which has ${replicas} replicas` };
  return { service: svc, workload: sts };
}

// resolveAddress(objects, host, port): where "host:port" in a setting goes inside the
// namespace: {service, workload, dest: {number, name}}, or null when host is not one of the
// manifests' Services (NAME, NAME.NAMESPACE, NAME.NAMESPACE.svc[.cluster.local]) nor a pod
// of a StatefulSet by its stable name (POD.SERVICE[.NAMESPACE...], e.g.
// redis-cluster-0.redis-cluster).
function resolveAddress(objects, host, port) {
  const labels = host.split('.');
  const name = labels[0];
  const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === name && o.spec.selector);
  if (!svc) {
    const pod = podOfStatefulSet(objects, labels);
    if (!pod) return null;
    if (pod.problem) return { service: pod.service, workload: null, dest: null, problem: pod.problem };
    const sp = (pod.service.spec.ports || []).find((p) => p.port === port);
    if (!sp) return { service: pod.service, workload: null, dest: null, problem: `Service ${pod.service.metadata.name} has no port ${port}` };
    const c = podSpecOf(pod.workload).containers[0];
    const target = sp.targetPort === undefined ? sp.port : sp.targetPort;
    const number = typeof target === 'string' ? portNamed(c, target) : target;
    const named = (c.ports || []).find((p) => p.containerPort === number);
    return { service: pod.service, workload: pod.workload, dest: { number, name: named ? named.name : undefined } };
  }
  const sp = (svc.spec.ports || []).find((p) => p.port === port);
  if (!sp) return { service: svc, workload: null, dest: null, problem: `Service ${name} has no port ${port}` };
  const workload = objects.find((o) => podSpecOf(o) && matchesSelector({ matchLabels: svc.spec.selector }, podLabelsOf(o)));
  if (!workload) return { service: svc, workload: null, dest: null, problem: `Service ${name} selects no pods` };
  const c = podSpecOf(workload).containers[0];
  const target = sp.targetPort === undefined ? sp.port : sp.targetPort;
  const number = typeof target === 'string' ? portNamed(c, target) : target;
  const named = (c.ports || []).find((p) => p.containerPort === number);
  return { service: svc, workload, dest: { number, name: named ? named.name : undefined } };
}

// addressesIn(value): the "host:port" pairs a setting names: "scheduling:50051",
// "redis://redis:6379/0", "a:1,b:2".
function addressesIn(value) {
  const found = [];
  const re = /(?:^|[/@,\s])([a-z0-9]([a-z0-9.-]*[a-z0-9])?):([0-9]{1,5})(?![0-9])/g;
  let m;
  while ((m = re.exec(value)) !== null) found.push({ host: m[1], port: Number(m[3]) });
  return found;
}

// callerProblems(objects, d, binary, allowed, metricsPort): every ingress rule of the
// NetworkPolicies that select d's pods lets in only pods named in `allowed` (by
// app.kubernetes.io/name, as matchLabels or an "In" list), and namespaces only on the
// metrics port (Prometheus). A rule without peers (everyone), an ipBlock, a pod selector
// that does not pin the name, or a namespace on any other port fails. That the allowed
// callers do get in is flowProblems' business (their settings address the service).
function callerProblems(objects, d, binary, allowed, metricsPort) {
  const problems = [];
  const nameKey = 'app.kubernetes.io/name';
  const only = `only ${allowed.join(' and ')} may call ${binary}`;
  // names(selector): the app names a podSelector can select, or null for any name.
  const names = (sel) => {
    let set = null;
    const label = (sel.matchLabels || {})[nameKey];
    if (label !== undefined) set = [label];
    for (const e of sel.matchExpressions || []) {
      if (e.key === nameKey && e.operator === 'In') set = (set || e.values || []).filter((v) => (e.values || []).includes(v));
    }
    return set;
  };
  const portsText = (ports) => (ports && ports.length ? `on port ${ports.map((p) => (p.endPort !== undefined ? `${p.port}-${p.endPort}` : p.port)).join(', ')}` : 'on every port');
  const metricsOnly = (ports) => Boolean(ports && ports.length) && ports.every((p) => (p.port === metricsPort || p.port === 'metrics') && (p.endPort === undefined || p.endPort === p.port));
  for (const p of policiesFor(objects, 'Ingress', podLabelsOf(d))) {
    const say = (m) => problems.push(`NetworkPolicy ${p.metadata.name} ${m}: ${only}`);
    for (const rule of p.spec.ingress || []) {
      const where = portsText(rule.ports);
      if (!rule.from || rule.from.length === 0) {
        say(`lets every pod and address in ${where}`);
        continue;
      }
      for (const peer of rule.from) {
        if (peer.ipBlock) {
          say(`lets addresses ${peer.ipBlock.cidr} in ${where}`);
        } else if (peer.namespaceSelector !== undefined) {
          if (!metricsOnly(rule.ports)) say(`lets namespaces (${JSON.stringify(peer.namespaceSelector)}) in ${where}; other namespaces may reach only the metrics port ${metricsPort}`);
        } else {
          const selected = names(peer.podSelector || {});
          if (selected === null) say(`lets pods of any name in ${where} (podSelector ${JSON.stringify(peer.podSelector || {})})`);
          else selected.filter((n) => !allowed.includes(n)).forEach((n) => say(`lets ${n} in ${where}`));
        }
      }
    }
  }
  return problems;
}

module.exports = { matchesSelector, policiesFor, allows, podLabelsOf, resolveAddress, addressesIn, callerProblems };
