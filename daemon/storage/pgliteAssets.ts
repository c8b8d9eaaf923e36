// PGlite's wasm, its file-system bundle and the pgvector extension. Running from the sources PGlite finds them in its
// packages; in the single executable its own `import.meta.url` lookups would point beside the binary, so they are
// handed over from the extracted assets instead.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Extension, PGliteOptions } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { assetDir, isExecutable } from '../assets.ts';

type PgliteFiles = Pick<PGliteOptions, 'pgliteWasmModule' | 'initdbWasmModule' | 'fsBundle'> & {
  extensions: { vector: Extension };
};

let embedded: Promise<PgliteFiles> | undefined;

/** The options that tell PGlite where its files are; compiled once per process in the executable. */
export function pgliteFiles(): Promise<PgliteFiles> {
  if (!isExecutable()) return Promise.resolve({ extensions: { vector } });
  embedded ??= loadEmbedded();
  return embedded;
}

async function loadEmbedded(): Promise<PgliteFiles> {
  const dir = assetDir('pglite');
  const bundle = pathToFileURL(join(assetDir('pgvector'), 'vector.tar.gz'));
  const [pgliteWasmModule, initdbWasmModule] = await Promise.all([
    WebAssembly.compile(readFileSync(join(dir, 'pglite.wasm'))),
    WebAssembly.compile(readFileSync(join(dir, 'initdb.wasm'))),
  ]);
  return {
    pgliteWasmModule,
    initdbWasmModule,
    fsBundle: new Blob([readFileSync(join(dir, 'pglite.data'))]),
    extensions: {
      vector: { name: 'vector', setup: async (_pg, emscriptenOpts) => ({ emscriptenOpts, bundlePath: bundle }) },
    },
  };
}
