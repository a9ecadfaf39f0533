/**
 * The bench's load generator, in a worker thread of its own so that the requests it sends and the
 * times it reads are not held up by the server under test (which shares the main thread).
 *
 * Messages in: { job: 'turns', url, serviceUrl, mode: 'sequential' | 'concurrent', turn, count,
 * conversations }, { job: 'burst', url, perSecond, total, subscriptions, runId } (one notification
 * a request, for the subscriptions in turn) or { job: 'get', url, path, headers, count, listKey,
 * listLength } (GETs one after another; a failure unless the answer's JSON has listLength items at
 * listKey). Out: { samples: number[], seconds: number, failures:
 * number, healthz?: number[], sendSeconds?: number }.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'undici';

let seq = 0;
const pools = new Map();
const poolFor = (url, connections) => {
  const key = `${url}#${connections}`;
  if (!pools.has(key)) pools.set(key, new Pool(url, { connections, keepAliveTimeout: 30_000 }));
  return pools.get(key);
};

function activityFor(spec, serviceUrl, c) {
  seq += 1;
  const base = {
    id: `act-${workerData?.name ?? 'w'}-${seq}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: `${spec.userPrefix}${c}`, name: 'Bench user' },
    recipient: { id: 'concord-bot', name: 'Concord' },
    conversation: { id: `bench-conv-${c}`, conversationType: 'personal' },
    locale: 'en-GB',
  };
  if (spec.kind === 'text') return { ...base, type: 'message', text: spec.text };
  return {
    ...base,
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb: spec.verb, data: spec.data ?? {} } },
  };
}

async function post(pool, path, body) {
  const t = performance.now();
  const res = await pool.request({
    path,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  await res.body.text();
  return { ms: performance.now() - t, status: res.statusCode };
}

async function turns(msg) {
  const pool = poolFor(msg.url, 64);
  const samples = [];
  let failures = 0;
  const start = performance.now();
  const loop = async (c, n) => {
    for (let i = 0; i < n; i++) {
      const r = await post(pool, '/api/messages', JSON.stringify(activityFor(msg.turn, msg.serviceUrl, c)));
      samples.push(r.ms);
      if (r.status >= 300) failures++;
    }
  };
  if (msg.mode === 'sequential') await loop(0, msg.count);
  else await Promise.all(Array.from({ length: msg.conversations }, (_, c) => loop(c, msg.count)));
  return { samples, failures, seconds: (performance.now() - start) / 1000 };
}

async function gets(msg) {
  const pool = poolFor(msg.url, 1);
  const samples = [];
  let failures = 0;
  const start = performance.now();
  for (let i = 0; i < msg.count; i++) {
    const t = performance.now();
    const res = await pool.request({ path: msg.path, method: 'GET', headers: msg.headers });
    const body = await res.body.json().catch(() => null);
    samples.push(performance.now() - t);
    if (res.statusCode >= 300 || body?.[msg.listKey]?.length !== msg.listLength) failures++;
  }
  return { samples, failures, seconds: (performance.now() - start) / 1000 };
}

async function burst(msg) {
  const pool = poolFor(msg.url, 256);
  const health = poolFor(msg.url, 1);
  const samples = [];
  const healthz = [];
  let failures = 0;
  let probing = true;
  const probe = (async () => {
    while (probing) {
      const t = performance.now();
      const res = await health.request({ path: '/healthz', method: 'GET' });
      await res.body.text();
      healthz.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const sent = [];
  const start = performance.now();
  let i = 0;
  await new Promise((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(msg.total, Math.floor(((performance.now() - start) / 1000) * msg.perSecond));
      while (i < due) {
        const item = msg.items(i);
        sent.push(
          post(pool, '/api/graph/notifications', JSON.stringify({ value: [item] })).then((r) => {
            samples.push(r.ms);
            if (r.status !== 202) failures++;
          }),
        );
        i++;
      }
      if (i >= msg.total) {
        clearInterval(tick);
        resolve();
      }
    }, 2);
  });
  const sendSeconds = (performance.now() - start) / 1000;
  await Promise.all(sent);
  const seconds = (performance.now() - start) / 1000;
  probing = false;
  await probe;
  return { samples, failures, seconds, sendSeconds, healthz };
}

parentPort.on('message', async (msg) => {
  try {
    if (msg.job === 'burst') {
      const subs = msg.subscriptions;
      msg.items = (i) => {
        const sub = subs[i % subs.length];
        const id = `bench-message-${msg.runId}-${i}`;
        return {
          subscriptionId: sub.id,
          clientState: sub.clientState,
          changeType: 'created',
          resource: `Users/${sub.mailboxId}/Messages/${id}`,
          resourceData: { '@odata.type': '#Microsoft.Graph.Message', id },
          tenantId: 'bench',
        };
      };
      parentPort.postMessage(await burst(msg));
    } else if (msg.job === 'get') parentPort.postMessage(await gets(msg));
    else parentPort.postMessage(await turns(msg));
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
});
