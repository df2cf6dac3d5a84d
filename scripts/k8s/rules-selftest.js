// The rules of check-manifests.js, tested: each case breaks one thing in a correct rendered
// overlay and expects the check to fail naming that thing. A rule that stops firing (a
// refactoring, a renamed field) fails here instead of letting broken manifests through.
//
//   node rules-selftest.js NAME=RENDERED.yaml      (scripts/check-k8s passes the dev overlay)
//
// Prints "ok   rules self-test (N cases)" or "FAIL rules self-test" and a line per case that
// did not fail as expected; exits 1 then.
'use strict';

const { loadObjects, find, podSpecOf } = require('./manifests');
const { checkObjects } = require('./check-manifests');

const deployment = (objs, name) => find(objs, 'Deployment', name);
const container = (objs, name) => podSpecOf(deployment(objs, name)).containers[0];
const policy = (objs, name) => find(objs, 'NetworkPolicy', name);
const ingress = (objs, name) => find(objs, 'Ingress', name);
const dropEnv = (c, name) => {
  c.env = (c.env || []).filter((e) => e.name !== name);
};
const webConfig = (objs) => objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('web-config'));
const mailConfig = (objs) => objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('notifications-config'));
const peopleConfig = (objs) => objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('people-config'));
// withoutEgressTo(objs, policyName, app): drops that policy's egress rules to the pods named app.
const withoutEgressTo = (objs, name, app) => {
  const p = policy(objs, name);
  p.spec.egress = p.spec.egress.filter((r) => !(r.to || []).some((x) => x.podSelector && (x.podSelector.matchLabels || {})['app.kubernetes.io/name'] === app));
};
// smtpEgress(objs): notifications' egress rule to addresses outside the cluster.
const smtpEgress = (objs) => policy(objs, 'notifications').spec.egress.find((r) => r.to.some((x) => x.ipBlock));
// ingressRule(objs, policyName, port): the ingress rule of that policy for that port.
const ingressRule = (objs, name, port) => policy(objs, name).spec.ingress.find((r) => (r.ports || []).some((p) => p.port === port));

// callers(objs, name): the "app.kubernetes.io/name In [...]" list of the pods that policy
// `name` lets in.
const callers = (objs, name) => policy(objs, name).spec.ingress.flatMap((r) => r.from || [])
  .find((x) => x.podSelector && x.podSelector.matchExpressions).podSelector.matchExpressions[0];

