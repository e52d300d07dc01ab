// The floor under rampart: a bare undici request() loop with no metrics, no checks, no
// scenario. node bench/undici-loop.mjs URL SECONDS CONNECTIONS → prints {"rps": N} as JSON.
import { Agent } from 'undici';

const [url, seconds = '10', connections = '50'] = process.argv.slice(2);
const agent = new Agent({ connections: Number(connections) });
const { origin, pathname } = new URL(url);
let done = 0;
const end = performance.now() + Number(seconds) * 1000;
async function loop() {
  while (performance.now() < end) {
    const res = await agent.request({ origin, path: pathname, method: 'GET' });
    await res.body.text();
    done++;
  }
}
await Promise.all(Array.from({ length: Number(connections) }, loop));
console.log(JSON.stringify({ rps: done / Number(seconds) }));
await agent.close();
