/** Reading a PodSpec (of a Pod or of a workload's pod template). */
import type { Located } from '../common/source';
import type { RMap } from '../yaml/yaml-reader';
import { dnsLabelProblem, portNameProblem } from './label-syntax';
import { readLabels } from './meta';
import {
  type ContainerInfo,
  type ContainerPort,
  type EnvFromConfigMap,
  type EnvVar,
  type NodeSelectorRequirement,
  type PodSpecInfo,
  type Protocol,
  PROTOCOLS,
  type Toleration,
} from './kubernetes';

/** The fields of a Container (core/v1), as kubectl's strict field validation knows them. */
const CONTAINER_FIELDS = [
  'name',
  'image',
  'command',
  'args',
  'workingDir',
  'ports',
  'envFrom',
  'env',
  'resources',
  'resizePolicy',
  'restartPolicy',
  'volumeMounts',
  'volumeDevices',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'imagePullPolicy',
  'securityContext',
  'stdin',
  'stdinOnce',
  'tty',
] as const;

const CONTAINER_PORT_FIELDS = ['name', 'hostPort', 'containerPort', 'protocol', 'hostIP'] as const;

export function readProtocol(m: RMap, key = 'protocol'): Protocol {
  const p = m.str(key);
  if (!p) return 'TCP';
  if ((PROTOCOLS as readonly string[]).includes(p.value)) return p.value as Protocol;
  const upper = p.value.toUpperCase();
  const hint = (PROTOCOLS as readonly string[]).includes(upper) ? ` (protocols are upper case: ${upper})` : '';
  m.ctx.sink.report(
    'invalid-field',
    'error',
    `${m.child(key)}: "${p.value}" is not a protocol; use TCP, UDP or SCTP${hint}.`,
    p.span,
  );
  return 'TCP';
}

export function readPodSpec(spec: RMap | undefined): PodSpecInfo {
  if (!spec)
    return {
      serviceAccount: 'default',
      hostNetwork: false,
      nodeSelector: {},
      tolerations: [],
      ports: [],
      args: [],
      containers: [],
    };
  const sa = spec.str('serviceAccountName') ?? spec.str('serviceAccount');
  const hostNetwork = spec.bool('hostNetwork')?.value ?? false;
  const nodeName = spec.str('nodeName')?.value;
  const nodeSelector = readLabels(spec, 'nodeSelector');
  const ports: ContainerPort[] = [];
  const args: Located<string>[] = [];
  const containerInfos: ContainerInfo[] = [];
  const containers = spec.seq('containers');
  if (!containers) spec.missing('containers', 'warning');
  for (const listKey of ['containers', 'initContainers']) {
    for (const c of spec.seq(listKey)?.maps() ?? []) {
      const nameField = c.str('name', { required: true });
      const cname = nameField?.value ?? '(unnamed)';
      const nameProblem = nameField && dnsLabelProblem(nameField.value, 'the container name (a DNS label)');
      if (nameProblem)
        c.ctx.sink.report('invalid-field', 'error', `${c.child('name')}: ${nameProblem}.`, nameField.span);
      // The API server requires an image (a workload's pod template too).
      c.missing('image');
      c.checkKeys(CONTAINER_FIELDS, 'a container');
      const commandLine = [...(c.strings('command') ?? []), ...(c.strings('args') ?? [])];
      args.push(...commandLine);
      containerInfos.push({
        name: cname,
        env: readEnv(c),
        envFrom: readEnvFrom(c),
        commandLine,
        init: listKey === 'initContainers',
      });
      const names = new Set<string>();
      for (const p of c.seq('ports')?.maps() ?? []) {
        p.checkKeys(CONTAINER_PORT_FIELDS, 'a container port');
        const cp = p.int('containerPort', { min: 1, max: 65535 });
        if (!p.has('containerPort')) p.missing('containerPort');
        const name = p.str('name');
        if (name) {
          const problem = portNameProblem(name.value);
          if (problem) p.ctx.sink.report('invalid-field', 'error', `${p.child('name')}: ${problem}.`, name.span);
          if (names.has(name.value))
            p.ctx.sink.report(
              'invalid-field',
              'error',
              `${p.child('name')}: port name "${name.value}" is used twice in container ${cname}.`,
              name.span,
            );
          names.add(name.value);
        }
        const protocol = readProtocol(p);
        if (cp) ports.push({ name: name?.value, containerPort: cp.value, protocol, container: cname, span: p.span });
      }
    }
  }
  const tolerations: Toleration[] = [];
  for (const t of spec.seq('tolerations')?.maps() ?? []) {
    const op = t.str('operator')?.value === 'Exists' ? 'Exists' : 'Equal';
    tolerations.push({
      key: t.str('key')?.value,
      operator: op,
      value: t.str('value')?.value,
      effect: t.str('effect')?.value,
    });
  }
  let requiredNodeAffinity: NodeSelectorRequirement[][] | undefined;
  const required = spec.map('affinity')?.map('nodeAffinity')?.map('requiredDuringSchedulingIgnoredDuringExecution');
  if (required) {
    requiredNodeAffinity = [];
    for (const term of required.seq('nodeSelectorTerms')?.maps() ?? []) {
      const reqs: NodeSelectorRequirement[] = [];
      for (const e of term.seq('matchExpressions')?.maps() ?? []) {
        const key = e.str('key');
        const operator = e.str('operator');
        if (key && operator)
          reqs.push({
            key: key.value,
            operator: operator.value,
            values: (e.strings('values') ?? []).map((v) => v.value),
          });
      }
      requiredNodeAffinity.push(reqs);
    }
  }
  return {
    serviceAccount: sa?.value ?? 'default',
    hostNetwork,
    nodeName,
    nodeSelector: nodeSelector?.value ?? {},
    nodeSelectorSpan: nodeSelector?.span,
    requiredNodeAffinity,
    tolerations,
    ports,
    args,
    containers: containerInfos,
  };
}

function readEnv(c: RMap): EnvVar[] {
  const out: EnvVar[] = [];
  for (const e of c.seq('env')?.maps() ?? []) {
    const name = e.str('name', { required: true });
    if (!name) continue;
    const ref = e.map('valueFrom')?.map('configMapKeyRef');
    const refName = ref?.str('name');
    const refKey = ref?.str('key');
    out.push({
      name,
      value: e.str('value'),
      configMapKeyRef: refName && refKey ? { name: refName, key: refKey } : undefined,
    });
  }
  return out;
}

function readEnvFrom(c: RMap): EnvFromConfigMap[] {
  const out: EnvFromConfigMap[] = [];
  for (const e of c.seq('envFrom')?.maps() ?? []) {
    const name = e.map('configMapRef')?.str('name');
    if (name) out.push({ name, prefix: e.str('prefix')?.value ?? '' });
  }
  return out;
}
