import type { Collector } from '../metrics/collector.js';
import type { SecretMask } from '../secrets.js';
import type { S3Helper, S3HelperOptions } from './client.js';

/**
 * ctx.s3 without paying for the AWS SDK in runs that never touch S3: the SDK is imported and
 * the pooled client created on the first operation. The credentials it resolves join the
 * run's `mask`, so a scenario that prints or sends them cannot leak them into any output.
 */
export function lazyS3Helper(
  options: S3HelperOptions,
  collector: Collector,
  env: Record<string, string | undefined> = process.env,
  mask?: SecretMask,
): S3Helper {
  let helper: S3Helper | undefined;
  let loading: Promise<S3Helper> | undefined;
  const create = async () => {
    const [{ createS3Helper }, { resolveS3Options, secretsOf }] = await Promise.all([import('./client.js'), import('./config.js')]);
    // endpoint, region and credentials also from -e and rampart.yaml env, not only the process environment
    const resolved = resolveS3Options(options, env);
    for (const secret of secretsOf(resolved)) mask?.add(secret);
    return (helper = createS3Helper({ ...options, ...resolved }, collector));
  };
  const load = () => (loading ??= create());
  return {
    put: async (...args) => (await load()).put(...args),
    get: async (...args) => (await load()).get(...args),
    head: async (...args) => (await load()).head(...args),
    delete: async (...args) => (await load()).delete(...args),
    headBucket: async (...args) => (await load()).headBucket(...args),
    get saturationEvents() {
      return helper?.saturationEvents ?? 0;
    },
    get maxSockets() {
      return helper?.maxSockets ?? options.maxSockets;
    },
    get inFlight() {
      return helper?.inFlight ?? 0;
    },
    close: async () => {
      if (loading) await (await loading).close();
    },
  };
}
