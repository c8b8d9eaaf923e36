// Exports one conversation as Markdown (for reading and sharing) or JSON (complete, for backup and tools).
import type { Conversation, Message, ToolCall } from './types.ts';

export type ExportFormat = 'md' | 'json';

const ROLE_HEADING: Record<Message['role'], string> = {
  system: 'System',
  user: 'User',
  assistant: 'Assistant',
  tool: 'Tool result',
};

const STATUS_NOTE: Record<Message['status'], string> = {
  complete: '',
  partial: '\n\n_(stopped before the end)_',
  error: '\n\n_(this answer failed)_',
};

/** A fenced block that no backtick run inside `text` can close early. */
function fenced(text: string, lang = ''): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${text}\n${fence}`;
}

/** Pretty JSON when the text is JSON, else the text as it is. */
function asJson(text: string): { text: string; lang: string } {
  try {
    return { text: JSON.stringify(JSON.parse(text), null, 2), lang: 'json' };
  } catch {
    return { text, lang: '' };
  }
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

function toolCallBlock(call: ToolCall): string {
  const args = asJson(call.arguments);
  return `**Tool call** \`${oneLine(call.name)}\` (id \`${oneLine(call.id)}\`):\n\n${fenced(args.text, args.lang || 'json')}`;
}

function messageBlock(m: Message): string {
  const heading = `## ${ROLE_HEADING[m.role]} · ${m.created_at}`;
  const parts: string[] = [];
  if (m.role === 'tool') {
    const body = asJson(m.content);
    if (m.tool_call_id) parts.push(`For call \`${oneLine(m.tool_call_id)}\`:`);
    parts.push(fenced(body.text, body.lang));
  } else if (m.content !== '') {
    parts.push(m.content);
  }
  for (const call of m.tool_calls) parts.push(toolCallBlock(call));
  const body = parts.join('\n\n') || '_(empty)_';
  return `${heading}\n\n${body}${STATUS_NOTE[m.status]}`;
}

export function conversationMarkdown(conversation: Conversation, messages: Message[]): string {
  const head = [
    `# ${oneLine(conversation.title)}`,
    '',
    `- Conversation: \`${conversation.id}\``,
    `- Created: ${conversation.created_at}`,
    `- Updated: ${conversation.updated_at}`,
    ...(conversation.deleted_at ? [`- Deleted: ${conversation.deleted_at}`] : []),
    `- Messages: ${messages.length}`,
  ].join('\n');
  return `${[head, ...messages.map(messageBlock)].join('\n\n---\n\n')}\n`;
}

export interface ConversationExport {
  format: 'titan.conversation';
  version: 1;
  exported_at: string;
  conversation: Conversation;
  messages: Message[];
}

export function conversationJson(conversation: Conversation, messages: Message[]): ConversationExport {
  return {
    format: 'titan.conversation',
    version: 1,
    exported_at: new Date().toISOString(),
    conversation,
    messages,
  };
}

/** A download name: `titan-chat-<title as a slug>-<date>.<ext>`, ASCII-safe, with the id when the title has no letters. */
export function exportFileName(conversation: Conversation, format: ExportFormat): string {
  const slug = conversation.title
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
    .slice(0, 60);
  return `titan-chat-${slug || conversation.id}-${conversation.created_at.slice(0, 10)}.${format}`;
}
