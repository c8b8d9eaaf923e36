// Files dropped onto the chat: each uploaded on its own (XMLHttpRequest, for upload progress), then its ingest job
// followed until the file is searchable. Ready files are attached to the next message.
import { createStore, produce } from 'solid-js/store';
import { api, token } from '../lib/api.ts';

export interface Upload {
  id: number;
  name: string;
  /** 0..1 while uploading. */
  progress: number;
  state: 'uploading' | 'ingesting' | 'ready' | 'unreadable' | 'failed';
  path?: string;
  error?: string;
}

interface Job {
  state: 'running' | 'done' | 'failed';
  outcomes: Record<string, number>;
  error?: string;
}

function post(
  file: File,
  onProgress: (p: number) => void,
): Promise<{ files: { path?: string }[]; job: { id: string } }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/chat/attachments');
    const tk = token.get();
    if (tk) xhr.setRequestHeader('authorization', `Bearer ${tk}`);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new Error(xhr.statusText || 'network error'));
    xhr.onload = () => {
      let body: { error?: { message?: string } } & Record<string, unknown> = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {}
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as never);
      else reject(new Error(body.error?.message ?? `${xhr.status} ${xhr.statusText}`));
    };
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createUploads() {
  const [list, set] = createStore<Upload[]>([]);
  let next = 1;
  const update = (id: number, fn: (u: Upload) => void) =>
    set(
      produce((l) => {
        const u = l.find((x) => x.id === id);
        if (u) fn(u);
      }),
    );

  async function one(file: File): Promise<void> {
    const id = next++;
    set(list.length, { id, name: file.name, progress: 0, state: 'uploading' });
    try {
      const res = await post(file, (p) => update(id, (u) => (u.progress = p)));
      const path = res.files[0]?.path;
      update(id, (u) => {
        u.progress = 1;
        u.state = 'ingesting';
        u.path = path;
      });
      let job: Job = { state: 'running', outcomes: {} };
      for (let i = 0; job.state === 'running' && i < 1200; i++) {
        await pause(i < 10 ? 150 : 500);
        job = await api<Job>(`/api/files/jobs/${res.job.id}`);
      }
      const ok = (job.outcomes.indexed ?? 0) + (job.outcomes.unchanged ?? 0) + (job.outcomes.moved ?? 0) > 0;
      update(id, (u) => {
        u.state = job.state === 'done' && ok ? 'ready' : job.state === 'failed' ? 'failed' : 'unreadable';
        if (job.state === 'failed') u.error = job.error;
      });
    } catch (err) {
      update(id, (u) => {
        u.state = 'failed';
        u.error = (err as Error).message;
      });
    }
  }

  return {
    list,
    add: (files: Iterable<File>) => Promise.all([...files].map(one)),
    /** Files already uploaded (a message being edited): attached again as they are. */
    reuse: (paths: string[]) => {
      for (const path of paths)
        set(list.length, { id: next++, name: path.split('/').at(-1) ?? path, progress: 1, state: 'ready', path });
    },
    remove: (id: number) => set((l) => l.filter((u) => u.id !== id)),
    clear: () => set([]),
    /** Paths to attach: uploaded files (even those whose text could not be read). */
    paths: () => list.flatMap((u) => (u.path && u.state !== 'uploading' ? [u.path] : [])),
    pending: () => list.some((u) => u.state === 'uploading'),
  };
}

export type Uploads = ReturnType<typeof createUploads>;
