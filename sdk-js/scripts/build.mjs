// npm run build: type-checks and emits dist/ with tsc, then copies the generated
// WebAssembly glue and module (scripts/build-wasm.sh writes them to src/wasm/).
import { cpSync, existsSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wasm = join(root, 'src/wasm');
if (!existsSync(join(wasm, 'evaluator_wasm_bg.wasm'))) {
  console.error('src/wasm/ is missing: run scripts/build-wasm.sh from the repository root first');
  process.exit(1);
}
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
cpSync(wasm, join(root, 'dist/wasm'), { recursive: true });
