import type { ClosedBurst, ClosedRamp, ClosedSoak, Duration, OpenBurst, OpenRamp, OpenSoak, Pause, Sweep } from './types.js';

type Without<T> = Omit<T, 'kind'>;

/** Ramp VUs (`{ to, over }`) or the arrival rate (`{ rate, over, maxVUs }`) linearly from the previous stage's level. */
export function ramp(options: Without<ClosedRamp>): ClosedRamp;
export function ramp(options: Without<OpenRamp>): OpenRamp;
export function ramp(options: Without<ClosedRamp> | Without<OpenRamp>): ClosedRamp | OpenRamp {
  return { kind: 'ramp', ...options } as ClosedRamp | OpenRamp;
}

/** Hold `vus` VUs (`{ vus, for }`) or an arrival rate (`{ rate, for, maxVUs }`). */
export function soak(options: Without<ClosedSoak>): ClosedSoak;
export function soak(options: Without<OpenSoak>): OpenSoak;
export function soak(options: Without<ClosedSoak> | Without<OpenSoak>): ClosedSoak | OpenSoak {
  return { kind: 'soak', ...options } as ClosedSoak | OpenSoak;
}

/** Start everything at once: `{ vus, iterations }` (closed) or `{ iterations, maxVUs }` (open). */
export function burst(options: Without<ClosedBurst>): ClosedBurst;
export function burst(options: Without<OpenBurst>): OpenBurst;
export function burst(options: Without<ClosedBurst> | Without<OpenBurst>): ClosedBurst | OpenBurst {
  return { kind: 'burst', ...options } as ClosedBurst | OpenBurst;
}

/** No load for a while. */
export function pause(duration: Duration): Pause {
  return { kind: 'pause', for: duration };
}

/** Capacity search: the arrival rate climbs from `from` to `to` in `steps` steps of `each`; the report names the highest rate that held. */
export function sweep(options: Without<Sweep>): Sweep {
  return { kind: 'sweep', ...options };
}
