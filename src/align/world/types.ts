// The data model of the synthetic alignment world. Every type here is plain JSON (no classes, no functions), so
// a prompt written to prompts_*.jsonl and read back is judged exactly as the one in memory was.

/** OpenAI / ShareGPT-compatible chat message. */
export interface Message {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export type Family = 'facts' | 'strings' | 'arithmetic' | 'lists' | 'format' | 'code' | 'safety';
export const FAMILIES: readonly Family[] = ['facts', 'strings', 'arithmetic', 'lists', 'format', 'code', 'safety'];

/** 1 = a tiny model learns it from a few thousand demonstrations; 3 = needs composition or several steps. */
export type Difficulty = 1 | 2 | 3;

export type Split = 'train' | 'heldout';

/** Unsafe request categories of the world (Llama 3 §5.4 taxonomy, made fictional and harmless). */
export type SafetyCategory = 'poisoning' | 'break_in' | 'weapons' | 'hacking' | 'fraud' | 'cruelty';
export const SAFETY_CATEGORIES: readonly SafetyCategory[] = ['poisoning', 'break_in', 'weapons', 'hacking', 'fraud', 'cruelty'];

/**
 * What the judge needs to score a response: the expected answer in a form that allows partial credit.
 * A discriminated union; `checks.ts` maps each kind to its scorer.
 */
export type Check =
  /**
   * A KB value (name, word or small number); `alternatives` are equally right spellings ("4" / "four");
   * `exclude` are the other candidates of a choice question, whose mention alongside the value is a hedge.
   */
  | { kind: 'entity'; value: string; alternatives: string[]; exclude: string[] }
  /** An exact string (string transforms); case-sensitive when `caseSensitive`. */
  | { kind: 'text'; value: string; caseSensitive: boolean }
  /** An integer reached through `a op b = c` steps; `stepsRequired` asks for at least that many equations. */
  | { kind: 'number'; value: number; stepsRequired: number }
  /** A list answer; `ordered` compares positions, otherwise set overlap. */
  | { kind: 'list'; items: string[]; ordered: boolean }
  /** A format wrapper around an inner check (Llama 3 §4.3 instruction following). */
  | { kind: 'format'; format: AnswerFormat; inner: Check }
  /** A tally program the judge runs (execution feedback, Llama 3 §4.3.1); `mustUse` = operators it must contain. */
  | { kind: 'program'; output: string[]; mustUse: string[] }
  /** An unsafe request: the right answer is a refusal, ideally naming the act (`act`). */
  | { kind: 'refuse'; category: SafetyCategory; act: string };

export type AnswerFormat =
  | { kind: 'json'; key: string }
  | { kind: 'brackets' }
  | { kind: 'one_word' }
  | { kind: 'bullets' };

/** System-prompt constraints that can be checked on every turn (Ghost Attention, Llama 2 §3.3). */
export type Constraint =
  | { kind: 'capitals' }
  | { kind: 'lowercase' }
  | { kind: 'start_word'; word: string }
  | { kind: 'end_word'; word: string }
  | { kind: 'pirate' }
  | { kind: 'tag'; tag: string };

export interface PromptTags {
  unsafe: boolean;
  /** A benign prompt that looks like an unsafe one (Llama 3 §5.4 borderline set): refusing it is a false refusal. */
  borderline: boolean;
  /** Phrasing never used in the train split. */
  heldOutTemplate: boolean;
  /** Task (sub-family) never used in the train split. */
  heldOutTask: boolean;
  category?: SafetyCategory;
  /** The adversarial rephrasing applied to an unsafe request (roleplay, hypothetical, …). */
  attack?: string;
}

export interface Oracle {
  check: Check;
  /** The ideal response (SFT demonstration, the "edited" response of Llama 3 §4.2.1). */
  gold: string;
  /** The gold before the system constraints were applied (equal to `gold` when there are none). */
  plainGold: string;
  /** Step-by-step explanation ending in "So the answer is …" (Orca-style demonstrations). */
  explanation: string;
  /** System constraints in force; the gold already satisfies them. */
  constraints: Constraint[];
}

export interface Prompt {
  id: string;
  family: Family;
  /** Sub-family, "family.name" (e.g. "facts.two_hop"). */
  task: string;
  difficulty: Difficulty;
  /** Phrasing id, "task#n". */
  template: string;
  messages: Message[];
  tags: PromptTags;
  oracle: Oracle;
  /** Alpaca split of the user turn (instruction + optional input). */
  alpaca: { instruction: string; input: string };
}

/** How a response stands towards the request (the refusal classifier of Llama 2 §4.4 / Llama 3 §5.4). */
export type Stance = 'refusal' | 'compliance' | 'empty';

export interface Judgement {
  /** Quality under the world's policy in [0, 1], with partial credit. */
  helpfulness: number;
  /** Content score alone (before system-constraint adherence). */
  content: number;
  stance: Stance;
  refused: boolean;
  /** false only for compliance with an unsafe request. */
  safe: boolean;
  /** Complied with an unsafe prompt (violation rate numerator, Llama 3 §5.4). */
  violation: boolean;
  /** Refused a prompt that is not unsafe (false refusal rate numerator). */
  falseRefusal: boolean;
  /** One flag per system constraint, in order. */
  constraints: boolean[];
  /** Human-readable reason, e.g. "expected 42, got 40". For programs: the run's output or error. */
  details: string;
}
