// The rules of check-manifests.js, tested: each case breaks one thing in a correct rendered
// overlay and expects the check to fail naming that thing. A rule that stops firing (a
// refactoring, a renamed field) fails here instead of letting broken manifests through.
//
//   node rules-selftest.js NAME=RENDERED.yaml...   (scripts/check-k8s passes the dev overlay
//                                                   and components/redis-cluster on production)
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

// Redis: the single Redis of the dev overlay, its users and the services' connections.
const statefulSet = (objs, name) => find(objs, 'StatefulSet', name);
const configMap = (objs, prefix) => objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith(`${prefix}-`));
const envOf = (c, name) => c.env.find((e) => e.name === name);
// editFile(objs, configMapPrefix, file, edit): changes one file of a (generated) ConfigMap.
const editFile = (objs, prefix, file, edit) => {
  const cm = configMap(objs, prefix);
  cm.data[file] = edit(cm.data[file]);
};
const redisConf = (objs, edit) => editFile(objs, 'redis-config', 'redis.conf', edit);
const kRedisCases = [
  ['a service connects as another Redis user', (o) => { const e = envOf(container(o, 'registration'), 'EVENTS_REDIS_URL'); e.value = e.value.replace('//registration:', '//scheduling:'); }, /Deployment registration: container registration: EVENTS_REDIS_URL connects as Redis user scheduling, not as its own user registration/],
  ['a Redis password in the manifests', (o) => { envOf(container(o, 'feedback'), 'EVENTS_REDIS_URL').value = '$(REDIS_URL_SCHEME)://feedback:hunter2hunter2@$(REDIS_URL_ADDRESS)'; }, /Deployment feedback: container feedback: the password in EVENTS_REDIS_URL is written in the manifests/],
  ['the Redis password from another user\'s key', (o) => { envOf(container(o, 'people'), 'EVENTS_REDIS_PASSWORD').valueFrom.secretKeyRef.key = 'admin'; }, /Deployment people: container people: EVENTS_REDIS_URL's password \$\(EVENTS_REDIS_PASSWORD\) does not come from the Secret redis-users, key people/],
  ['a service connects as the default user', (o) => { envOf(container(o, 'scheduling'), 'EVENTS_REDIS_URL').value = '$(REDIS_URL_SCHEME)://$(REDIS_URL_ADDRESS)'; }, /Deployment scheduling: container scheduling: EVENTS_REDIS_URL names no Redis user/],
  ['a service user missing from the templates', (o) => editFile(o, 'redis-acl', 'users.acl.template', (t) => t.split('\n').filter((l) => !l.startsWith('user people ')).join('\n')), /Redis user people \(EVENTS_REDIS_URL\) is not in the ACL templates of StatefulSet redis/],
  ['eventctl connects without a user', (o) => o.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'eventctl' }, spec: { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'eventctl', image: 'x', env: [{ name: 'EVENTS_REDIS_URL', value: 'redis://redis:6379/0' }], resources: { requests: { cpu: '10m', memory: '8Mi' }, limits: { memory: '8Mi' } }, securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } } }] } }), /Pod eventctl: container eventctl: EVENTS_REDIS_URL names no Redis user: connect as admin/],
  ['Redis without an aclfile', (o) => redisConf(o, (t) => t.replace(/^aclfile .*$/m, '')), /StatefulSet redis: no aclfile/],
  ['the aclfile not written by an init container', (o) => delete podSpecOf(statefulSet(o, 'redis')).initContainers, /StatefulSet redis: its aclfile \/run\/redis\/users\.acl is not on a volume that an init container writes/],
  ['the default user on', (o) => editFile(o, 'redis-acl', 'kubernetes.acl.template', (t) => t.replace('user default off resetchannels -@all', 'user default on nopass ~* +@all')), /the default Redis user is on in the ACL templates/],
  ['no default user line', (o) => editFile(o, 'redis-acl', 'kubernetes.acl.template', (t) => t.replace(/^user default .*$/m, '')), /the ACL templates have no "user default off" line/],
  ['a password in the ACL templates', (o) => editFile(o, 'redis-acl', 'users.acl.template', (t) => t.replace('@people@', '>hunter2hunter2')), /Redis user people: its password in the ACL templates must be the placeholder @people@ alone/],
  ['a user without a password', (o) => editFile(o, 'redis-acl', 'users.acl.template', (t) => t.replace('@feedback@', 'nopass')), /Redis user feedback: its password in the ACL templates must be the placeholder @feedback@/],
  ['a user defined twice', (o) => editFile(o, 'redis-acl', 'kubernetes.acl.template', (t) => `${t}\nuser people on @people@ -@all\n`), /Redis user people is defined twice in the ACL templates/],
  ['requirepass in redis.conf', (o) => redisConf(o, (t) => `${t}\nrequirepass hunter2hunter2\n`), /StatefulSet redis: requirepass is written in the manifests/],
  ['the probe as the default user', (o) => { podSpecOf(statefulSet(o, 'redis')).containers[0].readinessProbe.exec.command[2] = '[ "$(redis-cli ping)" = PONG ]'; }, /StatefulSet redis: its readiness probe runs redis-cli as the default user, which is off/],
  ['the probe\'s password not from the Secret', (o) => { podSpecOf(statefulSet(o, 'redis')).containers[0].env = [{ name: 'REDISCLI_AUTH', value: 'x'.repeat(40) }]; }, /StatefulSet redis: its readiness probe's password \(REDISCLI_AUTH\) does not come from the Secret redis-users, key probe/],
  ['the append-only file off the volume', (o) => redisConf(o, (t) => t.replace(/^dir \/data$/m, 'dir /tmp')), /StatefulSet redis: dir \/tmp is not on its PersistentVolumeClaim/],
  ['two Redis replicas', (o) => { statefulSet(o, 'redis').spec.replicas = 2; }, /StatefulSet redis: has 2 replicas: it is one primary without replication/],
  ['Redis open to web', (o) => callers(o, 'redis').values.push('web'), /NetworkPolicy redis lets web in on port 6379: only .* may call Redis \(StatefulSet redis\)/],
  ['Redis open to every pod', (o) => policy(o, 'redis').spec.ingress.push({ from: [{ podSelector: {} }], ports: [{ port: 6379 }] }), /NetworkPolicy redis lets pods of any name in on port 6379/],
  ['a service may not reach Redis', (o) => { const e = callers(o, 'redis'); e.values = e.values.filter((v) => v !== 'integrations'); }, /Deployment integrations: container integrations: .*redis's NetworkPolicy does not let integrations in on port 6379/],
];

// The Redis Cluster of components/redis-cluster (rendered on production).
const clusterPod = (objs) => podSpecOf(statefulSet(objs, 'redis-cluster'));
const clusterConf = (objs, edit) => editFile(objs, 'redis-cluster-config', 'redis.conf', edit);
const kClusterCases = [
  ['a cluster of 3 nodes', (o) => { statefulSet(o, 'redis-cluster').spec.replicas = 3; }, /StatefulSet redis-cluster: has 3 replicas: a cluster needs at least 6, an even number/],
  ['a cluster of 7 nodes', (o) => { statefulSet(o, 'redis-cluster').spec.replicas = 7; }, /StatefulSet redis-cluster: has 7 replicas: a cluster needs at least 6, an even number/],
  ['no anti-affinity', (o) => delete clusterPod(o).affinity, /StatefulSet redis-cluster: no required pod anti-affinity over kubernetes\.io\/hostname/],
  ['preferred anti-affinity only', (o) => { const a = clusterPod(o).affinity.podAntiAffinity; a.preferredDuringSchedulingIgnoredDuringExecution = [{ weight: 100, podAffinityTerm: a.requiredDuringSchedulingIgnoredDuringExecution[0] }]; delete a.requiredDuringSchedulingIgnoredDuringExecution; }, /StatefulSet redis-cluster: no required pod anti-affinity/],
  ['no disruption budget', (o) => o.splice(o.indexOf(find(o, 'PodDisruptionBudget', 'redis-cluster')), 1), /StatefulSet redis-cluster: no PodDisruptionBudget selects its pods/],
  ['a budget of two nodes', (o) => { find(o, 'PodDisruptionBudget', 'redis-cluster').spec.maxUnavailable = 2; }, /PodDisruptionBudget redis-cluster lets more than one node go at a time/],
  ['no forming Job', (o) => o.splice(o.indexOf(find(o, 'Job', 'redis-cluster-create')), 1), /StatefulSet redis-cluster: no Job forms the cluster/],
  ['the Job misses a node', (o) => { const e = envOf(podSpecOf(find(o, 'Job', 'redis-cluster-create')).containers[0], 'REDIS_CLUSTER_NODES'); e.value = e.value.replace('redis-cluster-5.redis-cluster:6379', ''); }, /Job redis-cluster-create: REDIS_CLUSTER_NODES names 5 nodes/],
  ['the Job cannot reach the nodes', (o) => { const e = callers(o, 'redis-cluster'); e.values = e.values.filter((v) => v !== 'redis-cluster-create'); }, /the NetworkPolicies do not let Job redis-cluster-create reach its nodes on port 6379/],
  ['no data volume', (o) => delete statefulSet(o, 'redis-cluster').spec.volumeClaimTemplates, /StatefulSet redis-cluster: no volumeClaimTemplates/],
  ['nodes.conf off the volume', (o) => clusterConf(o, (t) => t.replace('/data/nodes.conf', '/tmp/nodes.conf')), /cluster-config-file \/tmp\/nodes\.conf is not on its PersistentVolumeClaim/],
  ['appendfsync everysec in production', (o) => clusterConf(o, (t) => t.replace('appendfsync always', 'appendfsync everysec')), /StatefulSet redis-cluster: appendfsync is everysec, not always/],
  ['no announced hostname', (o) => { const c = clusterPod(o).containers[0]; c.args = c.args.slice(0, 3); }, /StatefulSet redis-cluster: no cluster-announce-hostname/],
  ['IP endpoints for clients', (o) => clusterConf(o, (t) => t.replace('cluster-preferred-endpoint-type hostname', 'cluster-preferred-endpoint-type ip')), /cluster-preferred-endpoint-type is ip, not hostname/],
  ['replicas without a masteruser', (o) => clusterPod(o).initContainers[0].command.pop(), /StatefulSet redis-cluster: no masteruser/],
  ['the cluster without an aclfile', (o) => clusterConf(o, (t) => t.replace(/^aclfile .*$/m, '')), /StatefulSet redis-cluster: no aclfile/],
  ['the cluster bus open to a service', (o) => policy(o, 'redis-cluster').spec.ingress.push({ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'scheduling' } } }], ports: [{ port: 16379 }] }), /its cluster bus port 16379 is open to Deployment scheduling: only its own nodes may reach it/],
  ['the nodes cannot reach each other', (o) => { policy(o, 'redis-cluster').spec.egress = []; }, /the NetworkPolicies do not let its nodes reach each other on port 16379/],
  ['the cluster open to web', (o) => callers(o, 'redis-cluster').values.push('web'), /NetworkPolicy redis-cluster lets web in on port 6379: only .* may call Redis \(StatefulSet redis-cluster\)/],
  ['a service may not reach the cluster', (o) => { const e = callers(o, 'redis-cluster'); e.values = e.values.filter((v) => v !== 'registration'); }, /Deployment registration: container registration: .*redis-cluster's NetworkPolicy does not let registration in on port 6379/],
  ['a seed that is no pod', (o) => { const cm = configMap(o, 'events-config'); cm.data.REDIS_URL_ADDRESS += ',redis-cluster-6.redis-cluster:6379'; }, /redis-cluster-6 is not a pod of StatefulSet redis-cluster, which has 6 replicas/],
  ['a service as another user on the cluster', (o) => { const e = envOf(container(o, 'accessibility'), 'EVENTS_REDIS_URL'); e.value = e.value.replace('//accessibility:', '//admin:'); }, /Deployment accessibility: container accessibility: EVENTS_REDIS_URL connects as Redis user admin, not as its own user accessibility/],
];

