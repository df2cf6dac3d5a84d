// Turns a rendered overlay into what scripts/k8s-smoke needs to start each workload on this
// machine exactly as the manifests declare it. Two modes:
//
//   node smoke-plan.js ports RENDERED.yaml
//     prints the ports the Deployments declare, one "NAME PORT" a line.
//   node smoke-plan.js plan RENDERED.yaml OUT_DIR BUILD_DIR REDIS_PORT [PORT=LOCAL_PORT...]
//     writes, for each Deployment NAME (listed in OUT_DIR/deployments) and for redis:
//       OUT_DIR/NAME/argv     command and args, NUL-separated; the image's /usr/local/bin/X
//                             becomes the build's binary X (BUILD_DIR/services/*/X or
//                             BUILD_DIR/tools/*/X); each volume is a folder
//                             OUT_DIR/NAME/vol/<volume> (ConfigMap volumes with their files,
//                             Secret volumes with made-up values), and mount paths in args
//                             and in those files point there
//       OUT_DIR/NAME/env      the environment, NUL-separated NAME=value (ConfigMaps resolved;
//                             $(NAME) references expanded, as the kubelet does)
//       OUT_DIR/NAME/secrets  "ENV SECRET KEY" lines: values the caller makes up. Secrets
//                             that a pod mounts as a volume (the Redis users' passwords) are
//                             made up here instead, the same in every pod, and put in env
//       OUT_DIR/NAME/notes    "ENV=declared -> local" for each value that was mapped
//       OUT_DIR/NAME/inits    how many init containers it has; OUT_DIR/NAME/init/<N>/ holds
//                             argv, env, secrets and notes of each, to run in order first
//       OUT_DIR/NAME/meta     "key value" lines: grpc_port, http_port (the one it serves:
//                             the other is empty), ready_path (its readinessProbe's httpGet
//                             path, for HTTP), metrics_port, metrics_path, grace_seconds,
//                             startup_seconds; for Redis probe_user (its readiness probe's
//                             redis-cli --user) and users_dir (a file per Redis user with
//                             the made-up password)
//     Addresses of the manifests' Services in env values (redis:6379, scheduling:50051,
//     also NAME.NAMESPACE[.svc[.cluster.local]]) become 127.0.0.1 and the local port: the
//     Redis Service goes to REDIS_PORT, a service's port to its declared one, or to
//     LOCAL_PORT when PORT=LOCAL_PORT says so (the caller remaps ports that are busy here;
//     *_PORT variables holding that port, EVENTS_GRPC_PORT or WEB_PORT say, change with it).
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { loadObjects, podSpecOf, find, selects, portNamed, containerEnv, expandReferences } = require('./manifests');
const { secretVolumeKeys } = require('./redis-rules');

function fail(message) {
  console.error(`smoke-plan: ${message}`);
  process.exit(1);
}

// The source tree: a Deployment of a service whose folder is not in it yet (manifests
// written ahead of the service, on another branch) is skipped rather than failed.
const sourceRoot = path.resolve(__dirname, '..', '..');

// notInSource(imagePath): the services/<name>/ folder that /usr/local/bin/<name>_server
// would be built from, when this source tree has no such folder; otherwise null.
function notInSource(imagePath) {
  const m = /^([a-z0-9_]+)_server$/.exec(path.basename(imagePath));
  if (!m) return null;
  const folder = path.join('services', m[1]);
  return fs.existsSync(path.join(sourceRoot, folder)) ? null : folder;
}

// localBinary(buildDir, imagePath): where the build put the binary the image has at imagePath.
function localBinary(buildDir, imagePath) {
  const name = path.basename(imagePath);
  if (path.dirname(imagePath) !== '/usr/local/bin') fail(`${imagePath}: only binaries in /usr/local/bin (where the Dockerfile installs them) can be mapped to the build`);
  for (const group of ['services', 'tools']) {
    const root = path.join(buildDir, group);
    for (const dir of fs.existsSync(root) ? fs.readdirSync(root) : []) {
      const candidate = path.join(root, dir, name);
      if (fs.existsSync(candidate)) return candidate;
    }
  }
  fail(`${name} is not built in ${buildDir} (build it: make -C ${buildDir} ${name})`);
}

function deploymentsOf(objects) {
  return objects.filter((o) => o.kind === 'Deployment');
}

// addressMap(objects, redisPort, remap): [regex, replacement] for each Service port.
function addressMap(objects, redisPort, remap) {
  const map = [];
  for (const svc of objects.filter((o) => o.kind === 'Service' && o.spec.selector)) {
    const workload = objects.find((o) => podSpecOf(o) && selects(svc.spec.selector, o.spec.template.metadata.labels));
    if (!workload) continue;
    for (const port of svc.spec.ports || []) {
      let local;
      if (svc.metadata.name === 'redis') {
        local = redisPort;
      } else {
        const c = podSpecOf(workload).containers[0];
        const target = typeof port.targetPort === 'string' ? portNamed(c, port.targetPort) : port.targetPort || port.port;
        local = remap.get(String(target)) || target;
      }
      const host = svc.metadata.name.replace(/[.]/g, '\\.');
      map.push([new RegExp(`(^|[/@,=\\s])${host}(\\.[a-z0-9-]+(\\.svc(\\.cluster\\.local)?)?)?:${port.port}(?![0-9])`, 'g'), `$1127.0.0.1:${local}`]);
    }
  }
  return map;
}

