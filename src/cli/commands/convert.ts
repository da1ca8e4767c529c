// `llamats convert IN OUT [--type T]` (docs/cli-contract.md): GGUF ↔ Hugging Face folder, GGUF → GGUF
// requantize, HF → HF retype. The tokenizer bridge lives here because src/tokenizer sits above src/io
// (it reads GGUF through io), so io's converter takes the tokenizer functions as arguments.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { convertModel, type TokenizerBridge } from '../../io/convert.js';
import { metaOptional, metaString } from '../../io/gguf/read.js';
import { pythonJson } from '../../io/hf/python-json.js';
import { parseWeightType } from '../../io/weights.js';
import { tokenizerToGgufMetadata, vocabFromGguf, vocabPieces } from '../../tokenizer/gguf.js';
import { tokenizerToHfJson } from '../../tokenizer/hf-json.js';
import { loadVocab } from '../../tokenizer/load.js';
import { ConfigError } from '../../util/errors.js';
import { log } from '../../util/progress.js';
import { numberFlag, parseFlags, type Command } from '../command.js';

const CHAT_TEMPLATE = 'tokenizer.chat_template';

const tokenizerBridge: TokenizerBridge = {
  ggufToHf(f, maxSeqLen) {
    const vocab = vocabFromGguf(f);
    const pieces = vocabPieces(vocab);
    const chatTemplate = metaOptional(f, CHAT_TEMPLATE, metaString);
    // tokenizer.json carries the whole tokenizer; tokenizer_config.json names the fast class and specials.
    const config = {
      add_bos_token: true, add_eos_token: false, bos_token: pieces[vocab.bos], eos_token: pieces[vocab.eos], clean_up_tokenization_spaces: false,
      model_max_length: maxSeqLen, tokenizer_class: 'PreTrainedTokenizerFast', ...(chatTemplate !== undefined ? { chat_template: chatTemplate } : {}),
    };
    return new Map([['tokenizer.json', `${JSON.stringify(tokenizerToHfJson(vocab), null, 2)}\n`], ['tokenizer_config.json', pythonJson(config)]]);
  },
  hfToGguf(dir) {
    const cfgPath = join(dir, 'tokenizer_config.json');
    const cfg = existsSync(cfgPath) ? (JSON.parse(readFileSync(cfgPath, 'utf8')) as { chat_template?: unknown }) : {};
    const chatTemplate = typeof cfg.chat_template === 'string' ? cfg.chat_template : undefined;
    return tokenizerToGgufMetadata(loadVocab(dir), chatTemplate === undefined ? {} : { chatTemplate });
  },
};

export const command: Command = {
  name: 'convert',
  summary: 'convert weights between GGUF and Hugging Face folders, or to another type (f16, q8_0, q4_k, …)',
  usage: `
Usage: llamats convert IN OUT [--type f32|f16|bf16|q8_0|q4_0|q4_k|q6_k] [--shard-size BYTES]

IN is a GGUF file or a Hugging Face model folder (config.json + safetensors), recognised by content. OUT is
written as GGUF when it ends in .gguf, else as a Hugging Face folder. Both directions handle the Q/K row
permutation; the tokenizer is carried over (tokenizer.* metadata ↔ tokenizer.json).
  --type T          store the weights as T (norms stay F32 in GGUF; Hugging Face folders take f32/f16/bf16 only).
                    Default: keep each tensor's type (a quantized GGUF becomes F32 safetensors, exactly).
  --shard-size N    largest safetensors shard in bytes for a Hugging Face folder (default 5000000000)`,
  async run(argv) {
    const { values, positionals } = parseFlags('convert', argv, { type: { type: 'string' }, 'shard-size': { type: 'string' } });
    if (positionals.length !== 2) throw new ConfigError('llamats convert', 'arguments', 'IN OUT', `${positionals.length} paths`);
    const [input, output] = positionals as [string, string];
    const type = values.type === undefined ? undefined : parseWeightType(values.type.toLowerCase(), 'llamats convert');
    const maxShardBytes = numberFlag('convert', 'shard-size', values['shard-size'], 5_000_000_000, { integer: true, min: 1 });
    const report = convertModel(input, output, { type, maxShardBytes, progress: true, tokenizer: tokenizerBridge });
    log(`converted ${report.tensors} tensors ${report.from} → ${report.to}${type ? ` as ${type}` : ''}; tokenizer ${report.tokenizer}`);
    return 0;
  },
};
