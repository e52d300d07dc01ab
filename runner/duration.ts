// The runner's name for the one duration parser and formatter (shared/duration.ts), which the simulator uses too.
export { parseDuration, formatDuration } from '../shared/duration.js';
