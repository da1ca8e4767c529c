// The whole recipe behind `npm start`: from raw text to a chat model, a report and exports that llama.cpp and
// Hugging Face load (docs/design.md "Data flow of the main job"). Each stage is remembered (stage.ts), so a
// second `npm start` reuses what is done and an interrupted one resumes.
import { join } from 'node:path';
import { saveTrainedModel, loadTrainableModel } from '../model/load.js';
import { writeFileAtomic } from '../util/fs.js';
import { fmtTime, log } from '../util/progress.js';
import type { RecipeConfig } from './config.js';
import { buildReport } from './report.js';
import { runStage, stageKey, type StageRunner } from './stage.js';
import { dataStage, pretrainConfig, pretrainStage, worldStage } from './stages.js';

export interface RecipeResult {
  out: string;
  report: string;
  chatModel: string;
  exports: string[];
  seconds: number;
}

export function runRecipe(cfg: RecipeConfig, opts: { fresh?: boolean } = {}): RecipeResult {
  const t0 = performance.now();
  const runner: StageRunner = { out: cfg.out, fresh: opts.fresh ?? false, records: [] };
  const world = runStage(runner, 'world', stageKey(cfg.seed, cfg.world), (dir) => worldStage(cfg, dir));
  const data = runStage(runner, 'data', stageKey(cfg.seed, cfg.quick, cfg.data), (dir) => dataStage(cfg, dir));
  const pretrainKey = stageKey(world.key, data.key, pretrainConfig(cfg, data.result, world.result, join(cfg.out, 'pretrain')));
  const pre = runStage(runner, 'pretrain', pretrainKey, (dir) => pretrainStage(cfg, data.result, world.result, dir));
  // Post-training stages (SFT, reward models, rejection sampling, PPO, DPO, GAtt) plug in here; until they
  // exist the exported chat model is the pretrained one.
  const finalModel = join(pre.result.out, 'model.gguf');
  const exp = runStage(runner, 'export', stageKey(pre.key), (dir) => {
    const { model, tokenizer } = loadTrainableModel(finalModel);
    const files = [join(dir, 'model-f32.gguf'), join(dir, 'model-q8_0.gguf'), join(dir, 'hf')];
    saveTrainedModel(files[0]!, model, tokenizer, { name: 'llamats-recipe' });
    saveTrainedModel(files[1]!, model, tokenizer, { name: 'llamats-recipe', type: 'q8_0' });
    saveTrainedModel(files[2]!, model, tokenizer, { name: 'llamats-recipe' });
    return { files };
  });
  const report = join(cfg.out, 'report.html');
  writeFileAtomic(report, buildReport(cfg, runner.records));
  const result: RecipeResult = {
    out: cfg.out,
    report,
    chatModel: exp.result.files[0]!,
    exports: exp.result.files,
    seconds: (performance.now() - t0) / 1000,
  };
  writeFileAtomic(join(cfg.out, 'summary.json'), `${JSON.stringify({ ...result, stages: runner.records.map((r) => ({ stage: r.stage, seconds: r.seconds })) }, null, 2)}\n`);
  log(`\nrecipe: done in ${fmtTime(result.seconds)}. Report: ${report}`);
  return result;
}
