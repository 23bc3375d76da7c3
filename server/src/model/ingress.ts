/**
 * Ingress (networking.k8s.io/v1, and the older extensions / networking v1beta1
 * shape): the Services its backends name. The ingress controller's pods are the
 * clients of those backends, so dependency inference reads them.
 */
import type { Located, Span } from '../common/source';
import type { RMap } from '../yaml/yaml-reader';
import type { ReadMeta } from './meta';
import type { ObjectMeta } from './kubernetes';

export interface IngressBackend {
  readonly service: Located<string>;
  /** The Service port, by number or name; absent when the manifest leaves it out. */
  readonly port?: Located<number | string>;
  /** The backend object. */
  readonly span: Span;
}

export interface Ingress {
  readonly meta: ObjectMeta & { readonly namespace: string };
  readonly className?: Located<string>;
  readonly backends: readonly IngressBackend[];
}

function readBackend(b: RMap | undefined): IngressBackend | undefined {
  if (!b) return undefined;
  const svc = b.map('service');
  if (svc) {
    const name = svc.str('name', { required: true });
    const port = svc.map('port');
    const number = port?.int('number', { min: 1, max: 65535 });
    const named = port?.str('name');
    if (!name) return undefined;
    return { service: name, port: number ?? named, span: b.span };
  }
  // extensions/v1beta1, networking.k8s.io/v1beta1
  const legacyName = b.str('serviceName');
  if (!legacyName) return undefined;
  return { service: legacyName, port: b.intOrString('servicePort'), span: b.span };
}

export function readIngress(obj: RMap, meta: ReadMeta): Ingress {
  const spec = obj.map('spec');
  const backends: IngressBackend[] = [];
  const def = readBackend(spec?.map('defaultBackend') ?? spec?.map('backend'));
  if (def) backends.push(def);
  for (const rule of spec?.seq('rules')?.maps() ?? [])
    for (const path of rule.map('http')?.seq('paths')?.maps() ?? []) {
      const b = readBackend(path.map('backend'));
      if (b) backends.push(b);
    }
  const className = spec?.str('ingressClassName');
  return { meta: { ...meta, namespace: meta.namespace ?? 'default' }, className, backends };
}
