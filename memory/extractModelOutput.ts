// What the model-backed extractor asks for and accepts: the system prompt, the output schema (valibot, and the JSON
// schema derived from it for `response_format`), and the mapping of a validated answer to candidates.
import { toJsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';
import { ExtractorError } from './errors/extractorError.ts';
import { type Candidate, topic } from './extract.ts';
import type { GraphEntity, GraphRelation } from './types.ts';

export const EXTRACTION_SCHEMA_NAME = 'memory_candidates';

/** The kinds a message can yield; summaries, messages and document chunks come from elsewhere. */
const KINDS = ['fact', 'preference', 'task', 'event'] as const;

const Entity = v.strictObject({
  name: v.pipe(v.string(), v.description('The name as written, e.g. "Sarah Collins", «Барсик».')),
  type: v.pipe(v.string(), v.description('person, organization, place, pet or thing (lower case).')),
});

const Relation = v.strictObject({
  from: Entity,
  to: Entity,
  type: v.pipe(v.string(), v.description('A snake_case verb phrase: works_at, lives_in, owns, knows, married_to.')),
  weight: v.pipe(v.number(), v.description('Confidence from 0 to 1.')),
});

const ModelMemory = v.strictObject({
  action: v.pipe(v.picklist(['save', 'forget']), v.description('"forget" when the user asks to forget something.')),
  kind: v.picklist(KINDS),
  text: v.pipe(v.string(), v.description('One short self-contained statement; for "forget", only what to forget.')),
  importance: v.pipe(v.number(), v.description('From 0 to 1.')),
  slot: v.pipe(
    v.nullable(v.string()),
    v.description('"pref:<topic>" or "my:<attribute>" when a newer statement should replace an older one; else null.'),
  ),
  entities: v.array(Entity),
  relations: v.array(Relation),
});

export const ExtractionSchema = v.strictObject({ memories: v.array(ModelMemory) });

/**
 * The JSON schema sent with `strict: true`: every property required, no additional ones, nullable slot as anyOf —
 * the subset OpenAI's structured outputs accept. `$schema` is dropped; the API does not need it.
 */
export const EXTRACTION_JSON_SCHEMA: Record<string, unknown> = (() => {
  const { $schema: _, ...schema } = toJsonSchema(ExtractionSchema) as Record<string, unknown>;
  return schema;
})();

export const EXTRACTION_PROMPT = `You extract long-term memories from one message a user wrote to their personal assistant.
The message may be in English, Russian or both; write each memory in the language of the message.
Return {"memories": [...]}, an empty list when nothing is worth remembering (greetings, questions, small talk).
Extract:
- facts about the user and their world ("My passport expires in May", «Мой врач — доктор Марш») — kind "fact";
- stated preferences, likes and dislikes ("I prefer aisle seats", «Я не люблю кофе») — kind "preference";
- tasks and reminders ("I need to renew the insurance", «Напомни купить корм») — kind "task";
- dated or scheduled events ("Dentist on March 3", «Встреча в пятницу») — kind "event";
- the people, organisations, places and pets named, as entities, and the relations between them
  ("Sarah works at Northwind" → works_at).
An explicit request to remember ("remember …", «запомни …») is always saved, with importance 0.8 or more; other
facts and preferences 0.5–0.7; passing details lower.
A request to forget ("forget …", "forget about …", «забудь …», «забудь про …») is action "forget", and its text is
only what to forget (e.g. "Biscuit the beagle", «Барсик»), with no entities or relations.
Use slot "pref:<topic>" for a preference and "my:<attribute>" for a fact about the user's own things (e.g.
"pref:black coffee", "my:phone number", «my:адрес»), in the message's words, so a later statement about the same
thing replaces it; null otherwise. Keep the user's wording; never invent what the message does not say.

Ты извлекаешь долговременные воспоминания из сообщения пользователя: факты о нём и его мире, предпочтения, задачи и
напоминания, события с датами, названных людей, организации, места и питомцев (сущности) и связи между ними.
«Запомни …» — сохранить с важностью не ниже 0.8; «забудь …» — действие "forget", в text только то, что забыть.
Пиши воспоминания на языке сообщения и ничего не выдумывай.`;

/** Parses and validates the model's text; throws ExtractorError('extractor_invalid_output') when it does not fit. */
export function parseExtraction(content: string | null | undefined): Candidate[] {
  // Some compatible servers ignore response_format and fence the JSON; the fences are all that is forgiven.
  const raw = (content ?? '').trim().replace(/^```(?:json)?\s*|\s*```$/g, '');
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new ExtractorError('extractor_invalid_output', `the model's extraction is not JSON: ${preview(raw)}`, {
      cause: err,
    });
  }
  const parsed = v.safeParse(ExtractionSchema, json);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const where = v.getDotPath(issue) ?? '(root)';
    throw new ExtractorError(
      'extractor_invalid_output',
      `the model's extraction does not match the schema at ${where}: ${issue.message}`,
    );
  }
  return parsed.output.memories.flatMap(toCandidate);
}

function preview(s: string): string {
  return s.length > 80 ? `${s.slice(0, 80)}…` : s || '(empty)';
}

type ModelMemoryOut = v.InferOutput<typeof ModelMemory>;

function toCandidate(m: ModelMemoryOut): Candidate[] {
  const text = m.text.trim();
  if (!text) return [];
  if (m.action === 'forget')
    return [{ action: 'forget', kind: 'fact', text, importance: 0, entities: [], relations: [] }];
  const entities = m.entities.flatMap(entity);
  const relations = m.relations.flatMap((r): GraphRelation[] => {
    const [from, to] = [entity(r.from)[0], entity(r.to)[0]];
    const type = r.type.trim();
    return from && to && type ? [{ from, to, type, weight: clamp01(r.weight) }] : [];
  });
  const slot = slotOf(m.slot);
  return [
    {
      action: 'save',
      kind: m.kind,
      text,
      importance: clamp01(m.importance),
      ...(slot ? { slot } : {}),
      entities,
      relations,
    },
  ];
}

/** Graph identity needs a name and a type: blank names are dropped, a blank type becomes "thing". */
function entity(e: GraphEntity): GraphEntity[] {
  const name = e.name.trim();
  return name ? [{ name, type: e.type.trim().toLowerCase() || 'thing' }] : [];
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.max(0, Math.min(1, x)) : 0.5;
}

/**
 * "pref:Black Coffee" → "pref:black coffe": the topic keyed as the heuristic extractor keys it (first two meaningful
 * words, stemmed), so a model-found and a heuristic-found statement about one thing share a slot.
 */
function slotOf(slot: string | null): string | undefined {
  const s = slot?.trim().toLowerCase();
  if (!s) return undefined;
  const m = s.match(/^(pref|my)\s*:\s*(.+)$/u);
  if (!m) return s;
  const t = topic(m[2] as string);
  return t ? `${m[1]}:${t}` : undefined;
}
