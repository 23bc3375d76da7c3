/**
 * The snapshot's Services by namespace, indexed once per compile: Calico rules' `services`
 * matches (and their validation) looked each Service up by scanning every Service, which grew
 * with rules x Services.
 */
import type { Service } from '../model/kubernetes';

export class ServiceIndex {
  /** namespace -> its Services, in the snapshot's order. */
  private readonly byNamespace = new Map<string, Service[]>();

  constructor(services: readonly Service[]) {
    for (const s of services) {
      const ns = s.meta.namespace;
      if (ns === undefined) continue;
      const list = this.byNamespace.get(ns);
      if (list) list.push(s);
      else this.byNamespace.set(ns, [s]);
    }
  }

  /** The first Service (in the snapshot's order) named `name` in `namespace`. */
  named(namespace: string, name: string): Service | undefined {
    return this.byNamespace.get(namespace)?.find((s) => s.meta.name === name);
  }

  /** The names of the Services in `namespace`, in the snapshot's order. */
  namesIn(namespace: string): string[] {
    return (this.byNamespace.get(namespace) ?? []).map((s) => s.meta.name);
  }
}
