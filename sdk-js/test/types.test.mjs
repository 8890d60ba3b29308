// The published .d.ts files, used the way a TypeScript application would:
// test-support/typecheck/consumer.ts must compile, including its
// @ts-expect-error lines (which prove the types reject misuse).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('a TypeScript consumer type-checks against dist/*.d.ts', () => {
  const sdk = fileURLToPath(new URL('..', import.meta.url));
  const result = spawnSync(`${sdk}node_modules/.bin/tsc`, ['-p', 'test-support/typecheck/tsconfig.json'], { cwd: sdk, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stdout + result.stderr);
});
