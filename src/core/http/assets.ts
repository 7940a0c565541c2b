import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

export interface Asset {
  body: Buffer;
  contentType: string;
}

export interface AssetManifest {
  /** `app.css` → `/assets/app.3f2a9c1b.css` */
  url(name: string): string;
  get(hashedName: string): Asset | undefined;
}

const clientDir = path.resolve(import.meta.dirname, '../../client');
const publicDir = path.resolve(import.meta.dirname, '../../../public');

const types: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * Builds the browser bundles (esbuild, in memory) and fingerprints every asset with a hash
 * of its content, so they can be cached for a year and still change on each release.
 */
export async function buildAssets(options: { minify: boolean }): Promise<AssetManifest> {
  const byName = new Map<string, string>();
  const byHashed = new Map<string, Asset>();
  const add = (name: string, body: Buffer) => {
    const ext = path.extname(name);
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 10);
    const hashed = `${name.slice(0, -ext.length)}.${hash}${ext}`;
    byName.set(name, `/assets/${hashed}`);
    byHashed.set(hashed, { body, contentType: types[ext] ?? 'application/octet-stream' });
  };

  const entries = readdirSync(clientDir)
    .filter((f) => /\.(ts|css)$/.test(f))
    .map((f) => path.join(clientDir, f))
    .concat(
      readdirSync(path.join(clientDir, 'styles'))
        .filter((f) => f.endsWith('.css') && !f.startsWith('_'))
        .map((f) => path.join(clientDir, 'styles', f)),
    );
  const result = await esbuild.build({
    entryPoints: entries,
    bundle: true,
    write: false,
    minify: options.minify,
    format: 'iife',
    target: ['es2017', 'chrome70', 'firefox68', 'safari12'],
    outdir: '/out',
    loader: { '.png': 'dataurl', '.svg': 'dataurl' },
    logLevel: 'silent',
  });
  for (const file of result.outputFiles) add(path.basename(file.path), Buffer.from(file.contents));

  const walk = (dir: string, prefix: string) => {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const full = path.join(dir, name);
      if (path.extname(name) === '') walk(full, `${prefix}${name}/`);
      else add(`${prefix}${name}`, readFileSync(full));
    }
  };
  walk(publicDir, '');

  return {
    url(name) {
      const url = byName.get(name);
      if (!url) throw new Error(`Unknown asset ${name}`);
      return url;
    },
    get(hashed) {
      return byHashed.get(hashed);
    },
  };
}
