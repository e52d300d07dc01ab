// The floor under rampart's own request path: undici's dispatch API with an empty handler (what
// runner/http/exchange.ts builds on), no response body object, no metrics, no scenario.
//   node bench/undici-dispatch-loop.mjs URL SECONDS CONNECTIONS → prints {"rps": N, "done": N}
import { Agent } from 'undici';

const [url, seconds = '10', connections = '50'] = process.argv.slice(2);
const agent = new Agent({ connections: Number(connections) });
const { origin, pathname } = new URL(url);
let done = 0;
const end = performance.now() + Number(seconds) * 1000;
const handler = (resolve) => ({
  onConnect() {},
  onHeaders: () => true,
  onData: () => true,
  onComplete: resolve,
  onError: resolve,
});
const once = () =>
  new Promise((resolve) => agent.dispatch({ origin, path: pathname, method: 'GET', headers: { 'user-agent': 'bench' } }, handler(resolve)));
async function loop() {
  while (performance.now() < end) {
    await once();
    done++;
  }
}
await Promise.all(Array.from({ length: Number(connections) }, loop));
console.log(JSON.stringify({ rps: done / Number(seconds), done }));
await agent.close();
