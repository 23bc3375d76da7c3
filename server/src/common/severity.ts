/** How serious a finding is, as LSP diagnostics, SARIF levels and `--fail-on` rank them. */
export type Severity = 'error' | 'warning' | 'info' | 'hint';

export const severityRank: Record<Severity, number> = { error: 3, warning: 2, info: 1, hint: 0 };