// Secrets that a pod mounts as a volume (the Redis users' passwords, which Redis's init
// container hashes and each service sends) must be the same everywhere: the plan makes them
// up once, 32 random bytes in hex (URL-safe, as render-acl.sh wants), and writes them into
// the volumes and into the env variables that read them. Others are left to the caller
// (the "secrets" file). madeUp: "secret/key" -> value.
const madeUp = new Map();
function madeUpValue(secret, key) {
  const id = `${secret}/${key}`;
  if (!madeUp.has(id)) madeUp.set(id, crypto.randomBytes(32).toString('hex'));
  return madeUp.get(id);
}
// mountedSecrets(objects): the names of the Secrets any pod mounts as a volume.
function mountedSecrets(objects) {
  return new Set(objects.filter((o) => podSpecOf(o)).flatMap((o) => (podSpecOf(o).volumes || []).filter((v) => v.secret).map((v) => v.secret.secretName)));
}

// writeContainer(objects, obj, c, dir, volDir, buildDir, map, remap): argv, env, secrets and
// notes of container c of workload obj into dir. Each volume is a folder volDir/<volume>
// (shared by the pod's containers, so what an init container writes the main one reads):
// ConfigMap volumes with their files, Secret volumes with made-up values, others (emptyDir,
// the PersistentVolumeClaim) empty. Mount paths in args and in ConfigMap files point there
// instead (redis.conf's "dir /data", say).
function writeContainer(objects, obj, c, dir, volDir, buildDir, map, remap) {
  const pod = podSpecOf(obj);
  fs.mkdirSync(dir, { recursive: true });
  const mounts = (c.volumeMounts || []).map((m) => [m.mountPath, path.join(volDir, m.name, m.subPath || '')])
    .sort((a, b) => b[0].length - a[0].length);
  const mapPaths = (text) => {
    for (const [from, to] of mounts) text = text.replace(new RegExp(`(^|[\\s="'])${from.replace(/[.]/g, '\\.')}(?=[/\\s"']|$)`, 'gm'), `$1${to}`);
    return text;
  };
  for (const m of c.volumeMounts || []) {
    const local = path.join(volDir, m.name);
    fs.mkdirSync(local, { recursive: true });
    const volume = (pod.volumes || []).find((v) => v.name === m.name);
    if (volume && volume.configMap) {
      const cm = find(objects, 'ConfigMap', volume.configMap.name);
      if (!cm) fail(`${obj.metadata.name}: ConfigMap ${volume.configMap.name} is not in the manifests`);
      for (const [file, content] of Object.entries(cm.data || {})) fs.writeFileSync(path.join(local, file), mapPaths(content));
    } else if (volume && volume.secret) {
      const keys = (volume.secret.items || []).map((i) => i.key).concat(secretVolumeKeys(objects, pod, volume.secret.secretName));
      for (const key of keys) fs.writeFileSync(path.join(local, key), madeUpValue(volume.secret.secretName, key), { mode: 0o600 });
    }
  }

  const command = c.command || [];
  if (command.length === 0) fail(`${obj.metadata.name}: no command (the smoke test needs it to know which binary runs)`);
  const program = command[0].startsWith('/') ? localBinary(buildDir, command[0]) : command[0];
  const argv = [program].concat(command.slice(1), c.args || []).map((a, i) => (i === 0 ? a : mapPaths(a)));
  fs.writeFileSync(path.join(dir, 'argv'), argv.map((a) => `${a}\0`).join(''));

  const env = [];
  const secrets = [];
  const notes = [];
  const shared = mountedSecrets(objects);
  // Values the plan knows, for $(NAME) references to variables read from a Secret.
  const known = new Map();
  for (const [name, value] of containerEnv(objects, c)) {
    if (value && value.missing) fail(`${obj.metadata.name}: env ${name}: ${value.missing}`);
    if (value && value.secret) {
      if (!value.key) fail(`${obj.metadata.name}: envFrom secretRef ${value.secret} is not supported here; use secretKeyRef`);
      if (shared.has(value.secret)) {
        known.set(name, madeUpValue(value.secret, value.key));
        notes.push(`${name} from Secret ${value.secret} (key ${value.key}): a value made for this test, the same in every pod`);
        env.push(`${name}=${known.get(name)}\0`);
      } else {
        secrets.push(`${name} ${value.secret} ${value.key}`);
      }
      continue;
    }
    let v = expandReferences(value, known);
    if (/_PORT$/.test(name) && remap.has(v)) v = remap.get(v);
    for (const [re, to] of map) v = v.replace(re, to);
    // Notes never show a password that the expansion put in.
    if (v !== value) notes.push(`${name}=${value} -> ${[...known.values()].reduce((t, p) => t.split(p).join('***'), v)}`);
    env.push(`${name}=${v}\0`);
  }
  fs.writeFileSync(path.join(dir, 'notes'), notes.map((n) => `${n}\n`).join(''));
  fs.writeFileSync(path.join(dir, 'env'), env.join(''), { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'secrets'), secrets.map((s) => `${s}\n`).join(''));
  return mounts;
}