// casesFor(name): the cases for a rendering: the cluster's for components/redis-cluster,
// the overlay's (and Redis') for the dev overlay.
function casesFor(name) {
  return name.endsWith('components/redis-cluster') ? kClusterCases : kCases.concat(kRedisCases);
}

// selfTest(name, file): the missed cases of one rendering, or null when it does not pass unchanged.
function selfTest(name, file) {
  const pristine = JSON.stringify(loadObjects(file));
  const base = checkObjects(name, JSON.parse(pristine));
  if (!base.ok) return null;
  const missed = [];
  for (const [what, breakIt, expected] of casesFor(name)) {
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
  return missed;
}

function main(args) {
  if (args.length === 0 || !args.every((a) => a.includes('='))) {
    console.error('usage: node rules-selftest.js NAME=RENDERED.yaml...');
    return 2;
  }
  const missed = [];
  let count = 0;
  for (const arg of args) {
    const [name, file] = arg.split('=');
    const result = selfTest(name, file);
    if (result === null) {
      console.log(`FAIL rules self-test: ${name} unchanged does not pass, so no case can be judged`);
      return 1;
    }
    count += casesFor(name).length;
    missed.push(...result.map((m) => `${name}: ${m}`));
  }
  if (missed.length) {
    console.log('FAIL rules self-test');
    missed.forEach((m) => console.log(`  ${m}`));
    return 1;
  }
  console.log(`ok   rules self-test (${count} cases: each broken rendering fails, naming the problem)`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
