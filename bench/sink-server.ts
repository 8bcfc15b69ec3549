// The delivery sink: keep-alive node:http that answers 200 at once and notes when each event
// arrived (GET /arrivals returns them, GET /count how many events came), for received→delivered
// latency and for seeing the end of a run without querying the gateway's database.
import { createServer } from 'node:http';

const arrivals: Record<string, number> = {};
let count = 0;
const server = createServer((req, res) => {
  if (req.method === 'GET' && (req.url === '/arrivals' || req.url === '/count')) {
    const body = JSON.stringify(req.url === '/count' ? count : arrivals);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
    return;
  }
  const id = req.headers['x-hookgate-event-id'];
  if (typeof id === 'string') {
    if (arrivals[id] === undefined) count += 1;
    arrivals[id] = performance.timeOrigin + performance.now();
  }
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 });
    res.end('{}');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object')
    process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`);
});
