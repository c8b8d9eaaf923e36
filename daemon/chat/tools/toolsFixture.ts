// A real FilesService + MemoryService for the chat tool and context tests: a temporary home with Desktop and Downloads
// as the allowed folders, the memory service on PGlite or Postgres(+Neo4j), the embedded bus on the same Sql store.
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus } from '../../../bus/bus.ts';
import { SqlTransport } from '../../../bus/sqlTransport.ts';
import type { SqlEngine } from '../../../tests/helpers/memoryDb.ts';
import { type MemoryFixture, openMemoryService } from '../../../tests/helpers/memoryService.ts';
import type { TestServices } from '../../../tests/setup/services.ts';
import { chunkDocument, extractBytes } from '../../files/extract/index.ts';
import type { FileAuditRecord } from '../../files/guard.ts';
import { FilesService } from '../../files/service.ts';
import type { ToolContext } from '../types.ts';

export interface ToolsFixture {
  /** The temporary home (real path); Desktop and Downloads inside it are the allowed folders. */
  home: string;
  desktop: string;
  downloads: string;
  /** A folder beside them that is not allowed. */
  outside: string;
  files: FilesService;
  memory: MemoryFixture['memory'];
  audit: FileAuditRecord[];
  ctx(conversationId?: string): ToolContext;
  close(): Promise<void>;
}

export async function openToolsFixture(engine: SqlEngine, services: TestServices): Promise<ToolsFixture> {
  const home = realpathSync(mkdtempSync(join(tmpdir(), 'titan-chat-')));
  const desktop = join(home, 'Desktop');
  const downloads = join(home, 'Downloads');
  const outside = join(home, 'Private');
  for (const dir of [desktop, downloads, outside]) mkdirSync(dir);
  const fx = await openMemoryService(engine, services);
  const sql = fx.memory.store.sql;
  const bus = new Bus(
    { transport: new SqlTransport(sql), openReader: () => new SqlTransport(sql) },
    { prefix: `chat${Date.now().toString(36)}`, instanceId: 'chat-tools-test', blockMs: 100 },
  );
  const audit: FileAuditRecord[] = [];
  const files = new FilesService({
    folders: [],
    dataDir: join(home, '.titan'),
    memory: fx.memory,
    bus,
    extract: (data, name) => extractBytes(data, name),
    chunk: (pages) => chunkDocument(pages),
    trashDays: () => 30,
    watch: false,
    env: { HOME: home, XDG_CONFIG_HOME: join(home, '.config') },
    platform: 'linux',
    audit: (record) => audit.push(record),
  });
  return {
    home,
    desktop,
    downloads,
    outside,
    files,
    memory: fx.memory,
    audit,
    ctx: (conversationId = 'conv-1') => ({
      files,
      memory: fx.memory,
      who: `chat:${conversationId}`,
      conversationId,
      signal: new AbortController().signal,
    }),
    async close() {
      await files.close();
      await bus.close();
      await fx.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
