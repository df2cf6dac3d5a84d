// The rules for Redis in rendered manifests (check-manifests.js calls them): the single Redis
// of the base and the Redis Cluster of components/redis-cluster, their ACL users, and the
// services' connections as those users.
//   - every Redis (a StatefulSet running redis-server): data and the append-only file on its
//     PersistentVolumeClaim; appendfsync always in production; an aclfile written at pod start
//     by an init container from the ACL templates (ConfigMap files *.acl.template), whose users
//     are: the default user off, every other user with its password as the placeholder @NAME@
//     (no password or hash in git, no nopass), none twice; no requirepass or masterauth in the
//     manifests; a readiness probe that authenticates as a user of its own; its client port
//     open only to the services whose EVENTS_REDIS_URL addresses it, eventctl and (cluster)
//     the forming Job;
//   - the single Redis: one replica;
//   - a cluster (cluster-enabled yes): at least 6 nodes, an even number; nodes.conf on the
//     volume; cluster-announce-hostname and cluster-preferred-endpoint-type hostname; required
//     pod anti-affinity over kubernetes.io/hostname; a PodDisruptionBudget of one pod; replicas
//     that authenticate to their primary (a masteruser); the forming Job (redis-cli --cluster
//     create) naming every node; the cluster bus open between the nodes and to nothing else;
//   - every service: EVENTS_REDIS_URL names its own user (its app.kubernetes.io/name) and
//     takes the password from the Secret redis-users, key = the user, as $(VARIABLE).
'use strict';

const path = require('path');
const { describe, podSpecOf, find, selects, containerEnv } = require('./manifests');
const { allows, podLabelsOf, callerProblems, resolveAddress, addressesIn } = require('./network');

