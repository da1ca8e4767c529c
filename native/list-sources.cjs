// Lists the kernel sources of one instruction set for binding.gyp: native/kernels/<op>/<isa>.cpp.
// Usage: node native/list-sources.cjs ref|avx2|avx512|amx|core
const fs = require('fs');
const path = require('path');
const isa = process.argv[2];
const root = path.join(__dirname);
let files;
if (isa === 'core') {
  files = fs.readdirSync(root).filter((f) => f.endsWith('.cpp')).map((f) => `native/${f}`);
} else {
  const dir = path.join(root, 'kernels');
  files = fs.readdirSync(dir)
    .filter((op) => fs.existsSync(path.join(dir, op, `${isa}.cpp`)))
    .map((op) => `native/kernels/${op}/${isa}.cpp`);
}
process.stdout.write(files.sort().join(' '));
