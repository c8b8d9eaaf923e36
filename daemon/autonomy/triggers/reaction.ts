// The assistant's reaction to an event a notify rule caught: a few sentences saying what happened, where, whether
// the file is searchable and what the user could ask — written by the model when one is configured, else templated.
import type { BusEvent } from '../../../bus/event.ts';
import { modelConfigured } from '../../../memory/extractorFor.ts';
import type { ModelClient } from '../../chat/types.ts';
import type { Settings } from '../../config/schema.ts';
import type { FileFacts } from './fileFacts.ts';

export interface Reaction {
  title: string;
  text: string;
  by: 'model' | 'template';
  /** Why the model was not used, when one is configured but failed. */
  model_error?: string;
}

const FILE_TITLES: Record<string, string> = {
  'file.created': 'New file',
  'file.changed': 'Changed file',
  'file.deleted': 'File deleted',
  'file.moved': 'File moved',
};

export function reactionTitle(event: BusEvent, file: FileFacts | null): string {
  if (file) return `${FILE_TITLES[event.event_type] ?? 'File event'}: ${file.name}`;
  return `Event: ${event.event_type}`;
}

const STATUS_LINES: Record<string, (f: FileFacts) => string> = {
  indexed: (f) => `It is indexed: ${f.chunks} passage${f.chunks === 1 ? '' : 's'} can be searched now.`,
  no_text: (f) => `It has no text to search${f.error ? ` (${f.error})` : ''}.`,
  unsupported: () => 'Titan cannot read this kind of file, so it is listed but not searchable.',
  failed: (f) => `It could not be indexed: ${f.error ?? 'the reason is in the log'}.`,
  pending: () => 'It is still being indexed.',
};

/** The reaction without a model: deterministic, from the event and the file's facts alone. */
export function templateReaction(event: BusEvent, file: FileFacts | null, note?: string): string {
  const lines: string[] = [];
  if (file) {
    const what: Record<string, string> = {
      'file.created': 'A new file appeared',
      'file.changed': 'A file changed',
      'file.deleted': 'A file was deleted',
      'file.moved': 'A file was moved',
    };
    lines.push(`${what[event.event_type] ?? `A file event (${event.event_type})`}: **${file.name}** in ${file.shown}.`);
    if (event.event_type === 'file.deleted' || !file.exists) lines.push('It is no longer there.');
    else if (file.status) lines.push((STATUS_LINES[file.status] ?? STATUS_LINES.pending)?.(file) as string);
    else lines.push('Titan does not read this kind of file, so it is not searchable.');
    if (file.snippet) lines.push(`It begins: “${file.snippet}”`);
    if (file.exists && file.status === 'indexed') {
      lines.push(
        `You can ask me to summarise ${file.name}, to find something in it, or to compare it with another file.`,
      );
    } else if (file.exists) {
      lines.push(`You can ask me where ${file.name} is, or to list what else is in that folder.`);
    }
  } else {
    const payload = JSON.stringify(event.payload, null, 2);
    lines.push(`Event **${event.event_type}** on ${event.topic} (from ${event.meta.source}) at ${event.timestamp}.`);
    lines.push(`\`\`\`json\n${payload.length > 1500 ? `${payload.slice(0, 1500)}…` : payload}\n\`\`\``);
    lines.push('You can ask me what it means or what to do about it.');
  }
  if (note?.trim()) lines.push(`Your note for this rule: ${note.trim()}`);
  return lines.join('\n\n');
}

const SYSTEM_PROMPT =
  'You are Titan, the user’s local assistant. An automation rule the user set up caught an event. ' +
  'Write a short message to the user (2–4 sentences, Markdown allowed): what happened and where, what the file is ' +
  'about if its text is given (never invent contents), whether it is searchable, and one or two things they could ' +
  'ask you to do with it. Answer in the language of the file name or text when it is clearly not English.';

/** One short completion; throws when the model fails or says nothing. */
async function modelReaction(
  model: ModelClient,
  event: BusEvent,
  file: FileFacts | null,
  note: string | undefined,
  signal: AbortSignal,
): Promise<string> {
  const facts = {
    event: { topic: event.topic, type: event.event_type, at: event.timestamp, source: event.meta.source },
    ...(file
      ? {
          file: {
            name: file.name,
            where: file.shown,
            exists: file.exists,
            ingest_status: file.status,
            passages: file.chunks,
            error: file.error,
            text_begins: file.snippet,
          },
        }
      : { payload: JSON.stringify(event.payload).slice(0, 2000) }),
    ...(note?.trim() ? { user_note_for_this_rule: note.trim() } : {}),
  };
  let text = '';
  for await (const d of model.stream(
    [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: JSON.stringify(facts, null, 2) },
    ],
    [],
    signal,
  )) {
    if (d.type === 'text') text += d.text;
  }
  if (!text.trim()) throw new Error('the model answered with no text');
  return text.trim();
}

const MODEL_TIMEOUT_MS = 60_000;

export async function react(
  deps: { model: ModelClient; settings: () => Settings },
  event: BusEvent,
  file: FileFacts | null,
  note: string | undefined,
  signal: AbortSignal,
): Promise<Reaction> {
  const title = reactionTitle(event, file);
  if (modelConfigured(deps.settings().model)) {
    try {
      const text = await modelReaction(
        deps.model,
        event,
        file,
        note,
        AbortSignal.any([signal, AbortSignal.timeout(MODEL_TIMEOUT_MS)]),
      );
      return { title, text, by: 'model' };
    } catch (err) {
      if (signal.aborted) throw err;
      return { title, text: templateReaction(event, file, note), by: 'template', model_error: (err as Error).message };
    }
  }
  return { title, text: templateReaction(event, file, note), by: 'template' };
}
