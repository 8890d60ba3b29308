// npm run build: tsc type-checks, writes the .d.ts files to dist/ and the JS to
// build/ (one module per source file: the unit tests of internal modules import
// them there); esbuild then links that JS into a few ES modules in dist/, because
// every module costs Node ~0.4 ms to import in a fresh process.
//   dist/index.js, edge.js,   each entry's own code; its imports of another entry
//   openfeature.js            stay imports of that file, all others point to
//   dist/shared.js            the client and the engine: one module, so one
//                             HalyardClient class and one WebAssembly instance per
//                             realm whichever entries an application imports
//   dist/engine.js            the engine alone (bench/ and the tests import it; the
//                             package does not export it, so no application can
//                             load it beside shared.js)
//   dist/wasm/evaluator_wasm_bg.wasm   (scripts/build-wasm.sh writes it to src/wasm/)
// Modules that load the .wasm (new URL('./wasm/…', import.meta.url)) must stay at
// the top of dist/. The output stays readable (no minification): applications'
// bundlers minify.
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const js = join(root, 'build');
const dist = join(root, 'dist');
// The package's JavaScript `exports`, by module name: index, edge, openfeature.
const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const ENTRIES = Object.values(exports).flatMap((target) => (target.default ? [basename(target.default, '.js')] : []));

if (!existsSync(join(src, 'wasm/evaluator_wasm_bg.wasm'))) {
  console.error('src/wasm/ is missing: run scripts/build-wasm.sh from the repository root first');
  process.exit(1);
}
rmSync(js, { recursive: true, force: true });
rmSync(dist, { recursive: true, force: true });
execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
cpSync(join(src, 'wasm/evaluator_wasm.js'), join(js, 'wasm/evaluator_wasm.js'));
cpSync(join(src, 'wasm/evaluator_wasm_bg.wasm'), join(dist, 'wasm/evaluator_wasm_bg.wasm'));

const options = {
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  absWorkingDir: root,
  logLevel: 'warning',
  // Browser bundlers and Deno resolve it at their end (an optional peer dependency).
  external: ['@openfeature/web-sdk'],
};

// The entries first, each with its own code only: the modules they import are
// collected, to be linked into the shared module.
const shared = new Set();
const linkToShared = {
  name: 'link-to-shared',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\//, namespace: 'file' }, ({ path, importer }) => {
      const file = resolve(dirname(importer), path);
      const name = basename(file, '.js');
      if (ENTRIES.includes(name)) return { path: `./${name}.js`, external: true };
      shared.add(file);
      return { path: './shared.js', external: true };
    });
  },
};
await build({ ...options, entryPoints: ENTRIES.map((name) => join(js, `${name}.js`)), outdir: dist, plugins: [linkToShared] });

const reexports = [...shared].sort().map((file) => `export * from ${JSON.stringify(file)};`).join('\n');
await build({ ...options, stdin: { contents: reexports, resolveDir: js, sourcefile: 'shared.js' }, outfile: join(dist, 'shared.js') });
await build({ ...options, entryPoints: [join(js, 'engine.js')], outfile: join(dist, 'engine.js') });
