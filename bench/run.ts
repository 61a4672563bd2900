// Benchmark runner: `npm run bench` runs every area, `npm run bench -- ingest` one. Add an area with one map entry.

/** A benchmark module exports `run()`, which prints and returns its Markdown result. */
interface BenchModule {
  run: () => string | Promise<string>;
}

/** Area name → module. Each area records its figures in its BENCHMARKS.md section. */
export const BENCHES: Record<string, () => Promise<BenchModule>> = {
  ingest: async () => ({ run: (await import('./ingest.js')).run.bind(null, 'sqlite') }),
  'ingest-pg': async () => ({ run: (await import('./ingest.js')).run.bind(null, 'postgres') }),
  polling: () => import('./polling.js'),
  fleet: () => import('./fleet.js'),
  'spec-diff': () => import('./spec-diff.js'),
  alerts: () => import('./alerts.js'),
  'quiet-mail': () => import('./quiet-mail.js'),
  detection: () => import('./detection/index.js'),
  segments: () => import('./detection/segments.js'),
  'cold-start': () => import('./cold-start.js'),
  advise: () => import('./advise.js'),
  'advise-labelled': () => import('./advise-labelled.js'),
  dashboard: () => import('./dashboard.js'),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !(w in BENCHES));
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHES)) {
    console.log(`\n## ${name}\n`);
    const mod = await BENCHES[name]!();
    await mod.run();
  }
}

await main();