// The Secret with one key per Redis user (docs/deploy.md, step 4).
const kUsersSecret = 'redis-users';
// Pods besides the services that may reach Redis: eventctl run as a pod (deploy/k8s/admin).
const kAdminCallers = ['eventctl'];
// A cluster: 3 primaries with a replica each, at the least.
const kMinClusterNodes = 6;
// Template files of the ACL users, in ConfigMaps.
const kTemplateSuffix = '.acl.template';
// Password tokens of Redis ACL rules, other than the placeholder: a password (>), a hash (#),
// their removal (<, !), and nopass / resetpass.
const kPasswordToken = /^([><#!]|nopass$|resetpass$)/;

// redisServers(objects): the StatefulSets that run redis-server.
function redisServers(objects) {
  return objects.filter((o) => o.kind === 'StatefulSet' && ((podSpecOf(o).containers[0] || {}).command || [])[0] === 'redis-server');
}

// mountedConfigMaps(objects, pod, c): [{mountPath, cm}] for the ConfigMap volumes c mounts.
function mountedConfigMaps(objects, pod, c) {
  return (c.volumeMounts || []).map((m) => {
    const v = (pod.volumes || []).find((x) => x.name === m.name);
    const cm = v && v.configMap && find(objects, 'ConfigMap', v.configMap.name);
    return cm ? { mountPath: m.mountPath, cm } : null;
  }).filter(Boolean);
}

// aclTemplates(objects, pod): the ACL template files the pod's containers mount, as
// {files: [name], users: Map name -> [tokens], problems: [...]} (lines "user NAME RULES...";
// "#" lines and blank lines are comments, as render-acl.sh reads them).
function aclTemplates(objects, pod) {
  const files = [];
  const users = new Map();
  const problems = [];
  const seen = new Set();
  for (const c of (pod.initContainers || []).concat(pod.containers || [])) {
    for (const { cm } of mountedConfigMaps(objects, pod, c)) {
      for (const [file, text] of Object.entries(cm.data || {})) {
        if (!file.endsWith(kTemplateSuffix) || seen.has(`${cm.metadata.name}/${file}`)) continue;
        seen.add(`${cm.metadata.name}/${file}`);
        files.push(file);
        for (const raw of String(text).split('\n')) {
          const line = raw.trim();
          if (line === '' || line.startsWith('#')) continue;
          const tokens = line.split(/\s+/);
          if (tokens[0] !== 'user' || tokens.length < 2) {
            problems.push(`${file}: "${line.slice(0, 40)}" is not a "user NAME RULES..." line`);
            continue;
          }
          if (users.has(tokens[1])) problems.push(`Redis user ${tokens[1]} is defined twice in the ACL templates (${files.join(', ')}): Redis refuses such an aclfile`);
          users.set(tokens[1], tokens.slice(2));
        }
      }
    }
  }
  return { files, users, problems };
}

// templateProblems(acl): the users' rules as the project needs them: the default user off,
// every other user with exactly its own @NAME@ placeholder as the password.
function templateProblems(acl) {
  const problems = acl.problems.slice();
  const dflt = acl.users.get('default');
  if (!dflt) problems.push('the ACL templates have no "user default off" line: Redis would create the default user on, with no password and every command');
  else if (!dflt.includes('off') || dflt.includes('on')) problems.push('the default Redis user is on in the ACL templates ("user default off"): every client must AUTH as a user of its own');
  for (const [name, rules] of acl.users) {
    if (name === 'default') continue;
    const placeholders = rules.filter((t) => /^@[^@\s]+@$/.test(t));
    if (rules.some((t) => kPasswordToken.test(t)) || placeholders.length !== 1 || placeholders[0] !== `@${name}@`) {
      problems.push(`Redis user ${name}: its password in the ACL templates must be the placeholder @${name}@ alone (no password, hash or nopass in git; the pod fills in the hash of the Secret ${kUsersSecret}'s key ${name})`);
    }
  }
  return problems;
}

// settingsOf(objects, sts): name -> value of the redis.conf the container's first argument
// names (from its ConfigMap) and the --name value arguments after it; later ones win.
function settingsOf(objects, sts) {
  const pod = podSpecOf(sts);
  const c = pod.containers[0];
  const args = c.args || [];
  const settings = new Map();
  const conf = args[0] && !args[0].startsWith('--') ? args[0] : undefined;
  const mount = conf && mountedConfigMaps(objects, pod, c).find((m) => path.dirname(conf) === m.mountPath);
  const text = mount ? String((mount.cm.data || {})[path.basename(conf)] || '') : '';
  for (const line of text.split('\n')) {
    const m = line.trim().match(/^([A-Za-z-]+)\s+(.*)$/);
    if (m) settings.set(m[1].toLowerCase(), m[2].trim());
  }
  for (let i = conf ? 1 : 0; i + 1 < args.length; i++) {
    if (args[i].startsWith('--')) settings.set(args[i].slice(2).toLowerCase(), args[i + 1]);
  }
  return settings;
}

// under(file, dir): whether path file is dir or inside it.
const under = (file, dir) => typeof file === 'string' && (file === dir || file.startsWith(`${dir.replace(/\/$/, '')}/`));

// serverProblems(objects, sts, profile): the rules for one Redis StatefulSet.
function serverProblems(objects, sts, profile) {
  const problems = [];
  const say = (m) => problems.push(`${describe(sts)}: ${m}`);
  const pod = podSpecOf(sts);
  const c = pod.containers[0];
  const settings = settingsOf(objects, sts);
  const cluster = settings.get('cluster-enabled') === 'yes';
  const replicas = sts.spec.replicas === undefined ? 1 : sts.spec.replicas;
  const mountOf = (file) => (c.volumeMounts || []).filter((m) => under(file, m.mountPath)).sort((a, b) => b.mountPath.length - a.mountPath.length)[0];

  // Data and its append-only file on the PersistentVolumeClaim.
  const claims = (sts.spec.volumeClaimTemplates || []).map((t) => t.metadata.name);
  if (claims.length === 0) say('no volumeClaimTemplates (its data would not survive the pod)');
  const onClaim = (file) => { const m = mountOf(file); return Boolean(m && claims.includes(m.name)); };
  if (claims.length && !onClaim(settings.get('dir'))) say(`dir ${settings.get('dir')} is not on its PersistentVolumeClaim: the append-only file would not survive the pod`);
  if (settings.get('appendonly') !== 'yes') say('appendonly is not yes');
  if (profile === 'production' && settings.get('appendfsync') !== 'always') say(`appendfsync is ${settings.get('appendfsync')}, not always (the durable profile: no acknowledged write is ever lost)`);
  for (const name of ['requirepass', 'masterauth']) {
    if (settings.has(name)) say(`${name} is written in the manifests: Redis passwords come from the Secret ${kUsersSecret} (users in the ACL templates)`);
  }

  // Users: an aclfile that an init container writes from the templates.
  const acl = aclTemplates(objects, pod);
  const aclfile = settings.get('aclfile');
  let init;
  if (!aclfile) {
    say('no aclfile: Redis would have only the default user, with every command and no password');
  } else {
    const m = mountOf(aclfile);
    init = m && (pod.initContainers || []).find((ic) => (ic.volumeMounts || []).some((x) => x.name === m.name && !x.readOnly) &&
      mountedConfigMaps(objects, pod, ic).some(({ cm }) => Object.keys(cm.data || {}).some((f) => f.endsWith(kTemplateSuffix))));
    if (!init) say(`its aclfile ${aclfile} is not on a volume that an init container writes from the ACL templates (ConfigMap files *${kTemplateSuffix})`);
    else if (acl.files.length === 0) say('no ACL templates');
    else problems.push(...templateProblems(acl).map((p) => `${describe(sts)}: ${p}`));
  }

  // The readiness probe authenticates as a user of its own, with the password from the Secret.
  const probe = ((c.readinessProbe || {}).exec || {}).command || [];
  if (probe.join(' ').includes('redis-cli')) {
    const user = (probe.join(' ').match(/--user\s+([^\s'"]+)/) || [])[1];
    const auth = containerEnv(objects, c).get('REDISCLI_AUTH');
    if (!user) say('its readiness probe runs redis-cli as the default user, which is off: give it --user NAME (a user of the ACL templates) and REDISCLI_AUTH from the Secret');
    else if (acl.files.length && !acl.users.has(user)) say(`its readiness probe runs as Redis user ${user}, which the ACL templates do not define`);
    else if (!(auth && auth.secret === kUsersSecret && auth.key === user)) say(`its readiness probe's password (REDISCLI_AUTH) does not come from the Secret ${kUsersSecret}, key ${user}`);
  }

  // Who may reach the client port: the services that address it, eventctl, its forming Job.
  const port = (c.ports || []).find((p) => p.name === 'redis') || (c.ports || [])[0] || {};
  const clients = objects.filter((o) => o.kind === 'Deployment' && podSpecOf(o).containers.some((x) => [...containerEnv(objects, x).values()]
    .some((v) => typeof v === 'string' && addressesIn(v).some(({ host, port: p }) => (resolveAddress(objects, host, p) || {}).workload === sts))))
    .map((d) => podLabelsOf(d)['app.kubernetes.io/name']);
  const allowed = clients.concat(kAdminCallers);

  if (!cluster) {
    // Two pods behind the headless Service would be two separate Redis, each with part of the data.
    if (replicas !== 1) say(`has ${replicas} replicas: it is one primary without replication (1); for more, use the redis-cluster component`);
  } else {
    // Its own nodes reach each other (replication, the cluster bus).
    allowed.push(podLabelsOf(sts)['app.kubernetes.io/name']);
    problems.push(...clusterProblems(objects, sts, settings, init, acl, onClaim, allowed).map((p) => `${describe(sts)}: ${p}`));
  }
  problems.push(...callerProblems(objects, sts, `Redis (${describe(sts)}) on port ${port.containerPort}`, allowed, undefined));
  return problems;
}

// clusterProblems(...): the rules of a Redis Cluster StatefulSet; adds the forming Job to
// `allowed` (the pods that may reach the client port).
function clusterProblems(objects, sts, settings, init, acl, onClaim, allowed) {
  const problems = [];
  const say = (m) => problems.push(m);
  const pod = podSpecOf(sts);
  const c = pod.containers[0];
  const labels = podLabelsOf(sts);
  const replicas = sts.spec.replicas === undefined ? 1 : sts.spec.replicas;
  if (replicas < kMinClusterNodes || replicas % 2 !== 0) say(`has ${replicas} replicas: a cluster needs at least ${kMinClusterNodes}, an even number (each primary with its replica)`);
  if (!onClaim(settings.get('cluster-config-file'))) say(`cluster-config-file ${settings.get('cluster-config-file')} is not on its PersistentVolumeClaim: a restarted node would forget who it is`);
  if (!settings.get('cluster-announce-hostname')) say('no cluster-announce-hostname: clients would be given IPs, which change when a pod moves');
  if (settings.get('cluster-preferred-endpoint-type') !== 'hostname') say(`cluster-preferred-endpoint-type is ${settings.get('cluster-preferred-endpoint-type')}, not hostname: MOVED and CLUSTER SHARDS would name IPs, which change when a pod moves`);

  // Replicas authenticate to their primary: render-acl.sh's 4th argument, the masteruser.
  const initArgs = init ? (init.command || []).concat(init.args || []) : [];
  const script = initArgs.findIndex((a) => a.endsWith('render-acl.sh'));
  const masteruser = script >= 0 ? initArgs[script + 4] : undefined;
  if (!masteruser) say('no masteruser (render-acl.sh\'s 4th argument in the init container): replicas could not authenticate to their primary');
  else if (!acl.users.has(masteruser)) say(`its masteruser ${masteruser} is not a user of the ACL templates`);

  // One node per Kubernetes node.
  const anti = ((pod.affinity || {}).podAntiAffinity || {}).requiredDuringSchedulingIgnoredDuringExecution || [];
  if (!anti.some((t) => t.topologyKey === 'kubernetes.io/hostname' && t.labelSelector && selects(t.labelSelector.matchLabels, labels))) {
    say('no required pod anti-affinity over kubernetes.io/hostname for its own pods: a node could hold a primary and its replica, and losing it would lose their slots');
  }
  // A disruption budget of one pod.
  const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget' && o.spec.selector && selects(o.spec.selector.matchLabels, labels));
  if (!pdb) say('no PodDisruptionBudget selects its pods: a drain could take a primary and its replica at once');
  else if (!(pdb.spec.maxUnavailable === 1 || pdb.spec.minAvailable === replicas - 1)) say(`PodDisruptionBudget ${pdb.metadata.name} lets more than one node go at a time (maxUnavailable 1)`);

  // The Job that forms the cluster, naming every node.
  const svc = sts.spec.serviceName;
  const port = ((c.ports || []).find((p) => p.name === 'redis') || {}).containerPort;
  const want = Array.from({ length: replicas }, (_, i) => `${sts.metadata.name}-${i}.${svc}:${port}`).sort();
  const jobs = objects.filter((o) => o.kind === 'Job' && podSpecOf(o).containers.some((x) => {
    const env = containerEnv(objects, x);
    const text = (x.command || []).concat(x.args || []).join(' ') + mountedConfigMaps(objects, podSpecOf(o), x)
      .map(({ cm }) => Object.values(cm.data || {}).join('\n')).join('\n');
    return typeof env.get('REDIS_CLUSTER_NODES') === 'string' && /--cluster create/.test(text) && /--cluster-replicas/.test(text);
  }));
  if (jobs.length === 0) say('no Job forms the cluster (redis-cli --cluster create --cluster-replicas, with REDIS_CLUSTER_NODES)');
  for (const job of jobs) {
    const nodes = podSpecOf(job).containers.map((x) => containerEnv(objects, x).get('REDIS_CLUSTER_NODES')).find((v) => typeof v === 'string');
    const named = nodes.split(/\s+/).filter(Boolean).sort();
    if (named.join(' ') !== want.join(' ')) say(`Job ${job.metadata.name}: REDIS_CLUSTER_NODES names ${named.length} nodes (${named.join(' ')}), not the ${replicas} pods ${want.join(' ')}`);
    const jobLabels = podLabelsOf(job);
    const dest = { number: port, name: 'redis' };
    if (!allows(objects, 'Egress', jobLabels, { podLabels: labels }, dest) || !allows(objects, 'Ingress', labels, { podLabels: jobLabels }, dest)) {
      say(`the NetworkPolicies do not let Job ${job.metadata.name} reach its nodes on port ${port}`);
    }
    if (jobLabels['app.kubernetes.io/name']) allowed.push(jobLabels['app.kubernetes.io/name']);
  }

  // Node to node: replication on the client port and the cluster bus; the bus to no one else.
  const busPort = (c.ports || []).find((p) => p.name === 'cluster-bus') || { containerPort: port + 10000, name: 'cluster-bus' };
  const bus = { number: busPort.containerPort, name: busPort.name };
  for (const dest of [{ number: port, name: 'redis' }, bus]) {
    if (!allows(objects, 'Egress', labels, { podLabels: labels }, dest) || !allows(objects, 'Ingress', labels, { podLabels: labels }, dest)) {
      say(`the NetworkPolicies do not let its nodes reach each other on port ${dest.number} (${dest.number === port ? 'replication' : 'the cluster bus'})`);
    }
  }
  const others = objects.filter((o) => podSpecOf(o) && o !== sts).map((o) => [describe(o), podLabelsOf(o)])
    .concat(kAdminCallers.map((n) => [`the ${n} pod`, { 'app.kubernetes.io/name': n }]));
  for (const [what, podLabels] of others) {
    if (allows(objects, 'Ingress', labels, { podLabels }, bus)) say(`its cluster bus port ${bus.number} is open to ${what}: only its own nodes may reach it`);
  }
  return problems;
}

// redisProblems(objects, profile): the rules for every Redis of the manifests.
function redisProblems(objects, profile) {
  const servers = redisServers(objects);
  if (servers.length === 0) return ['no Redis (a StatefulSet running redis-server)'];
  return servers.flatMap((sts) => serverProblems(objects, sts, profile));
}

// userProblems(objects, c, owner): the container connects to Redis (EVENTS_REDIS_URL) as the
// user `owner`, with the password from the Secret redis-users, key owner, as $(VARIABLE).
function userProblems(objects, c, owner) {
  const env = containerEnv(objects, c);
  const url = env.get('EVENTS_REDIS_URL');
  if (url === undefined) return [];
  if (typeof url !== 'string') return [`EVENTS_REDIS_URL must be composed in the Deployment (redis://${owner}:$(EVENTS_REDIS_PASSWORD)@...), not read whole from a Secret or ConfigMap`];
  const m = url.match(/^([a-z+]+):\/\/(?:([^:@/]*)(?::([^@]*))?@)?/);
  if (!m || !m[2]) return [`EVENTS_REDIS_URL names no Redis user: connect as ${owner} (${m ? m[1] : 'redis'}://${owner}:$(EVENTS_REDIS_PASSWORD)@...), whose rules allow only what it needs`];
  const problems = [];
  if (m[2] !== owner) problems.push(`EVENTS_REDIS_URL connects as Redis user ${m[2]}, not as its own user ${owner}`);
  const ref = (m[3] || '').match(/^\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)$/);
  if (!ref) {
    problems.push(`the password in EVENTS_REDIS_URL is written in the manifests: it must be $(VARIABLE), a variable set from the Secret ${kUsersSecret}, key ${owner}`);
  } else {
    const v = env.get(ref[1]);
    if (!(v && v.secret === kUsersSecret && v.key === owner)) problems.push(`EVENTS_REDIS_URL's password $(${ref[1]}) does not come from the Secret ${kUsersSecret}, key ${owner} (secretKeyRef)`);
  }
  // The user must exist where Redis is in the same manifests.
  for (const sts of redisServers(objects)) {
    const acl = aclTemplates(objects, podSpecOf(sts));
    if (acl.files.length && !acl.users.has(m[2])) problems.push(`Redis user ${m[2]} (EVENTS_REDIS_URL) is not in the ACL templates of ${describe(sts)}`);
  }
  return problems;
}

// secretVolumeKeys(objects, pod, secret): the keys a pod needs in a Secret it mounts whole:
// for the Secret of the Redis users, one per user of its ACL templates.
function secretVolumeKeys(objects, pod, secret) {
  if (secret !== kUsersSecret) return [];
  return [...aclTemplates(objects, pod).users.keys()].filter((u) => u !== 'default');
}

module.exports = { redisProblems, userProblems, secretVolumeKeys };
