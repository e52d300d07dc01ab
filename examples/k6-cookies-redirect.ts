/**
 * Ported from k6's documentation (the CookieJar example, written against httpbin): a "login"
 * that sets a cookie and redirects, the jar read and cleared from scenario code, and a redirect
 * followed with the jar travelling along. Run it against httpbin:
 *
 *   /usr/bin/python3 -m httpbin.core --host 127.0.0.1 --port 8080 &   # Debian's python3-httpbin
 *   npx rampart run examples/k6-cookies-redirect.ts -e HTTPBIN=http://127.0.0.1:8080
 * k6: http.get(`${BASE}/cookies/set?my_cookie=hello%20world`, { redirects: 0 }); then
 * http.cookieJar().cookiesForURL(`${BASE}/`).my_cookie holds the value.
 */
import { scenario, burst, check, env } from 'rampart';

export default scenario({
  name: 'k6 port: cookies and a redirect',
  target: env('HTTPBIN', 'http://127.0.0.1:8080'),
  stages: [burst({ vus: 2, iterations: 4 })],
  thresholds: {
    checks: ['rate==1'],
    // k6's most used threshold: only the responses that were expected
    'http_req_duration{expected_response:true}': ['p(95)<2000'],
  },
  async iteration(ctx) {
    // the "login": httpbin sets the cookie and answers 302; don't follow it this time (k6: redirects: 0)
    const login = await ctx.http.get('/cookies/set?my_cookie=hello%20world', { redirects: 0, name: 'login' });
    const jar = ctx.http.cookies.get('/');
    check(login, {
      'login answers 302': (r) => r.status === 302,
      "jar has cookie 'my_cookie'": () => jar.my_cookie === 'hello world',
    });

    // a second cookie, this time following the redirect to /cookies: each hop is its own sample
    const res = await ctx.http.get('/cookies/set?session=k6-port', { name: 'set session' });
    const seen = res.json().cookies;
    check(res, {
      'redirect followed to /cookies': (r) => r.status === 200 && new URL(r.url).pathname === '/cookies',
      'server saw both cookies': () => seen.my_cookie === 'hello world' && seen.session === 'k6-port',
    });

    // k6: jar.clear(url); rampart's jar is per VU and also starts empty at every iteration
    ctx.http.cookies.clear();
    const after = await ctx.http.get('/cookies', { name: 'after clear' });
    check(after, { "no cookie 'my_cookie' after clear": (r) => r.json().cookies.my_cookie === undefined });
  },
});
