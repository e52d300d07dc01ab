import { Agent } from 'undici';
const [url, seconds = '10', connections = '50'] = process.argv.slice(2);
const agent = new Agent({ connections: Number(connections) });
const { origin, pathname } = new URL(url);
let done = 0;
const end = performance.now() + Number(seconds) * 1000;
function once() {
  return new Promise((resolve) => {
    agent.dispatch(
      { origin, path: pathname, method: 'GET', headers: { 'user-agent': 'x' } },
      {
        onConnect() {},
        onHeaders() {
          return true;
        },
        onData() {
          return true;
        },
        onComplete() {
          resolve();
        },
        onError(e) {
          resolve();
        },
      },
    );
  });
}
async function loop() {
  while (performance.now() < end) {
    await once();
    done++;
  }
}
await Promise.all(Array.from({ length: Number(connections) }, loop));
console.log(JSON.stringify({ rps: done / Number(seconds), done }));
await agent.close();
