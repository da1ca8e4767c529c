import { join } from 'node:path';
import { ConfigError } from '../../util/errors.js';
import { writeFileAtomic, writeJsonl } from '../../util/fs.js';
import { log } from '../../util/progress.js';
import { DATA_DEFAULTS, readDataConfig } from '../../data/config.js';
import { runPipeline } from '../../data/pipeline.js';
import { renderHtml, renderText } from '../../data/render-report.js';
import { loadSources } from '../../data/sources.js';
import { parseFlags, type Command } from '../command.js';

export const command: Command = {
  name: 'data',
  summary: 'pretraining data: load corpora, dedup, filter, score quality, plan the mix, report',
  usage: `
Usage: llamats data prepare [--config FILE.json] [--out DIR]
       llamats data report  [--config FILE.json] [--json]

Runs the Llama 3 §3.1 data pipeline on the bundled corpora (Moby-Dick, State of the Union addresses, the
SpamAssassin mail corpus, TypeScript's lib.*.d.ts, generated math worksheets) or the sources in FILE.json
(user folders of .txt/.md/.jsonl included): MinHash document dedup, line dedup, heuristic filters, a
fastText-style quality classifier; then the domain mix. Known near-duplicates and junk are injected to
measure dedup recall/precision and what the filters catch; they never reach the output.

prepare  writes DIR/docs.jsonl (the kept documents), DIR/report.json, DIR/report.txt and DIR/report.html,
         and prints the report JSON on stdout (default DIR: runs/data).
report   prints the readable report (or with --json the report JSON) without writing files.

Config keys (all optional, paper defaults): sources, inject, minhash, lineDedup, heuristics, quality, mix,
annealing. See README "Data".`,
  async run(argv) {
    const { values, positionals } = parseFlags('data', argv, { config: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } });
    const sub = positionals[0];
    if (sub !== 'prepare' && sub !== 'report') throw new ConfigError('llamats data', 'subcommand', 'prepare or report', JSON.stringify(sub ?? ''));
    const config = values.config ? readDataConfig(values.config) : DATA_DEFAULTS;
    const t0 = performance.now();
    const corpus = loadSources(config.sources);
    log(`data: loaded ${corpus.length} documents in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const { docs, report } = runPipeline(corpus, config, { onStep: (name, s) => log(`data: ${name} ${s.toFixed(1)} s`) });
    if (sub === 'report') {
      process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : renderText(report));
      return 0;
    }
    const out = values.out ?? join('runs', 'data');
    writeJsonl(join(out, 'docs.jsonl'), docs.map((d) => ({ id: d.id, domain: d.domain, source: d.source, text: d.text, ...(d.meta?.quality !== undefined ? { quality: d.meta.quality } : {}) })));
    writeFileAtomic(join(out, 'report.json'), `${JSON.stringify(report, null, 1)}\n`);
    writeFileAtomic(join(out, 'report.txt'), renderText(report));
    writeFileAtomic(join(out, 'report.html'), renderHtml(report));
    log(`data: wrote ${docs.length} documents and the report to ${out}/`);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  },
};
