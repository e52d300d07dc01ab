/**
 * Upload an input to S3, then call the endpoint with its key: the field report's client,
 * whose first bottleneck was its own S3 connection pool. ctx.s3's pool is sized to the
 * run's peak concurrency; any wait for a socket is counted in s3_pool_saturated.
 *
 * Where S3 is (from the environment, -e pairs or rampart.yaml env:):
 *   AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL   e.g. http://127.0.0.1:4568 (omit for AWS itself)
 *   AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY  (+ AWS_SESSION_TOKEN), else the SDK's chain
 *   AWS_REGION                                 default us-east-1
 * or in rampart.yaml:  s3: { endpoint: http://127.0.0.1:4568, region: us-east-1, forcePathStyle: true }
 * (the scenario's own `s3:` field wins over rampart.yaml; keep credentials out of files).
 *
 *   npx s3rver -d /tmp/s3 --configure-bucket rampart-inputs      # a local S3 on port 4568
 *   rampart simulate --port 8080 --time-scale 0.01
 *   AWS_ENDPOINT_URL=http://127.0.0.1:4568 AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER \
 *     rampart run examples/s3-upload.ts
 */
import { scenario, burst, check, env } from 'rampart';

const BUCKET = env('BUCKET', 'rampart-inputs');

export default scenario({
  name: 's3-upload-then-run',
  target: env('TARGET', 'http://127.0.0.1:8080'),
  stages: [burst({ vus: 10, iterations: 20 })],
  thresholds: { s3_op_failed: ['rate==0'], s3_pool_saturated: ['count==0'], http_req_failed: ['rate<0.2'] },
  async iteration(ctx) {
    const key = `inputs/${ctx.vu}-${ctx.iteration}.json`;
    const put = await ctx.s3.put(BUCKET, key, JSON.stringify({ prompt: 'a lighthouse at dusk' }), { name: 'input' });
    if (!check(put, { 'input uploaded': (p) => p.ok })) return; // put.error.kind says why
    const res = await ctx.http.post('/run', { json: { input: { s3_bucket: BUCKET, s3_key: key } }, name: 'run' });
    check(res, { 'status is 200': (r) => r.status === 200 });
  },
});
