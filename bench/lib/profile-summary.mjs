/**
 * `node bench/lib/profile-summary.mjs FILE.cpuprofile [N]`: self time by package (node_modules/<pkg>,
 * or src/<folder>, node: internals, wasm, GC) and the top N functions. For bench/profile.ts.
 */
import { readFileSync } from 'node:fs';

const [file, top = '30'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const groupOf = (cf) => {
  const url = cf.url ?? '';
  if (!url)
    return cf.functionName ? `(${cf.functionName.startsWith('(') ? cf.functionName : 'native'})` : '(anon)';
  if (url.startsWith('wasm')) return 'wasm';
  const nm = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (nm) return nm[1];
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const src = url.match(/\/(src|bench|packages|tests)\/([^/]+)/);
  return src ? `${src[1]}/${src[2]}` : url;
};
const groups = new Map();
const fns = new Map();
for (const [id, t] of self) {
  const cf = byId.get(id).callFrame;
  const g = groupOf(cf);
  groups.set(g, (groups.get(g) ?? 0) + t);
  const f = `${cf.functionName || '(anon)'} ${g}:${cf.lineNumber + 1}`;
  fns.set(f, (fns.get(f) ?? 0) + t);
}
const pct = (t) => `${((100 * t) / total).toFixed(1)}%`.padStart(6);
console.log(`total ${(total / 1000).toFixed(0)} ms sampled`);
for (const [g, t] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(pct(t), g);
console.log('--');
for (const [f, t] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) console.log(pct(t), f);
