// Whether a Docker engine answers (not merely whether a docker CLI is installed), and running the CLI with its
// output as progress lines.
import { spawn } from 'node:child_process';

export interface DockerStatus {
  /** The engine answers. */
  available: boolean;
  /** The engine's version when it answers. */
  version: string | null;
  /** Why not, in the user's terms, when it does not. */
  problem: string | null;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** ENOENT when the program is not installed. */
  spawnError?: string;
}

/** Runs `docker <args>`; each output line goes to `onLine` as it comes. Never throws. */
export function docker(
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine?: (line: string) => void,
  timeoutMs = 15 * 60_000,
): Promise<RunResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    const child = spawn('docker', args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    const lines = (chunk: string) => {
      for (const l of chunk.split(/\r?\n|\r/)) if (l.trim()) onLine?.(l.trim());
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      lines(d);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      lines(d);
    });
    child.on('error', (err: NodeJS.ErrnoException) => resolve({ code: null, stdout, stderr, spawnError: err.code }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function dockerStatus(env: NodeJS.ProcessEnv): Promise<DockerStatus> {
  const r = await docker(['version', '--format', '{{.Server.Version}}'], env, undefined, 15_000);
  if (r.spawnError === 'ENOENT') return { available: false, version: null, problem: 'Docker is not installed' };
  const version = r.stdout.trim();
  if (r.code === 0 && version) return { available: true, version, problem: null };
  const said = r.stderr.trim().split('\n')[0] ?? '';
  return {
    available: false,
    version: null,
    problem: `Docker is installed but its engine is not running (${said || `exit ${r.code}`})`,
  };
}
