/** Bundles the browser code in src/client into public/build with esbuild. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Output folder that the app serves at `/static/build/`. */
export const DEFAULT_CLIENT_OUTDIR = path.join(ROOT_DIR, 'public', 'build');

/** Entry points; each becomes `<name>.js` in the output folder. */
export const CLIENT_ENTRY_POINTS: readonly string[] = ['lesson', 'forms', 'layout', 'account', 'recovery'];

/** Builds every client bundle into `outdir`, minified ES2020 modules without source maps. */
export async function buildClient(outdir: string = DEFAULT_CLIENT_OUTDIR): Promise<void> {
  await build({
    entryPoints: CLIENT_ENTRY_POINTS.map((name) => path.join(ROOT_DIR, 'src', 'client', `${name}.ts`)),
    outdir,
    entryNames: '[name]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
}

const runDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (runDirectly) {
  await buildClient();
  console.log(`client bundles written to ${path.relative(process.cwd(), DEFAULT_CLIENT_OUTDIR) || '.'}`);
}
