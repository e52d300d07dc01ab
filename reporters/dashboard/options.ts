import { UsageError } from '../../runner/errors.js';

// Apart from server.ts so that reading --out dashboard loads no page, chart or server code.

export const DEFAULT_DASHBOARD_PORT = 5665;

/** '--dashboard' / '--dashboard 8080' / 'dashboard=8080,open'. */
export function parseDashboard(value: string | undefined): { port: number; open: boolean } {
  const parts = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const open = parts.includes('open');
  const port = parts.filter((p) => p !== 'open');
  if (port.length > 1 || (port[0] !== undefined && !/^\d{1,5}$/.test(port[0])) || Number(port[0] ?? 0) > 65535) {
    throw new UsageError(
      `--dashboard '${value}': expected a port number such as 5665 (0 for any free port); put --dashboard after the scenario or write --dashboard=PORT`,
    );
  }
  return { port: port[0] === undefined ? DEFAULT_DASHBOARD_PORT : Number(port[0]), open };
}
