// `llamats gatt --config FILE.json`: Ghost Attention (Llama 2 §3.3) on a checkpoint — adherence of the start, a
// no-GAtt control fine-tuned on the same dialogues, the GAtt fine-tuning (SFT stage on rows whose loss is on the
// last answer only), adherence after. Writes OUT/model.gguf (with the stage's context), adherence.jsonl,
// gatt-adherence.svg, the SFT metrics (control/ for the control) and summary.json.
import { z } from 'zod';
import { maskedSequence } from './data/sequence.js';
import { SftStageSchema, sftStage, type SftResult } from './sft.js';
import { GattStageSchema, gattStage, type AdherenceRow, type GattResult } from './gatt.js';
import { parseStageConfig, readStageConfig } from './stage-config.js';
import { loadPolicy, saveModel, TEMPLATE, worldOf, writeSummary } from './run-common.js';

export const GattRunSchema = z.strictObject({
  out: z.string().min(1),
  policy: z.string().min(1),
  world: z.record(z.string(), z.unknown()).default({}),
  template: TEMPLATE,
  data: z.strictObject({
    /** Training dialogues (split train) and held-out dialogues for the adherence curves. */
    dialogues: z.number().int().min(1).default(200),
    heldout: z.number().int().min(1).default(40),
    maxConstraints: z.number().int().min(1).default(2),
  }).prefault({}),
  stage: GattStageSchema.prefault({}),
  /** Fine-tuning (Llama 2 trains GAtt data like rejection-sampling data: the SFT stage). */
  sft: SftStageSchema.prefault({}),
});
export type GattRunConfig = z.infer<typeof GattRunSchema>;
export const parseGattRun = (json: unknown, source = 'gatt config'): GattRunConfig => parseStageConfig(GattRunSchema, json, source);
export const readGattRun = (path: string): GattRunConfig => readStageConfig(path, parseGattRun);

export interface GattRunSummary {
  out: string;
  model: string;
  data: GattResult<SftResult>['data'];
  /** Adherence at the first and at the last measured turn, for the start, the control and GAtt. */
  adherence: { turn: number; start: number; control: number | null; gatt: number }[];
  seconds: number;
}

export function runGatt(cfg: GattRunConfig, opts: { quiet?: boolean } = {}): GattRunSummary {
  const t0 = performance.now();
  const world = worldOf(cfg.world);
  const { model: policy, tok } = loadPolicy(cfg.policy);
  const stage = { ...cfg.stage, template: cfg.template };
  const opt = { turns: stage.turns, maxConstraints: cfg.data.maxConstraints };
  const train = world.dialogues('train', cfg.data.dialogues, { ...opt, stream: 'gatt' });
  const heldout = world.dialogues('heldout', cfg.data.heldout, { ...opt, turns: stage.evalTurns, stream: 'gatt-heldout' });
  const res = gattStage(stage, policy, tok, train, heldout, (m, rows, io) => sftStage(cfg.sft, m, rows.map((r) => maskedSequence([...r.ids], r.mask)), [], io), { out: cfg.out, quiet: opts.quiet });
  const model = saveModel(cfg.out, res.model, tok, cfg.template, 'llamats gatt');
  const at = (rows: AdherenceRow[] | null, turn: number) => rows?.find((r) => r.turn === turn)?.adherence ?? null;
  const turns = [...new Set([1, 2, 4, 6, stage.evalTurns])].filter((t) => t <= stage.evalTurns);
  const summary: GattRunSummary = {
    out: cfg.out, model, data: res.data,
    adherence: turns.map((turn) => ({ turn, start: at(res.before, turn) ?? NaN, control: at(res.control, turn), gatt: at(res.after, turn) ?? NaN })),
    seconds: (performance.now() - t0) / 1000,
  };
  writeSummary(cfg.out, { ...summary, curves: { start: res.before, control: res.control, gatt: res.after }, config: cfg });
  return summary;
}
