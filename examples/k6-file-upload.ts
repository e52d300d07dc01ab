/**
 * Ported from k6's documentation ("Multipart request: uploading a file"), plus a plain
 * urlencoded form, against httpbin's /post, which echoes the form fields and files it got:
 *
 *   npx rampart run examples/k6-file-upload.ts -e HTTPBIN=http://127.0.0.1:8080
 *
 * k6 (for comparison):
 *   const binFile = open('/path/to/file.bin', 'b');
 *   export default function () {
 *     const data = { field: 'this is a standard form field', file: http.file(binFile, 'test.bin') };
 *     const res = http.post('https://example.com/upload', data);
 *     sleep(3);
 *   }
 */
import { scenario, burst, check, env, file } from 'rampart';

// read once per thread, relative to this file (k6: open(path, 'b') in the init context)
const upload = file('./data/upload.txt', 'upload.txt', 'text/plain');
const FIELD = 'this is a standard form field';

export default scenario({
  name: 'k6 port: a form post with a file',
  target: env('HTTPBIN', 'http://127.0.0.1:8080'),
  stages: [burst({ vus: 2, iterations: 4 })],
  thresholds: { checks: ['rate==1'], http_req_failed: ['rate==0'] },
  async iteration(ctx) {
    const res = await ctx.http.post('/post', { multipart: { field: FIELD, file: upload }, name: 'upload' });
    const echo = res.json();
    check(res, {
      'upload 200': (r) => r.status === 200,
      'form field arrived': () => echo.form.field === FIELD,
      'file arrived whole': () => echo.files.file === 'rampart upload test\nline two\n',
    });

    // the same endpoint with an urlencoded form (k6: http.post(url, { user: 'alice' }))
    const form = await ctx.http.post('/post', { form: { user: 'alice', note: 'a b&c=d' }, name: 'form' });
    check(form, { 'urlencoded form arrived': (r) => r.json().form.user === 'alice' && r.json().form.note === 'a b&c=d' });
    await ctx.sleep('50ms'); // k6's example sleeps 3 s between uploads
  },
});
