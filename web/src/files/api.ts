// The Files screen's calls to /api/files: listings, trash, ingest jobs, and uploads with progress (XMLHttpRequest,
// since fetch reports no upload progress).
import { ApiFailure, api, request, token } from '../lib/api.ts';

export type IngestStatus = 'pending' | 'indexed' | 'no_text' | 'unsupported' | 'failed';
export interface Ingest {
  status: IngestStatus;
  chunks: number;
  error: string | null;
}
export interface Entry {
  name: string;
  path: string;
  kind: 'file' | 'dir' | 'other';
  size: number;
  mtime: string;
  link?: true;
  note?: string;
  ingest: Ingest | null;
}
export interface Root {
  path: string;
  exists: boolean;
  problem?: string;
}
export interface Listing {
  path: string;
  root: string;
  kind: 'dir';
  entries: Entry[];
}
export interface TrashItem {
  id: string;
  original_path: string;
  name: string;
  kind: 'file' | 'dir';
  size: number;
  deleted_at: string;
}
export interface Job {
  id: string;
  kind: 'rescan' | 'ingest';
  state: 'running' | 'done' | 'failed';
  total: number;
  done: number;
  error: string | null;
}

const q = encodeURIComponent;

export const filesApi = {
  roots: async () => (await api<{ roots: Root[] }>('/api/files')).roots,
  list: (path: string) => api<Listing>(`/api/files?path=${q(path)}`),
  remove: (path: string) => api<TrashItem>(`/api/files?path=${q(path)}`, { method: 'DELETE' }),
  trash: () => api<{ items: TrashItem[]; keep_days: number }>('/api/files/trash'),
  restore: (id: string) => api<{ path: string }>(`/api/files/trash/${q(id)}/restore`, { method: 'POST' }),
  emptyTrash: () => api<{ removed: number }>('/api/files/trash', { method: 'DELETE' }),
  ingest: (paths: string[]) => api<Job>('/api/files/ingest', { method: 'POST', json: { paths, force: true } }),
  rescan: () => api<Job>('/api/files/rescan', { method: 'POST' }),
  job: (id: string) => api<Job>(`/api/files/jobs/${q(id)}`),
};

/** Fetches a file with the token and hands it to the browser as a download. */
export async function download(entry: Pick<Entry, 'path' | 'name'>): Promise<void> {
  const res = await request(`/api/files/download?path=${q(entry.path)}`);
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    throw new ApiFailure(res.status, body.error?.code ?? 'http_error', body.error?.message ?? res.statusText);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = entry.name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Uploads one file into `dir`, reporting the fraction sent; resolves with the saved paths. */
export function upload(dir: string, file: File, onProgress: (fraction: number) => void): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/files/upload?path=${q(dir)}`);
    const t = token.get();
    if (t) xhr.setRequestHeader('authorization', `Bearer ${t}`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiFailure(0, 'network', xhr.statusText || 'network error'));
    xhr.onload = () => {
      let body: { files?: { path: string }[]; error?: { code?: string; message?: string } } = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {}
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve((body.files ?? []).map((f) => f.path));
      } else {
        reject(new ApiFailure(xhr.status, body.error?.code ?? 'http_error', body.error?.message ?? xhr.statusText));
      }
    };
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

/** A message for the user: the daemon's own words when it gave some. */
export const errorText = (err: unknown, fallback: string) => (err instanceof ApiFailure ? err.message : fallback);

/** Polls a job until it is no longer running. */
export async function waitForJob(job: Job, onUpdate: (job: Job) => void, everyMs = 700): Promise<Job> {
  let current = job;
  onUpdate(current);
  while (current.state === 'running') {
    await new Promise((r) => setTimeout(r, everyMs));
    current = await filesApi.job(current.id);
    onUpdate(current);
  }
  return current;
}
