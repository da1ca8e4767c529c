// Writes a world's datasets to a folder: prompts, SFT demonstrations in four styles, the LIMA pair, preference
// pairs (helpfulness and safety, train and held-out), GAtt dialogues and the pretraining corpus, plus
// manifest.json (format name + version, seed, config, counts) and DATASETS.md (the schemas).
import { join } from 'node:path';
import { writeFileAtomic, writeJsonl } from '../../util/fs.js';
import { Progress } from '../../util/progress.js';
import type { Family } from './types.js';
import type { World } from './world.js';
import { DEFAULT_ANNOTATOR, type AnnotatorConfig } from './annotator.js';
import { alpacaExample, curatedSet, noisyDemonstrations, orcaExample, sftExample, shareGptConversation } from './styles.js';
import { rngFor } from './seeded.js';
import { WORLD_FORMAT } from './formats.js';
import { DATASETS_MD } from './datasets-doc.js';

export interface DatasetCounts {
  train: number;
  heldout: number;
  /** A separate held-out safety set (unsafe + borderline) for violation / false-refusal rates (Llama 2 §4.4). */
  heldoutSafety: number;
  /** Share of train / held-out prompts (of facts, arithmetic, lists) that carry a system constraint. */
  systemRate: number;
  helpfulPairs: number;
  safetyPairs: number;
  heldoutPairs: number;
  dialogues: number;
  heldoutDialogues: number;
  dialogueTurns: number;
  sharegptChats: number;
  limaCurated: number;
  /** LIMA's contrast: this many demonstrations, of which `limaNoise` are degraded. */
  limaNoisy: number;
  limaNoise: number;
  corpusDocs: number;
}

export const DATASET_SIZES: Record<'small' | 'default', DatasetCounts> = {
  small: { train: 1000, heldout: 300, heldoutSafety: 200, systemRate: 0.1, helpfulPairs: 600, safetyPairs: 300, heldoutPairs: 200, dialogues: 40, heldoutDialogues: 20, dialogueTurns: 20, sharegptChats: 100, limaCurated: 200, limaNoisy: 2000, limaNoise: 0.3, corpusDocs: 1200 },
  default: { train: 5000, heldout: 1000, heldoutSafety: 1000, systemRate: 0.1, helpfulPairs: 4000, safetyPairs: 2000, heldoutPairs: 1000, dialogues: 200, heldoutDialogues: 100, dialogueTurns: 20, sharegptChats: 500, limaCurated: 1000, limaNoisy: 10000, limaNoise: 0.3, corpusDocs: 3000 },
};

export interface Manifest {
  format: typeof WORLD_FORMAT.name;
  version: number;
  seed: number;
  config: World['config'];
  counts: DatasetCounts;
  /** file name → number of records (documents for corpus.txt). */
  files: Record<string, number>;
}

/** `quiet` silences the progress bar (default: LLAMATS_QUIET). */
export function writeDatasets(world: World, dir: string, counts: DatasetCounts, annotator: AnnotatorConfig = DEFAULT_ANNOTATOR, quiet?: boolean): Manifest {
  const files: Record<string, number> = {};
  const steps = 15;
  const bar = new Progress('world generate', steps, quiet === undefined ? { unit: 'file' } : { unit: 'file', quiet });
  const put = (name: string, rows: readonly unknown[], asJsonArray = false) => {
    if (asJsonArray) writeFileAtomic(join(dir, name), `${JSON.stringify(rows, null, 1)}\n`);
    else writeJsonl(join(dir, name), rows);
    files[name] = rows.length;
    bar.tick(1, name);
  };
  const seed = world.config.seed;
  // Llama 2 §3.2.1: helpfulness pairs on ordinary prompts, safety pairs on unsafe and borderline ones.
  const noSafety: Record<Family, number> = { ...world.config.mix, safety: 0 };
  const sys = { systemRate: counts.systemRate };

  const train = world.sample('train', counts.train, sys);
  const heldout = world.sample('heldout', counts.heldout, sys);
  put('prompts_train.jsonl', train);
  put('prompts_heldout.jsonl', heldout);
  put('prompts_heldout_safety.jsonl', world.sample('heldout', counts.heldoutSafety, { stream: 'safety-eval', mix: { safety: 1 } }));

  put('sft.jsonl', train.map((p) => sftExample(p)));
  const orcaRng = rngFor(seed, 'orca');
  put('sft_orca.jsonl', train.map((p) => orcaExample(p, orcaRng)));
  put('alpaca.json', train.map(alpacaExample), true);
  const chats = world.sample('train', counts.sharegptChats * 3, { stream: 'sharegpt' });
  const chatRng = rngFor(seed, 'sharegpt');
  const conversations = [];
  for (let i = 0, at = 0; i < counts.sharegptChats; i++) {
    const k = 2 + chatRng.int(2);
    conversations.push(shareGptConversation(`sharegpt-${String(i).padStart(5, '0')}`, chats.slice(at, at + k)));
    at += k;
  }
  put('sharegpt.json', conversations, true);

  put('lima_curated.jsonl', curatedSet(train, counts.limaCurated).map((p) => sftExample(p)));
  const limaPrompts = world.sample('train', counts.limaNoisy, { stream: 'lima', ...sys });
  put('lima_noisy.jsonl', noisyDemonstrations(world.kb, limaPrompts, counts.limaNoise, rngFor(seed, 'lima-noise')));

  const pairs = (split: 'train' | 'heldout', kind: 'helpfulness' | 'safety', n: number) =>
    world.preferencePairs(world.sample(split, n, { stream: `pref-${kind}`, ...(kind === 'safety' ? { mix: { safety: 1 } } : { mix: noSafety, ...sys }) }), rngFor(seed, `annotate|${split}|${kind}`), annotator, kind);
  put('preferences_helpful.jsonl', pairs('train', 'helpfulness', counts.helpfulPairs));
  put('preferences_safety.jsonl', pairs('train', 'safety', counts.safetyPairs));
  put('preferences_heldout.jsonl', [...pairs('heldout', 'helpfulness', counts.heldoutPairs), ...pairs('heldout', 'safety', Math.round(counts.heldoutPairs / 2))]);

  put('dialogues_gatt.jsonl', world.dialogues('train', counts.dialogues, { turns: counts.dialogueTurns }));
  put('dialogues_gatt_heldout.jsonl', world.dialogues('heldout', counts.heldoutDialogues, { turns: counts.dialogueTurns }));

  const corpus = world.corpus(counts.corpusDocs);
  writeFileAtomic(join(dir, 'corpus.txt'), `${corpus.join('\n\n')}\n`);
  files['corpus.txt'] = corpus.length;
  bar.tick(1, 'corpus.txt');

  const manifest: Manifest = { format: WORLD_FORMAT.name, version: WORLD_FORMAT.version, seed, config: world.config, counts, files };
  writeFileAtomic(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileAtomic(join(dir, 'DATASETS.md'), DATASETS_MD);
  bar.finish();
  return manifest;
}
