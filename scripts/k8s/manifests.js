// Reading rendered Kubernetes manifests (the output of `kubectl kustomize`), shared by
// check-manifests.js and smoke-plan.js. Needs the npm package "yaml" (scripts/install-deps
// puts it in .tools/k8s/node_modules; the scripts set NODE_PATH).
'use strict';

const fs = require('fs');
const YAML = require('yaml');

// loadObjects(file): the Kubernetes objects in a multi-document YAML file, in order.
// Throws with the parser's message (line and column) when the YAML itself is broken.
function loadObjects(file) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
  const objects = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    const obj = doc.toJS();
    if (obj !== null && obj !== undefined) objects.push(obj);
  }
  return objects;
}

// describe(obj): "Deployment scheduling", for messages.
function describe(obj) {
  return `${obj.kind} ${(obj.metadata && obj.metadata.name) || '(no name)'}`;
}

// podSpecOf(obj): the pod spec of a workload (Deployment, StatefulSet...), or null.
function podSpecOf(obj) {
  const template = obj.spec && obj.spec.template;
  return (template && template.spec) || null;
}

// find(objects, kind, name): the object of that kind and name, or undefined.
function find(objects, kind, name) {
  return objects.find((o) => o.kind === kind && o.metadata && o.metadata.name === name);
}

// selects(matchLabels, labels): true when every label of matchLabels is in labels.
function selects(matchLabels, labels) {
  return Object.entries(matchLabels || {}).every(([k, v]) => (labels || {})[k] === v);
}

// portNamed(container, name): the containerPort of the port called name, or undefined.
function portNamed(container, name) {
  const port = (container.ports || []).find((p) => p.name === name);
  return port ? port.containerPort : undefined;
}

// expandReferences(text, env): text with each $(NAME) replaced by NAME's value in env, as the
// kubelet expands env values, command and args: "$$" stands for "$", and a reference to a
// variable that is not defined, or whose value comes from a Secret (unknown here), stays as
// it is: "$(EVENTS_REDIS_PASSWORD)" remains in the result for the caller to see.
function expandReferences(text, env) {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name) => {
    if (whole === '$$') return '$';
    const v = env.get(name);
    return typeof v === 'string' ? v : whole;
  });
}

// containerEnv(objects, container): what the container's environment would be in a pod,
// in Kubernetes' order (envFrom first, then env, later entries winning; $(NAME) in an env
// value expanded from the variables before it). Values from a ConfigMap are resolved from
// the rendered ConfigMaps; values from a Secret are left as {secret, key} for the caller, and
// so are references that cannot be resolved, as {missing: "why"}. Returns a Map of
// name -> string | {secret, key} | {missing}.
function containerEnv(objects, container) {
  const env = new Map();
  for (const from of container.envFrom || []) {
    const prefix = from.prefix || '';
    if (from.configMapRef) {
      const cm = find(objects, 'ConfigMap', from.configMapRef.name);
      if (!cm) {
        env.set(`(envFrom ${from.configMapRef.name})`, { missing: `ConfigMap ${from.configMapRef.name} is not in the manifests` });
        continue;
      }
      for (const [k, v] of Object.entries(cm.data || {})) env.set(prefix + k, String(v));
    } else if (from.secretRef) {
      env.set(`(envFrom ${from.secretRef.name})`, { secret: from.secretRef.name, key: null });
    }
  }
  for (const e of container.env || []) {
    if (e.value !== undefined) {
      env.set(e.name, expandReferences(String(e.value), env));
    } else if (e.valueFrom && e.valueFrom.configMapKeyRef) {
      const ref = e.valueFrom.configMapKeyRef;
      const cm = find(objects, 'ConfigMap', ref.name);
      if (cm && cm.data && ref.key in cm.data) env.set(e.name, String(cm.data[ref.key]));
      else env.set(e.name, { missing: `ConfigMap ${ref.name} has no key ${ref.key}` });
    } else if (e.valueFrom && e.valueFrom.secretKeyRef) {
      env.set(e.name, { secret: e.valueFrom.secretKeyRef.name, key: e.valueFrom.secretKeyRef.key });
    } else if (e.valueFrom) {
      env.set(e.name, { missing: `valueFrom ${Object.keys(e.valueFrom).join(', ')} is not supported here` });
    } else {
      env.set(e.name, '');
    }
  }
  return env;
}

module.exports = { loadObjects, describe, podSpecOf, find, selects, portNamed, containerEnv, expandReferences };
