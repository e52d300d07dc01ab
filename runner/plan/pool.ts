/**
 * Connections per origin (issue 10, defect 5). By default each VU of the plan's pool may have
 * IN_FLIGHT_PER_VU requests in flight per origin, as k6 (batchPerHost) and browsers allow, so a
 * VU that fans out (Promise.all) does not queue inside rampart. `http.connections` is the pool, exactly.
 */
export const IN_FLIGHT_PER_VU = 6;

export interface PoolSettings {
  /** what warm-up opens and the S3 pool holds: http.connections, else the plan's pool size (one per VU) */
  connections: number;
  /** the HTTP pool holds connections × this: IN_FLIGHT_PER_VU by default, 1 with http.connections */
  inFlightPerVu?: number;
}

export function poolSettings(explicit: number | undefined, planned: number): Required<PoolSettings> {
  return explicit === undefined ? { connections: planned, inFlightPerVu: IN_FLIGHT_PER_VU } : { connections: explicit, inFlightPerVu: 1 };
}

/** The HTTP pool per origin: what undici's Agent holds and meta.connectionsPerOrigin reports. */
export function poolLimit(s: PoolSettings): number {
  return Math.max(1, s.connections) * (s.inFlightPerVu ?? 1);
}