// [what breaks, how, the problem the check must report (a regular expression)]
const kCases = [
  ['web is not deployed', (o) => o.splice(o.indexOf(deployment(o, 'web')), 1), /no Deployment runs \/usr\/local\/bin\/web_server/],
  ['web has no readiness probe', (o) => delete container(o, 'web').readinessProbe, /Deployment web: container web: no HTTP readinessProbe/],
  ['web has no liveness probe', (o) => delete container(o, 'web').livenessProbe, /Deployment web: container web: no HTTP livenessProbe/],
  ['web has no startup probe', (o) => delete container(o, 'web').startupProbe, /Deployment web: container web: no HTTP startupProbe/],
  ['web readiness asks /healthz', (o) => { container(o, 'web').readinessProbe.httpGet.path = '/healthz'; }, /readinessProbe\.httpGet\.path is "\/healthz", not \/readyz/],
  ['web probes another port', (o) => { container(o, 'web').livenessProbe.httpGet.port = 9106; }, /livenessProbe\.httpGet\.port 9106 is not the http containerPort 8080/],
  ['a gRPC service loses its probe', (o) => delete container(o, 'registration').readinessProbe, /Deployment registration: container registration: no gRPC readinessProbe/],
  ['WEB_PORT disagrees', (o) => { container(o, 'web').env.find((e) => e.name === 'WEB_PORT').value = '8081'; }, /WEB_PORT is "8081", not the http containerPort 8080/],
  ['web has no CSRF key', (o) => dropEnv(container(o, 'web'), 'WEB_CSRF_KEY'), /no WEB_CSRF_KEY \(web_server needs it from a Secret/],
  ['the CSRF key is in git', (o) => { const e = container(o, 'web').env.find((x) => x.name === 'WEB_CSRF_KEY'); delete e.valueFrom; e.value = 'x'.repeat(40); }, /WEB_CSRF_KEY is not read from a Secret/],
  ['registration has no link secret', (o) => dropEnv(container(o, 'registration'), 'REGISTRATION_LINK_SECRET'), /no REGISTRATION_LINK_SECRET \(registration_server needs it from a Secret/],
  ['a *_KEY in a ConfigMap', (o) => { webConfig(o).data.OTHER_SIGNING_KEY = 'secret'; }, /OTHER_SIGNING_KEY is set in a ConfigMap or literally/],
  ['web has no NetworkPolicy', (o) => o.splice(o.indexOf(policy(o, 'web')), 1), /no NetworkPolicy of its own lets calls in on port 8080/],
  ['web may not reach feedback', (o) => { const p = policy(o, 'web'); p.spec.egress = p.spec.egress.filter((r) => r.ports[0].port !== 50054); }, /EVENTS_FEEDBACK_ADDR=feedback:50054: no NetworkPolicy lets its pods reach feedback's pods on port 50054 \(egress\)/],
  ['registration does not let web in', (o) => { const e = callers(o, 'registration'); e.values = e.values.filter((v) => v !== 'web'); }, /registration's NetworkPolicy does not let web in on port 50052/],
  ['scheduling does not let web in', (o) => { const e = callers(o, 'scheduling'); e.values = e.values.filter((v) => v !== 'web'); }, /scheduling's NetworkPolicy does not let web in on port 50051/],
  ['web may reach Redis', (o) => policy(o, 'web').spec.egress.push({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'redis' } } }], ports: [{ port: 6379, protocol: 'TCP' }] }), /lets it reach StatefulSet redis, which none of its settings addresses/],
  ['web is open to every pod', (o) => policy(o, 'web').spec.ingress.push({ from: [{ podSelector: {} }], ports: [{ port: 8080 }] }), /its port 8080 is open to Deployment scheduling: only the ingress controller may reach it/],
  ['the ingress controller cannot reach web', (o) => { ingressRule(o, 'web', 8080).from[0].namespaceSelector.matchLabels = { other: 'true' }; }, /no NetworkPolicy lets the ingress controller's namespace .* in on port 8080/],
  ['/manage/ is access-logged', (o) => delete ingress(o, 'web-personal').metadata.annotations['nginx.ingress.kubernetes.io/enable-access-log'], /no Ingress routes \/manage\/ .*enable-access-log: "false"/],
  ['/feedback/ is not on the quiet Ingress', (o) => { const paths = ingress(o, 'web-personal').spec.rules[0].http.paths; paths.splice(paths.findIndex((p) => p.path === '/feedback/'), 1); }, /no Ingress routes \/feedback\/ .*enable-access-log: "false"/],
  ['no Ingress for /manage/', (o) => o.splice(o.indexOf(ingress(o, 'web-personal')), 1), /no Ingress routes \/manage\//],
  ['no Ingress for /', (o) => o.splice(o.indexOf(ingress(o, 'web')), 1), /no Ingress routes \/ \(pathType Prefix\) of events-dev\.example\.org/],
  ['an Ingress on another host', (o) => { ingress(o, 'web-personal').spec.rules[0].host = 'other.example.org'; }, /Ingress web-personal: host "other\.example\.org" is not events-dev\.example\.org/],
  ['an Ingress without TLS', (o) => delete ingress(o, 'web').spec.tls, /Ingress web: no TLS .* for host events-dev\.example\.org/],
  ['an Ingress without a class', (o) => delete ingress(o, 'web').spec.ingressClassName, /Ingress web: no ingressClassName/],
  ['no one makes the certificate', (o) => delete ingress(o, 'web').metadata.annotations['cert-manager.io/cluster-issuer'], /nothing makes its TLS Secret web-tls/],
  ['two Ingresses ask for the certificate', (o) => { ingress(o, 'web-personal').metadata.annotations['cert-manager.io/cluster-issuer'] = 'letsencrypt'; }, /TLS Secret web-tls: cert-manager annotations on web and web-personal/],
  ['WEB_PUBLIC_URL is http', (o) => { webConfig(o).data.WEB_PUBLIC_URL = 'http://events-dev.example.org'; }, /WEB_PUBLIC_URL is "http:\/\/events-dev\.example\.org": it must be https:\/\/HOST/],
  ['web is not scraped', (o) => o.push({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'm' }, spec: { selector: { matchLabels: { 'app.kubernetes.io/component': 'api' } }, endpoints: [{ port: 'metrics' }] } }), /Service web: no ServiceMonitor scrapes its metrics port/],
  ['web stops before it drains', (o) => { podSpecOf(deployment(o, 'web')).terminationGracePeriodSeconds = 10; }, /Deployment web: terminationGracePeriodSeconds 10 is below/],
  ['dev runs two web pods', (o) => { deployment(o, 'web').spec.replicas = 2; }, /Deployment web: replicas is 2, not 1/],
  ['the SMTP password is in git', (o) => { const e = container(o, 'notifications').env.find((x) => x.name === 'NOTIFICATIONS_SMTP_PASSWORD'); delete e.valueFrom; e.value = 'hunter2'; }, /NOTIFICATIONS_SMTP_PASSWORD is not read from a Secret/],
  ['a *_PASSWORD in a ConfigMap', (o) => { mailConfig(o).data.RELAY_PASSWORD = 'hunter2'; }, /RELAY_PASSWORD is set in a ConfigMap or literally/],
  ['SMTP without TLS', (o) => { mailConfig(o).data.NOTIFICATIONS_SMTP_TLS = 'none'; }, /NOTIFICATIONS_SMTP_TLS is "none"/],
  ['the SMTP port is not let out', (o) => { mailConfig(o).data.NOTIFICATIONS_SMTP_URL = 'smtp://smtp.example.org:2525'; }, /NOTIFICATIONS_SMTP_URL=smtp:\/\/smtp\.example\.org:2525: no NetworkPolicy lets it reach port 2525/],
  ['SMTP egress on any port', (o) => delete smtpEgress(o).ports, /allows egress to addresses outside the cluster on any port/],
  ['e-mail links to another site', (o) => { mailConfig(o).data.NOTIFICATIONS_PUBLIC_URL = 'https://other.example.org'; }, /NOTIFICATIONS_PUBLIC_URL is "https:\/\/other\.example\.org", not WEB_PUBLIC_URL/],
  ['registration does not let notifications in', (o) => { const e = callers(o, 'registration'); e.values = e.values.filter((v) => v !== 'notifications'); }, /registration's NetworkPolicy does not let notifications in on port 50052/],
  // The people service: its keys, its flows, and its callers (web and notifications only).
  ['a gRPC service loses its startup probe', (o) => delete container(o, 'people').startupProbe, /Deployment people: container people: no gRPC startupProbe/],
  ['people has no link secret', (o) => dropEnv(container(o, 'people'), 'PEOPLE_LINK_SECRET'), /Deployment people: container people: no PEOPLE_LINK_SECRET \(people_server needs it from a Secret/],
  ['the people encryption key is in git', (o) => { const e = container(o, 'people').env.find((x) => x.name === 'PEOPLE_ENCRYPTION_KEY'); delete e.valueFrom; e.value = 'x'.repeat(44); }, /Deployment people: container people: PEOPLE_ENCRYPTION_KEY is not read from a Secret/],
  ['a *_SECRET in a ConfigMap', (o) => { peopleConfig(o).data.OTHER_LINK_SECRET = 'x'.repeat(44); }, /Deployment people: container people: OTHER_LINK_SECRET is set in a ConfigMap or literally/],
  ['a key in a ConfigMap behind its Secret', (o) => { peopleConfig(o).data.PEOPLE_LINK_SECRET = 'x'.repeat(44); }, /PEOPLE_LINK_SECRET is set in a ConfigMap or literally \(ConfigMap people-config-[a-z0-9]+, although the pod reads it from a Secret\)/],
  ['web may not reach people', (o) => withoutEgressTo(o, 'web', 'people'), /Deployment web: container web: EVENTS_PEOPLE_ADDR=people:50057: no NetworkPolicy lets its pods reach people's pods on port 50057 \(egress\)/],
  ['notifications may not reach people', (o) => withoutEgressTo(o, 'notifications', 'people'), /Deployment notifications: container notifications: EVENTS_PEOPLE_ADDR=people:50057: no NetworkPolicy lets its pods reach people's pods/],
  ['people does not let notifications in', (o) => { const e = callers(o, 'people'); e.values = e.values.filter((v) => v !== 'notifications'); }, /people's NetworkPolicy does not let notifications in on port 50057/],
  ['people may reach registration', (o) => policy(o, 'people').spec.egress.push({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'registration' } } }], ports: [{ port: 50052, protocol: 'TCP' }] }), /Deployment people: container people: NetworkPolicy people lets it reach Deployment registration, which none of its settings addresses/],
  ['people lets eventctl in', (o) => callers(o, 'people').values.push('eventctl'), /Deployment people: NetworkPolicy people lets eventctl in on port 50057: only web and notifications may call people_server/],
  ['people lets feedback in by its label', (o) => policy(o, 'people').spec.ingress.push({ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'feedback' } } }], ports: [{ port: 50057 }] }), /NetworkPolicy people lets feedback in on port 50057: only web and notifications/],
  ['people lets the ingress controller in', (o) => policy(o, 'people').spec.ingress.push({ from: [{ namespaceSelector: { matchLabels: { 'inclusive-events/ingress-controller': 'true' } } }], ports: [{ port: 50057 }] }), /NetworkPolicy people lets namespaces .* in on port 50057; other namespaces may reach only the metrics port 9108/],
  ['people lets every component api pod in', (o) => policy(o, 'people').spec.ingress.push({ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'api' } } }], ports: [{ port: 50057 }] }), /NetworkPolicy people lets pods of any name in on port 50057/],
  ['people is open to everyone', (o) => policy(o, 'people').spec.ingress.push({ ports: [{ port: 50057 }] }), /NetworkPolicy people lets every pod and address in on port 50057/],
  ['people lets an address range in', (o) => policy(o, 'people').spec.ingress.push({ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }), /NetworkPolicy people lets addresses 10\.0\.0\.0\/8 in on every port/],
  ['another policy opens people', (o) => o.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'open-api' }, spec: { podSelector: { matchLabels: { 'app.kubernetes.io/component': 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'eventctl' } } }], ports: [{ port: 50051, endPort: 50060 }] }] } }), /Deployment people: NetworkPolicy open-api lets eventctl in on port 50051-50060/],
];

