/** The bootstrap's defaults, apart from compare.ts so that the compare command's flags load without the HDR library. */
export const DEFAULT_SEED = 1;
export const DEFAULT_RESAMPLES = 1000;
