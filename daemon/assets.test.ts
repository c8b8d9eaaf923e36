// Run from the sources, every asset group resolves to a folder of the checkout holding the files the daemon reads.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetDir, cacheRoot, isExecutable } from './assets.ts';

describe('assets from the source tree', () => {
  it('is not the executable', () => {
    expect(isExecutable()).toBe(false);
  });

  it('finds each group where the checkout keeps it', () => {
    expect(existsSync(join(assetDir('compose'), 'docker-compose.yml'))).toBe(true);
    expect(existsSync(join(assetDir('swagger-ui'), 'swagger-ui-bundle.js'))).toBe(true);
    expect(existsSync(join(assetDir('proto'), 'titan_bus.proto'))).toBe(true);
    expect(existsSync(join(assetDir('pglite'), 'pglite.wasm'))).toBe(true);
    expect(existsSync(join(assetDir('pglite'), 'initdb.wasm'))).toBe(true);
    expect(existsSync(join(assetDir('pgvector'), 'vector.tar.gz'))).toBe(true);
    expect(assetDir('web')).toBe(join(import.meta.dirname, '..', 'web', 'dist'));
  });

  it('unpacks under TITAN_CACHE_DIR, else the XDG cache folder', () => {
    expect(cacheRoot({ TITAN_CACHE_DIR: '/x/cache' })).toBe('/x/cache');
    if (process.platform === 'linux') {
      expect(cacheRoot({ XDG_CACHE_HOME: '/x/xdg' })).toBe('/x/xdg/titan');
      expect(cacheRoot({ XDG_CACHE_HOME: '' })).toMatch(/\.cache\/titan$/);
    }
  });
});
