// The synthetic alignment world (issue 9): a place where every response can be judged exactly, so each stage of
// the Llama 2 / Llama 3 post-training recipe (SFT, reward models, rejection sampling, PPO, DPO, Ghost Attention)
// is measurable with tiny models on a laptop.
//
// Public API
//   createWorld(cfg?: Partial<WorldConfig>): World           seeded; cfg checked (ConfigError)
//     world.kb                                               lands, cities, people, creatures
//     world.corpus(nDocs?): string[]                         pretraining prose (also worldCorpus(seed, nDocs))
//     world.sample(split: 'train'|'heldout', n, opts?): Prompt[]
//         opts: { stream?, mix?, tasks?, difficulties?, systemRate?, maxConstraints? }
//     world.judge(prompt, response): Judgement               { helpfulness ∈ [0,1], content, safe, refused,
//                                                              stance, violation, falseRefusal, constraints[], details }
//     world.oracleResponse(prompt): string                   the gold (SFT target, Llama 3 "edited" response)
//     world.degradedResponses(prompt, rng): Candidate[]      gold + graded degradations {kind, response}
//     world.annotate(prompt, a, b, rng, cfg?, kind?)         Llama 2 four-level rating, safety bins, edited
//     world.preferencePairs(prompts, rng, cfg?, kind?)       annotated pairs (TRL conversational format)
//     world.dialogues(split, n, {turns?, maxConstraints?, difficulties?})  GAtt dialogues; judgeTurn(dialogue, t, response)
//   judge(prompt, response) works on a prompt read back from JSONL (readPrompts) without a world.
//   constraints: checkConstraint, applyConstraints, instruction, shortInstruction, randomConstraints
//   styles: sftExample, alpacaExample, shareGptConversation, orcaExample, curatedSet, noisyDemonstrations
//   metrics: summarize(rows) → helpfulness, violation / false-refusal rates, per family …; winRate(a, b)
//   tally: runTally(src, limits?) → {ok, output, error?}  (execution feedback; never eval)
//   files: writeDatasets(world, dir, counts), readPrompts(file), readResponses(file); formats in DATASETS.md
export type { Message, Family, Difficulty, Split, SafetyCategory, Check, AnswerFormat, Constraint, PromptTags, Oracle, Prompt, Stance, Judgement } from './types.js';
export { FAMILIES, SAFETY_CATEGORIES } from './types.js';
export { createWorld, type World } from './world.js';
export { parseWorldConfig, DEFAULT_WORLD_CONFIG, DEFAULT_MIX, type WorldConfig, type WorldSize } from './config.js';
export { createKb, KB_SIZES, subject, type Kb, type Entity, type KbSize } from './kb.js';
export { worldCorpus, renderCorpus } from './corpus.js';
export { judge, judgeAgainst } from './judge.js';
export { scoreCheck, lengthFactor } from './checks.js';
export { stanceOf, refusalFor, ACTS } from './refusal.js';
export { checkConstraint, applyConstraints, stripDecorations, instruction, shortInstruction, randomConstraints, CONSTRAINT_KINDS } from './constraints.js';
export { degradedResponses, type Candidate, type DegradeKind } from './degrade.js';
export { annotate, ratingOf, RATINGS, DEFAULT_ANNOTATOR, checkAnnotatorConfig, type Annotation, type AnnotatorConfig, type AnnotationKind, type Rating, type SafetyBin } from './annotator.js';
export { preferencePairs, type PreferenceRow } from './preferences.js';
export { sampleDialogues, judgeTurn, type Dialogue, type DialogueTurn, type DialogueOptions } from './dialogues.js';
export { sftExample, alpacaExample, shareGptConversation, orcaExample, curatedSet, noisyDemonstrations, ORCA_SYSTEMS, type ChatExample, type AlpacaExample, type ShareGptConversation, type NoisyExample } from './styles.js';
export { summarize, formatMetrics, winRate, mean, type WorldMetrics, type WinRate, type JudgedPrompt } from './metrics.js';
export { runTally, DEFAULT_TALLY_LIMITS, type TallyRun, type TallyLimits } from './tally/run.js';
export { parseTally, TallyError } from './tally/parse.js';
export { writeDatasets, DATASET_SIZES, type DatasetCounts, type Manifest } from './datasets.js';
export { readPrompts, readResponses, parsePrompt, WORLD_FORMAT } from './formats.js';
export { TASKS } from './tasks/index.js';
export type { SampleOptions } from './sample.js';
