/**
 * What a file holds, decided by its name: Kubernetes manifests (*.yaml,
 * *.yml, or any file named explicitly) or one of flannel's own files.
 *
 * flannel's own files serve clusters that keep flannel's
 * state in etcd: `net-conf.json` (the network configuration, as stored under
 * `/coreos.com/network/config`) and `flannel-leases.txt` / `flannel-leases.json`
 * (an export of the subnet leases: `etcdctl get --prefix
 * /coreos.com/network/subnets/` output, its `-w json` form, or a hand-written
 * list). A prefix such as `prod.net-conf.json` or `prod-flannel-leases.txt`
 * is allowed, so several environments can sit side by side.
 */
import { basename } from 'node:path';

export const MANIFEST_EXTENSIONS = ['.yaml', '.yml'];

export type SourceRole = 'manifest' | 'flannel-net-conf' | 'flannel-leases' | 'project-config';

/** The project file at the workspace root (lint/project-config.ts reads it). */
export const PROJECT_CONFIG_FILE = '.netpol.yaml';

const NET_CONF = /^(?:.+[.-])?net-conf\.json$/i;
const LEASES = /^(?:.+[.-])?flannel-leases\.(?:txt|json)$/i;

export function sourceRole(path: string): SourceRole {
  const name = basename(path.replace(/\\/g, '/'));
  if (NET_CONF.test(name)) return 'flannel-net-conf';
  if (LEASES.test(name)) return 'flannel-leases';
  if (name === PROJECT_CONFIG_FILE) return 'project-config';
  return 'manifest';
}

/** True for the files a folder search picks up: manifests by extension, flannel's files by name (not the project file). */
export function isWorkspaceSource(path: string): boolean {
  const role = sourceRole(path);
  if (role === 'project-config') return false;
  return role !== 'manifest' || MANIFEST_EXTENSIONS.some((x) => path.toLowerCase().endsWith(x));
}
