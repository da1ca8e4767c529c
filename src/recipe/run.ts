// The whole recipe behind `npm start`: from raw text to a chat model, a report and exports that llama.cpp and
// Hugging Face load (docs/design.md "Data flow of the main job"). Each stage is remembered (stage.ts), so a
// second `npm start` reuses what is done and an interrupted one resumes.
import { join } from 'node:path';
import { saveTrainedModel, loadTrainableModel } from '../model/load.js';
import { writeFileAtomic } from '../util/fs.js';
import { fmtTime, log } from '../util/progress.js';
import type { RecipeConfig } from './config.js';
import { buildReport } from './report.js';
import { runStage, stageDir, stageKey, type StageRunner } from './stage.js';
import { dataConfig, dataStage, pretrainConfig, pretrainStage, worldStage } from './stages.js';
import { runDpo } from '../align/dpo-run.js';
import { runGatt } from '../align/gatt-run.js';
import { runPpo } from '../align/ppo-run.js';
import { runRewardModel } from '../align/reward-run.js';
import { runRs } from '../align/rs-run.js';
import { runSft } from '../align/sft-run.js';
import { runEval } from '../eval/run.js';
import { dpoConfig, evalConfig, gattConfig, ppoConfig, rewardConfig, rsConfig, sftConfig, type RewardModels } from './post-training.js';

export interface RecipeResult {
  out: string;
  report: string;
  chatModel: string;
  exports: string[];
  seconds: number;
}

/**
 * SFT → reward models → rejection sampling → DPO and PPO → GAtt → evaluation; returns the chat model's path
 * (GAtt on the DPO model: Llama 3's preference optimisation, with Llama 2's multi-turn consistency).
 */
function postTrain(cfg: RecipeConfig, runner: StageRunner, upstream: string, pretrained: string): string {
  // Each key holds the stage's resolved config (inputs' paths included) and the keys of the stages it reads.
  const dir = (stage: string) => stageDir(runner, stage);
  const sftCfg = sftConfig(cfg, pretrained, dir('sft'));
  const sft = runStage(runner, 'sft', stageKey(upstream, sftCfg), () => runSft(sftCfg).summary);
  const rmHCfg = rewardConfig(cfg, 'helpfulness', sft.result.model, dir('rm-helpfulness'));
  const rmSCfg = rewardConfig(cfg, 'safety', sft.result.model, dir('rm-safety'));
  const rmH = runStage(runner, 'rm-helpfulness', stageKey(sft.key, rmHCfg), () => runRewardModel(rmHCfg));
  const rmS = runStage(runner, 'rm-safety', stageKey(sft.key, rmSCfg), () => runRewardModel(rmSCfg));
  const rms: RewardModels = { helpfulness: rmH.result.out, safety: rmS.result.out };
  const rsCfg = rsConfig(cfg, sft.result.model, rms, dir('rs'));
  const rs = runStage(runner, 'rs', stageKey(rmH.key, rmS.key, rsCfg), () => runRs(rsCfg));
  const dpoCfg = dpoConfig(cfg, rs.result.model, rms, dir('dpo'));
  const dpo = runStage(runner, 'dpo', stageKey(rs.key, dpoCfg), () => runDpo(dpoCfg));
  const ppoCfg = ppoConfig(cfg, rs.result.model, rms, dir('ppo'));
  const ppo = runStage(runner, 'ppo', stageKey(rs.key, ppoCfg), () => runPpo(ppoCfg));
  const gattCfg = gattConfig(cfg, dpo.result.model, dir('gatt'));
  const gatt = runStage(runner, 'gatt', stageKey(dpo.key, gattCfg), () => runGatt(gattCfg));
  const models = [
    { name: 'pretrained', path: pretrained },
    { name: 'sft', path: sft.result.model },
    { name: 'rs', path: rs.result.model },
    { name: 'dpo', path: dpo.result.model },
    { name: 'ppo', path: ppo.result.model },
    { name: 'dpo+gatt', path: gatt.result.model },
  ];
  const evalCfg = evalConfig(cfg, models, rms, dir('eval'));
  runStage(runner, 'eval', stageKey(gatt.key, ppo.key, evalCfg), () => runEval(evalCfg));
  return gatt.result.model;
}

export function runRecipe(cfg: RecipeConfig, opts: { fresh?: boolean } = {}): RecipeResult {
  const t0 = performance.now();
  const runner: StageRunner = { out: cfg.out, fresh: opts.fresh ?? false, records: [] };
  const world = runStage(runner, 'world', stageKey(cfg.seed, cfg.world), (dir) => worldStage(cfg, dir));
  const dataCfg = dataConfig(cfg);
  const data = runStage(runner, 'data', stageKey(dataCfg), (dir) => dataStage(dataCfg, dir));
  const pretrainKey = stageKey(world.key, data.key, pretrainConfig(cfg, data.result, world.result, stageDir(runner, 'pretrain')));
  const pre = runStage(runner, 'pretrain', pretrainKey, (dir) => pretrainStage(cfg, data.result, world.result, dir));
  let chatModel = join(pre.result.out, 'model.gguf');
  if (!cfg.pretrainOnly) chatModel = postTrain(cfg, runner, pre.key, chatModel);
  const exp = runStage(runner, 'export', stageKey(runner.records.at(-1)!.key, chatModel), (dir) => {
    const { model, tokenizer } = loadTrainableModel(chatModel);
    const files = [join(dir, 'model-f32.gguf'), join(dir, 'model-q8_0.gguf'), join(dir, 'hf')];
    saveTrainedModel(files[0]!, model, tokenizer, { name: 'llamats-recipe' });
    saveTrainedModel(files[1]!, model, tokenizer, { name: 'llamats-recipe', type: 'q8_0' });
    saveTrainedModel(files[2]!, model, tokenizer, { name: 'llamats-recipe' });
    return { files, from: chatModel };
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
