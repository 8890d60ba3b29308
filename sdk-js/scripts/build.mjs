// npm run build: tsc type-checks, writes the .d.ts files to dist/ and the JS to
// build/ (one module per source file: the unit tests of internal modules import
// them there; beside it the wasm-bindgen glue, trimmed: trimGlue below); esbuild
// then links that JS into one module per entry in dist/,
// because every module costs Node ~0.4 ms to import in a fresh process.
//   dist/index.js             the default entry, carrying the client and the engine
//                             for every entry: one HalyardClient class and one
//                             WebAssembly instance per realm whichever entries an
//                             application imports. It also exports, beyond what
//                             index.d.ts declares, the internal names the other
//                             entries import (edge.js: initWasm).
//   dist/edge.js,             each entry's own code, importing the rest from
//   dist/openfeature.js       ./index.js
//   dist/engine.js            the engine alone (bench/ and the tests import it; it is
//                             neither exported nor published, so no application
//                             loads it beside index.js)
//   dist/wasm/evaluator_wasm_bg.wasm   (scripts/build-wasm.sh writes it to src/wasm/)
// Modules that load the .wasm (new URL('./wasm/…', import.meta.url)) must stay at
// the top of dist/. The output stays readable (no minification): applications'
// bundlers minify.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const js = join(root, 'build');
const dist = join(root, 'dist');
// The package's JavaScript `exports`, by module name: index, then edge and openfeature.
const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const BASE = basename(exports['.'].default, '.js');
const OTHERS = Object.values(exports).flatMap((target) => (target.default ? [basename(target.default, '.js')] : [])).filter((name) => name !== BASE);

if (!existsSync(join(src, 'wasm/evaluator_wasm_bg.wasm'))) {
  console.error('src/wasm/ is missing: run scripts/build-wasm.sh from the repository root first');
  process.exit(1);
}
rmSync(js, { recursive: true, force: true });
rmSync(dist, { recursive: true, force: true });
execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
mkdirSync(join(js, 'wasm'));
writeFileSync(join(js, 'wasm/evaluator_wasm.js'), trimGlue(readFileSync(join(src, 'wasm/evaluator_wasm.js'), 'utf8')));
cpSync(join(src, 'wasm/evaluator_wasm_bg.wasm'), join(dist, 'wasm/evaluator_wasm_bg.wasm'));

/**
 * The wasm-bindgen glue minus statements the SDK never runs, which bundlers
 * keep because they run at import or sit inside a function the SDK calls
 * (-140 B gzip of the browser bundle). Each trim must match: a wasm-bindgen
 * that writes the glue otherwise stops the build here, to be looked at again.
 */
function trimGlue(glue) {
  const trims = [
    // A polyfill for browsers without TextEncoder.encodeInto, which boundary.ts calls anyway.
    [/^if \(!\('encodeInto' in cachedTextEncoder\)\) \{\n.*?^\}\n/ms, ''],
    // boundary.ts calls initSync({ module }), never the deprecated positional form.
    [/(?<=^function initSync\(module\) \{\n.*?)^ {4}if \(module !== undefined\) \{\n.*?\n {4}\}\n/ms, '    ({ module } = module);\n'],
    // Nothing disposes an Evaluator with `using`: engine.ts calls free().
    [/^if \(Symbol\.dispose\) Evaluator\.prototype\[Symbol\.dispose\] = Evaluator\.prototype\.free;\n/m, ''],
  ];
  return trims.reduce((text, [trim, replacement]) => {
    if (!trim.test(text)) throw new Error(`scripts/build.mjs: the wasm-bindgen glue no longer matches ${trim}`);
    return text.replace(trim, replacement);
  }, glue);
}

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
const others = OTHERS.map((name) => join(js, `${name}.js`));
/** A plugin that leaves every import of the package's own modules unbundled, as `rewrite(path)`. */
const unbundled = (rewrite) => ({
  name: 'unbundled',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\//, namespace: 'file' }, ({ path }) => ({ path: rewrite(path), external: true }));
  },
});

// What the other entries import from the package's modules: esbuild prints each
// import as `import { a, b as c } from "./module.js";`.
const imported = new Map();
const probe = await build({ ...options, entryPoints: others, outdir: dist, write: false, plugins: [unbundled((path) => path)] });
for (const { text } of probe.outputFiles) {
  const imports = [...text.matchAll(/^import \{([^}]*)\} from "(\.[^"]*)";$/gm)];
  if (imports.length !== (text.match(/ from "\./g)?.length ?? 0)) throw new Error(`unexpected import form in:\n${text}`);
  for (const [, names, path] of imports) {
    const set = imported.get(path) ?? imported.set(path, new Set()).get(path);
    for (const name of names.split(',')) set.add(name.trim().split(' as ')[0]);
  }
}
imported.delete(`./${BASE}.js`);
const reexports = [...imported].map(([path, names]) => `export { ${[...names].sort().join(', ')} } from ${JSON.stringify(path)};`);
const base = [`export * from "./${BASE}.js";`, ...reexports.sort()].join('\n');

await build({ ...options, stdin: { contents: base, resolveDir: js, sourcefile: `${BASE}.js + the other entries' imports` }, outfile: join(dist, `${BASE}.js`) });
await build({ ...options, entryPoints: others, outdir: dist, plugins: [unbundled(() => `./${BASE}.js`)] });
await build({ ...options, entryPoints: [join(js, 'engine.js')], outfile: join(dist, 'engine.js') });
