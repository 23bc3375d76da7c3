/** Command-line parsing: positional paths and `--flag value` options, with usage errors that say what was wrong. */

export class UsageError extends Error {}

export interface ParsedArgs {
  readonly command?: string;
  readonly paths: string[];
  readonly options: Map<string, string>;
  /** Values of repeatable options, in order. */
  readonly lists: Map<string, string[]>;
  readonly flags: Set<string>;
}

/** Options that take a value, and boolean flags, for each command. */
export interface CommandSpec {
  readonly options: readonly string[];
  /** Options that may be given several times (`--rule a=off --rule b=error`). */
  readonly repeatable?: readonly string[];
  readonly flags?: readonly string[];
}

export function parseArgs(argv: readonly string[], specs: Readonly<Record<string, CommandSpec>>): ParsedArgs {
  const [command, ...rest] = argv;
  const spec = command ? specs[command] : undefined;
  if (command && !spec && !command.startsWith('-'))
    throw new UsageError(`unknown command "${command}"; the commands are ${Object.keys(specs).join(', ')}`);
  const options = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const flags = new Set<string>();
  const paths: string[] = [];
  const repeatable = spec?.repeatable ?? [];
  const allowedOptions = [...(spec?.options ?? []), ...repeatable];
  const allowedFlags = [...(spec?.flags ?? []), 'help', 'version'];
  const args = spec ? rest : argv;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-h') {
      flags.add('help');
      continue;
    }
    if (!a.startsWith('--') || a === '--') {
      paths.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (allowedFlags.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags.add(name);
      continue;
    }
    if (!allowedOptions.includes(name)) {
      const known = [...allowedOptions, ...allowedFlags].map((o) => `--${o}`).join(', ');
      throw new UsageError(
        `unknown option --${name}${command && spec ? ` for "${command}"` : ''}; the options are ${known}`,
      );
    }
    let value: string | undefined;
    if (eq >= 0) value = a.slice(eq + 1);
    else {
      value = args[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      i++;
    }
    if (repeatable.includes(name)) {
      lists.set(name, [...(lists.get(name) ?? []), value]);
      continue;
    }
    if (options.has(name)) throw new UsageError(`--${name} is given twice`);
    options.set(name, value);
  }
  return { command: spec ? command : undefined, paths, options, lists, flags };
}

export function oneOf<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  const hit = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (!hit) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, not "${value}"`);
  return hit;
}

export function portNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535)
    throw new UsageError(`--${name} must be a port number from 1 to 65535, not "${value}"`);
  return Number(value);
}
