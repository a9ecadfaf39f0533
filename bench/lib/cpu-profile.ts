/**
 * The main thread's CPU profile of one piece of work (node:inspector), grouped by where the time
 * went: a package under node_modules, a folder of src/ (or bench/, tests/), node: internals, the
 * WebAssembly (PGlite), the garbage collector. The bench uses it to say why a target was not met;
 * bench/profile.ts and bench/profile-apply.ts write whole profiles for `tsx bench/lib/profile-summary.ts`.
 */
import { Session } from 'node:inspector';

/** The part of the V8 CPU profile format read here. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self time by group, in milliseconds, idle left out. */
export interface Grouped {
  /** Milliseconds of CPU on the main thread (samples not idle). */
  readonly busyMs: number;
  readonly groups: ReadonlyMap<string, number>;
  /** Self time by function ("name group:line"), for the summary's second list. */
  readonly functions: ReadonlyMap<string, number>;
}

export function groupOf(callFrame: CpuProfile['nodes'][number]['callFrame']): string {
  const url = callFrame.url ?? '';
  if (!url) {
    const name = callFrame.functionName;
    return name ? `(${name.startsWith('(') ? name.slice(1, -1) : 'native'})` : '(anon)';
  }
  if (url.startsWith('wasm')) return 'wasm';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm?.[1]) return nm[1];
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const own = /\/(src|bench|packages|tests)\/([^/]+)/.exec(url);
  return own ? `${own[1]}/${own[2]}` : url;
}

export function groupProfile(profile: CpuProfile): Grouped {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i] as number);
    if (!node) continue;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const group = groupOf(node.callFrame);
    if (group === '(idle)') continue;
    busy += ms;
    groups.set(group, (groups.get(group) ?? 0) + ms);
    const fn = `${node.callFrame.functionName || '(anon)'} ${group}:${node.callFrame.lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + ms);
  }
  return { busyMs: busy, groups, functions };
}

const post = (session: Session, method: string, params?: object) =>
  new Promise<unknown>((resolve, reject) =>
    session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))),
  );

/** Runs `work` with the main thread's sampling profiler on (a sample every `intervalUs`); its result and the profile. */
export async function profiled<T>(
  work: () => Promise<T>,
  intervalUs = 500,
): Promise<{ value: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  try {
    await post(session, 'Profiler.enable');
    await post(session, 'Profiler.setSamplingInterval', { interval: intervalUs });
    await post(session, 'Profiler.start');
    let value: T | undefined;
    let failure: { error: unknown } | null = null;
    try {
      value = await work();
    } catch (error) {
      failure = { error };
    }
    // Stopped whatever happens, so a failed run leaves no profiler running.
    const { profile } = (await post(session, 'Profiler.stop')) as { profile: CpuProfile };
    if (failure) throw failure.error;
    return { value: value as T, profile };
  } finally {
    session.disconnect();
  }
}

/**
 * Where Concord's CPU per unit of work went beyond the reference's: the groups that cost it most
 * more, in milliseconds per unit, e.g. "main thread 2.6 ms a turn against 1.9 (echo): +0.31 wasm,
 * +0.2 @electric-sql/pglite, …".
 */
export function explainDifference(
  concord: Grouped,
  reference: Grouped,
  units: { concord: number; reference: number; unit: string; referenceName: string },
  top = 6,
): string {
  const per = (ms: number, n: number) => ms / Math.max(1, n);
  const names = new Set([...concord.groups.keys(), ...reference.groups.keys()]);
  const more = [...names]
    .map((name) => ({
      name,
      extra:
        per(concord.groups.get(name) ?? 0, units.concord) -
        per(reference.groups.get(name) ?? 0, units.reference),
    }))
    .filter((g) => g.extra > 0.005)
    .sort((a, b) => b.extra - a.extra)
    .slice(0, top);
  const fmt = (n: number) => n.toFixed(2);
  return (
    `main thread ${fmt(per(concord.busyMs, units.concord))} ms of CPU a ${units.unit} (under the profiler) against ` +
    `${fmt(per(reference.busyMs, units.reference))} (${units.referenceName}); the most of the difference: ` +
    more.map((g) => `+${fmt(g.extra)} ${g.name}`).join(', ')
  );
}

/** The top groups of one profile, in milliseconds per unit ("0.62 wasm, 0.31 kysely, …"). */
export function topGroups(grouped: Grouped, units: number, top = 6): string {
  return [...grouped.groups]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, ms]) => `${(ms / Math.max(1, units)).toFixed(2)} ${name}`)
    .join(', ');
}
