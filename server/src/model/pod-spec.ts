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
const CONTAINER_LISTS = ['containers', 'initContainers'] as const;
/** A port number's range, as the readers check it. */
export const PORT_RANGE = { min: 1, max: 65535 } as const;
const NO_MAPS: readonly RMap[] = [];

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
  for (const listKey of CONTAINER_LISTS) {
    // `containers` when it is a list; else read again, for the same finding again as before.
    const list = listKey === 'containers' && containers ? containers : spec.seq(listKey);
    const cs = list?.maps();
    for (let ci = 0; cs && ci < cs.length; ci++) {
      const c = cs[ci];
      const nameField = c.str('name', { required: true });
      const cname = nameField?.value ?? '(unnamed)';
      const nameProblem = nameField && dnsLabelProblem(nameField.value, 'the container name (a DNS label)');
      if (nameProblem)
        c.ctx.sink.report('invalid-field', 'error', `${c.child('name')}: ${nameProblem}.`, nameField.span);
      // The API server requires an image (a workload's pod template too).
      c.missing('image');
      c.checkKeys(CONTAINER_FIELDS, 'a container');
      const command = c.strings('command');
      const commandArgs = c.strings('args');
      const commandLine = command ? (commandArgs ? command.concat(commandArgs) : command) : (commandArgs ?? []);
      for (let k = 0; k < commandLine.length; k++) args.push(commandLine[k]);
      containerInfos.push({
        name: cname,
        env: readEnv(c),
        envFrom: readEnvFrom(c),
        commandLine,
        init: listKey === 'initContainers',
      });
      const portMaps = c.seq('ports')?.maps();
      if (!portMaps) continue;
      const names = new Set<string>();
      for (let pi = 0; pi < portMaps.length; pi++) {
        const p = portMaps[pi];
        p.checkKeys(CONTAINER_PORT_FIELDS, 'a container port');
        const cp = p.int('containerPort', PORT_RANGE);
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
  const tolerationMaps = spec.seq('tolerations')?.maps() ?? NO_MAPS;
  for (let i = 0; i < tolerationMaps.length; i++) {
    const t = tolerationMaps[i];
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
  const maps = c.seq('env')?.maps() ?? NO_MAPS;
  for (let i = 0; i < maps.length; i++) {
    const e = maps[i];
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
  const maps = c.seq('envFrom')?.maps() ?? NO_MAPS;
  for (let i = 0; i < maps.length; i++) {
    const e = maps[i];
    const name = e.map('configMapRef')?.str('name');
    if (name) out.push({ name, prefix: e.str('prefix')?.value ?? '' });
  }
  return out;
}