// writeWorkload(...): the files for workload obj (see the header): its init containers in
// dir/init/<N>/ (argv, env...; their number in dir/inits), then its first container.
function writeWorkload(objects, obj, dir, buildDir, map, remap) {
  const pod = podSpecOf(obj);
  const c = pod.containers[0];
  const volDir = path.join(dir, 'vol');
  const inits = pod.initContainers || [];
  inits.forEach((ic, i) => writeContainer(objects, obj, ic, path.join(dir, 'init', String(i)), volDir, buildDir, map, remap));
  writeContainer(objects, obj, c, dir, volDir, buildDir, map, remap);
  fs.writeFileSync(path.join(dir, 'inits'), `${inits.length}\n`);
  const grpc = portNamed(c, 'grpc');
  const http = portNamed(c, 'http');
  const metrics = portNamed(c, 'metrics');

  const startup = c.startupProbe || {};
  const readiness = c.readinessProbe || {};
  const localPort = (port) => (port === undefined ? '' : remap.get(String(port)) || port);
  const meta = {
    grpc_port: localPort(grpc),
    http_port: grpc === undefined ? localPort(http) : '',
    ready_path: (readiness.httpGet && readiness.httpGet.path) || '',
    metrics_port: localPort(metrics),
    metrics_path: (obj.spec.template.metadata.annotations || {})['prometheus.io/path'] || '/metrics',
    grace_seconds: pod.terminationGracePeriodSeconds === undefined ? 30 : pod.terminationGracePeriodSeconds,
    // How long the kubelet gives it to start: startupProbe period x failures (defaults 10 x 3).
    startup_seconds: (startup.periodSeconds || 10) * (startup.failureThreshold || 3) + (startup.initialDelaySeconds || 0),
    // Redis: the user its readiness probe's redis-cli runs as (--user), and the folder with the
    // made-up passwords of the Redis users (a file per user), for the caller's own commands.
    probe_user: ((((readiness.exec || {}).command || []).join(' ')).match(/--user\s+([^\s'"]+)/) || [])[1] || '',
    users_dir: (pod.volumes || []).filter((v) => v.secret && secretVolumeKeys(objects, pod, v.secret.secretName).length).map((v) => path.join(volDir, v.name))[0] || '',
    // The Redis user its EVENTS_REDIS_URL names, if any.
    redis_user: ((String(containerEnv(objects, c).get('EVENTS_REDIS_URL') || '')).match(/^[a-z+]+:\/\/([^:@/]+):[^@]*@/) || [])[1] || '',
  };
  fs.writeFileSync(path.join(dir, 'meta'), Object.entries(meta).map(([k, v]) => `${k} ${v}\n`).join(''));
}

function main(args) {
  const [mode, file] = args;
  const objects = loadObjects(file);
  if (mode === 'ports') {
    for (const d of deploymentsOf(objects)) {
      for (const p of podSpecOf(d).containers[0].ports || []) console.log(`${d.metadata.name} ${p.containerPort}`);
    }
    return;
  }
  if (mode !== 'plan' || args.length < 5) fail('usage: smoke-plan.js ports FILE | plan FILE OUT_DIR BUILD_DIR REDIS_PORT [PORT=LOCAL_PORT...]');
  const [, , outDir, buildDir, redisPort, ...remaps] = args;
  const remap = new Map(remaps.map((r) => r.split('=')));
  const map = addressMap(objects, redisPort, remap);
  const redis = find(objects, 'StatefulSet', 'redis');
  if (!redis) fail('no StatefulSet redis in the manifests');
  writeWorkload(objects, redis, path.join(outDir, 'redis'), buildDir, map, remap);
  const names = [];
  for (const d of deploymentsOf(objects)) {
    const command = podSpecOf(d).containers[0].command || [];
    const missing = command.length > 0 ? notInSource(command[0]) : null;
    if (missing) {
      console.error(`smoke-plan: ${d.metadata.name}: skipped, ${missing}/ is not in this source tree`);
      continue;
    }
    writeWorkload(objects, d, path.join(outDir, d.metadata.name), buildDir, map, remap);
    names.push(d.metadata.name);
  }
  fs.writeFileSync(path.join(outDir, 'deployments'), names.map((n) => `${n}\n`).join(''));
}

main(process.argv.slice(2));
