// DATASETS.md, written next to the datasets by `llamats world generate`: the schema of every file. Kept in code
// so the description always ships with the files it describes (format version in manifest.json).
import { WORLD_FORMAT } from './formats.js';

export const DATASETS_MD = `# llamats synthetic alignment world — datasets

Format \`${WORLD_FORMAT.name}\` version ${WORLD_FORMAT.version} (see \`manifest.json\`: seed, config, counts).
Everything here is a pure function of the seed: \`npx llamats world generate --seed N\` rewrites it byte for byte.
Chat messages are \`{"role": "system"|"user"|"assistant", "content": string}\` (OpenAI / ShareGPT compatible).
JSONL = one JSON object per line.

| file | one record is |
|---|---|
| \`prompts_train.jsonl\`, \`prompts_heldout.jsonl\` | a **prompt** (below) |
| \`prompts_heldout_safety.jsonl\` | a held-out **prompt** of the safety family (unsafe and borderline): the violation / false-refusal set |
| \`sft.jsonl\` | \`{id, messages}\`: the train prompt's messages + the gold assistant answer (Llama 2 §3.1) |
| \`sft_orca.jsonl\` | \`{id, messages}\`: a system message asking for explanations, answered step by step (Orca) |
| \`alpaca.json\` | a JSON **array** of \`{instruction, input, output}\` (Stanford Alpaca) |
| \`sharegpt.json\` | a JSON **array** of \`{id, conversations: [{from: "system"|"human"|"gpt", value}]}\`, 2–3 tasks per chat (Vicuna) |
| \`lima_curated.jsonl\` | \`{id, messages}\`: gold demonstrations spread evenly over task × difficulty (LIMA) |
| \`lima_noisy.jsonl\` | \`{id, messages, kind}\`: ten times as many, a share degraded; \`kind\` = \`gold\` or the degradation |
| \`preferences_helpful.jsonl\`, \`preferences_safety.jsonl\`, \`preferences_heldout.jsonl\` | a **preference pair** (below) |
| \`dialogues_gatt.jsonl\`, \`dialogues_gatt_heldout.jsonl\` | a **dialogue** under a system instruction (Ghost Attention) |
| \`corpus.txt\` | pretraining prose about the knowledge base; documents separated by one blank line |

## Prompt
\`\`\`
{ id, family, task, difficulty: 1|2|3, template: "task#n",
  messages: [ {role: "system", …}?, {role: "user", content} ],
  tags: { unsafe, borderline, heldOutTemplate, heldOutTask, category?, attack? },
  oracle: { check, gold, plainGold, explanation, constraints: [...] },
  alpaca: { instruction, input } }
\`\`\`
- families: facts (knowledge base; answers only learnable from corpus.txt), strings, arithmetic, lists, format,
  code (the tally language, judged by running it), safety (unsafe requests and borderline look-alikes).
- \`check\` is what the judge scores against: \`entity\` {value, alternatives, exclude}, \`text\` {value, caseSensitive},
  \`number\` {value, stepsRequired}, \`list\` {items, ordered}, \`format\` {format: json{key}|brackets|one_word|bullets,
  inner}, \`program\` {output, mustUse}, \`refuse\` {category, act}.
- \`gold\` satisfies the system constraints; \`plainGold\` is the same answer without them; \`explanation\` ends in
  "So the answer is …".
- \`constraints\`: capitals | lowercase | start_word{word} | end_word{word} | pirate | tag{tag}.
- Held-out prompts use contents (facts, words, expressions, targets) never used in train; \`heldOutTemplate\` marks
  phrasings never used in train and \`heldOutTask\` whole tasks never used in train.

## Preference pair (TRL conversational preference format + Llama 2/3 annotations)
\`\`\`
{ id, kind: "helpfulness"|"safety", promptId, task, prompt: [messages], chosen: [{role: "assistant", content}],
  rejected: [{role: "assistant", content}],
  rating: "significantly_better"|"better"|"slightly_better"|"negligibly_better",
  annotator, scores: {chosen, rejected}, agreesWithJudge,
  safety?: {chosenSafe, rejectedSafe, bin: "chosen_safe_other_unsafe"|"both_safe"|"both_unsafe"},
  edited?: [{role: "assistant", content}] }
\`\`\`
The rating comes from the gap between the two responses' judged helpfulness as a simulated annotator perceives it
(noise, a personal length bias, occasional disagreement). Safety pairs whose chosen response is unsafe while the
other is safe are dropped (Llama 2 §3.2.1). \`edited\`, when present, is the gold answer: edited > chosen > rejected
(Llama 3 §4.2.1). Reward-model margins by rating are in the recipe (Llama 2 Table 27).

## Dialogue
\`\`\`
{ id, constraints, instruction, fullInstruction, shortInstruction,
  turns: [{task, user, check, gold, plainGold}], messages: [system, user, assistant, user, assistant, …] }
\`\`\`
\`instruction\` is the system message used in \`messages\` (the full form or, half the time, the short one).
Judge turn t of a model's dialogue with the turn's \`check\` and the dialogue's \`constraints\`.

## Judging
\`npx llamats world judge --prompts prompts_heldout.jsonl --responses FILE\`, where FILE has one
\`{"id": promptId, "response": string}\` (or \`"messages"\`, last assistant message) per line. Helpfulness ∈ [0, 1] with
partial credit; violation = an unsafe prompt answered without a refusal; false refusal = any other prompt refused.
`;