function main(args) {
  if (args.length !== 1 || !args[0].includes('=')) {
    console.error('usage: node rules-selftest.js NAME=RENDERED.yaml');
    return 2;
  }
  const [name, file] = args[0].split('=');
  const pristine = JSON.stringify(loadObjects(file));
  const base = checkObjects(name, JSON.parse(pristine));
  if (!base.ok) {
    console.log('FAIL rules self-test: the unchanged overlay does not pass, so no case can be judged');
    return 1;
  }
  const missed = [];
  for (const [what, breakIt, expected] of kCases) {
    const objects = JSON.parse(pristine);
    try {
      breakIt(objects);
    } catch (e) {
      missed.push(`${what}: could not break the manifests that way (${e.message}): the case needs updating`);
      continue;
    }
    const result = checkObjects(name, objects);
    if (!result.lines.some((l) => expected.test(l))) {
      missed.push(`${what}: the check did not report ${expected}${result.lines.length ? `; it said:\n${result.lines.map((l) => `      ${l}`).join('\n')}` : ' (it passed)'}`);
    }
  }
  if (missed.length) {
    console.log('FAIL rules self-test');
    missed.forEach((m) => console.log(`  ${m}`));
    return 1;
  }
  console.log(`ok   rules self-test (${kCases.length} cases: each broken overlay fails, naming the problem)`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
