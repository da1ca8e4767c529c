// The web chat page: plain files in src/serve/web/ (no build step, no CDN), found from the package root so the
// same path works under tsx (src/serve/static.ts) and compiled (dist/src/serve/static.js).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export function webRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return join(dir, 'src', 'serve', 'web');
}

export interface StaticFile {
  body: Buffer;
  type: string;
}

/** The files of the page, read once: a fixed list, so no request path ever reaches the file system. */
export function loadWebFiles(root = webRoot()): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const name of ['index.html', 'app.js', 'style.css']) {
    const path = join(root, name);
    if (!existsSync(path)) continue;
    files.set(`/${name}`, { body: readFileSync(path), type: TYPES[name.slice(name.lastIndexOf('.'))]! });
  }
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  return files;
}
