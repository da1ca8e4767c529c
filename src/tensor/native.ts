// Loads the native addon (build/Release/llamats_native.node, built by `npm install`). When it is missing or
// fails to load, llamats warns once and runs on the pure-TypeScript kernels. LLAMATS_BACKEND=ts forces the
// TypeScript kernels without a warning.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export interface NativeInfo {
  isa: string;
  threads: number;
  physicalCores: number;
  features: Record<string, boolean>;
}

/** The raw addon surface. Kernel functions follow src/tensor/kernels.ts with positional arguments. */
export interface NativeAddon {
  alloc(bytes: number): ArrayBuffer;
  info(): NativeInfo;
  setThreads(n: number): number;
  [kernel: string]: unknown;
}

function packageRoot(): string {
  // This file is src/tensor/native.ts (tsx) or dist/src/tensor/native.js (compiled).
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dir;
}

let cached: NativeAddon | null | undefined;
let loadError: string | null = null;

/** The addon, or null when llamats runs on the TypeScript kernels. */
export function nativeAddon(): NativeAddon | null {
  if (cached !== undefined) return cached;
  cached = null;
  if (process.env.LLAMATS_BACKEND === 'ts') return cached;
  const root = packageRoot();
  const file = join(root, 'build', 'Release', 'llamats_native.node');
  try {
    cached = createRequire(import.meta.url)(file) as NativeAddon;
  } catch (e) {
    const failed = join(root, 'build', 'native-build-failed.txt');
    loadError = existsSync(failed) ? readFileSync(failed, 'utf8').trim() : (e as Error).message.split('\n')[0]!;
    process.stderr.write(
      `llamats: WARNING: native kernels unavailable (${loadError}); running on the pure-TypeScript backend ` +
        `(correct, much slower). Rebuild with \`npm run build:native\`.\n`,
    );
  }
  return cached;
}

/** Why the addon did not load (null if it loaded or was not asked for). */
export function nativeLoadError(): string | null {
  return loadError;
}
