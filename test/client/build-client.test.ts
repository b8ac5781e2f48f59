import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildClient, CLIENT_ENTRY_POINTS } from '../../scripts/build-client.js';

describe('client bundles', () => {
  let outdir = '';

  before(async () => {
    outdir = await mkdtemp(path.join(tmpdir(), 'learnpython-client-'));
    await buildClient(outdir);
  });

  after(async () => {
    await rm(outdir, { recursive: true, force: true });
  });

  const readBundle = (name: string): Promise<string> => readFile(path.join(outdir, `${name}.js`), 'utf8');

  it('writes one non-empty file per entry point', async () => {
    for (const name of CLIENT_ENTRY_POINTS) {
      const info = await stat(path.join(outdir, `${name}.js`));
      assert.ok(info.size > 0, `${name}.js is empty`);
    }
  });

  it('contains no eval or Function constructor', async () => {
    // The site's CSP has no 'unsafe-eval', so either would fail in the browser.
    for (const name of CLIENT_ENTRY_POINTS) {
      const code = await readBundle(name);
      assert.doesNotMatch(code, /\beval\s*\(/, `${name}.js calls eval`);
      assert.doesNotMatch(code, /new\s+Function\s*\(/, `${name}.js uses new Function`);
    }
  });

  it('names no URL on another host', async () => {
    // Identifiers that are never fetched: the SVG namespace and the base for parsing `next`.
    const allowed = new Set(['http://www.w3.org/2000/svg', 'http://placeholder.invalid']);
    for (const name of CLIENT_ENTRY_POINTS) {
      const code = await readBundle(name);
      const urls = code.match(/https?:\/\/[^\s"'`)]*/g) ?? [];
      const unexpected = urls.filter((url) => !allowed.has(url));
      assert.deepEqual(unexpected, [], `${name}.js names URLs on other hosts`);
    }
  });

  it('bundles CodeMirror into the lesson script', async () => {
    const code = await readBundle('lesson');
    assert.match(code, /cm-editor/);
    assert.doesNotMatch(code, /from\s*["'`]@codemirror\//, 'lesson.js leaves a bare @codemirror import');
  });
});
