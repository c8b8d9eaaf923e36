// ApiRoutes: declares each /api route once — method, path, schemas, handler — and derives validation, auth and OpenAPI from it.
import { toJsonSchema } from '@valibot/to-json-schema';
import type { Context, Hono } from 'hono';
import type * as v from 'valibot';
import { type AnySchema, readJsonBody, readParams, readQuery } from './validate.ts';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteSpec<
  Q extends AnySchema | undefined,
  B extends AnySchema | undefined,
  P extends AnySchema | undefined,
> {
  method: Method;
  /** Hono-style path under the app, e.g. `/api/memory/:id`. */
  path: string;
  summary: string;
  tag: string;
  /** Public routes need no token; every other route does. */
  public?: boolean;
  query?: Q;
  body?: B;
  params?: P;
  /** Schema of the success body (JSON); omit for non-JSON answers. */
  response?: AnySchema;
  status?: 200 | 201 | 202 | 204;
  /** Other success statuses answered with the same body (a run started → 202, or finished with ?wait=true → 200). */
  alsoStatus?: (200 | 201 | 202)[];
  /** Error statuses this route can answer besides 400/401/500 (and 204 when it can answer with nothing). */
  errors?: number[];
}

type Out<S> = S extends AnySchema ? v.InferOutput<S> : undefined;
export interface RouteInput<Q, B, P> {
  query: Out<Q>;
  body: Out<B>;
  params: Out<P>;
}

type Handler<Q, B, P> = (c: Context, input: RouteInput<Q, B, P>) => Response | Promise<Response>;

// biome-ignore lint/suspicious/noExplicitAny: the registry holds specs of every shape
type AnySpec = RouteSpec<any, any, any>;

/** A schema piped through `v.metadata({ jsonSchema })` is documented as that JSON schema (see validate.ts's intParam). */
function documentedAs(schema: unknown): Record<string, unknown> | undefined {
  const pipe = (schema as { pipe?: { type?: string; metadata?: { jsonSchema?: Record<string, unknown> } }[] }).pipe;
  return pipe?.find((a) => a.type === 'metadata' && a.metadata?.jsonSchema)?.metadata?.jsonSchema;
}

const jsonSchema = (schema: AnySchema, typeMode: 'input' | 'output') =>
  toJsonSchema(schema, {
    target: 'openapi-3.0',
    typeMode,
    errorMode: 'ignore',
    overrideSchema: (ctx) => documentedAs(ctx.valibotSchema) as ReturnType<typeof toJsonSchema> | undefined,
  });

export class ApiRoutes {
  private readonly specs: AnySpec[] = [];
  private readonly publicKeys = new Set<string>();

  private readonly app: Hono;

  constructor(app: Hono) {
    this.app = app;
  }

  add<
    Q extends AnySchema | undefined = undefined,
    B extends AnySchema | undefined = undefined,
    P extends AnySchema | undefined = undefined,
  >(spec: RouteSpec<Q, B, P>, handler: Handler<Q, B, P>): void {
    this.specs.push(spec);
    if (spec.public) this.publicKeys.add(`${spec.method.toUpperCase()} ${spec.path}`);
    this.app.on(spec.method.toUpperCase(), spec.path, async (c) => {
      const input = {
        query: spec.query ? readQuery(c, spec.query) : undefined,
        params: spec.params ? readParams(c, spec.params) : undefined,
        body: spec.body ? await readJsonBody(c, spec.body) : undefined,
      } as RouteInput<Q, B, P>;
      return handler(c, input);
    });
  }

  /** Documents a route served by its own handler (SSE, WebSocket) so it appears in OpenAPI like the others. */
  document<Q extends AnySchema | undefined = undefined>(
    spec: RouteSpec<Q, undefined, undefined> & { description?: string },
  ): void {
    this.specs.push(spec);
    if (spec.public) this.publicKeys.add(`${spec.method.toUpperCase()} ${spec.path}`);
  }

  /** Whether a request may pass without a token: only routes declared public, matched exactly. */
  isPublic(method: string, path: string): boolean {
    return this.publicKeys.has(`${method.toUpperCase()} ${path}`);
  }

  list(): readonly AnySpec[] {
    return this.specs;
  }

  openapi(info: { title: string; version: string; description: string }): object {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const s of this.specs) {
      // `:id{regex}` (a hono parameter with a pattern) is `{id}` in OpenAPI; the params schema carries the pattern.
      const path = s.path.replace(/:([A-Za-z_]+)(\{[^/]*\})?/g, '{$1}');
      const parameters: unknown[] = [];
      for (const [where, schema] of [
        ['query', s.query],
        ['path', s.params],
      ] as const) {
        if (!schema) continue;
        const js = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
        for (const [name, prop] of Object.entries(js.properties ?? {})) {
          parameters.push({
            name,
            in: where,
            required: where === 'path' || (js.required ?? []).includes(name),
            schema: prop,
          });
        }
      }
      const status = String(s.status ?? 200);
      const responses: Record<string, unknown> = {
        [status]:
          status === '204'
            ? { description: 'Done' }
            : {
                description: 'Success',
                ...(s.response
                  ? { content: { 'application/json': { schema: jsonSchema(s.response, 'output') } } }
                  : {}),
              },
      };
      // A JSON body can also be too large (413) or not JSON (415); any route can find a service down (503).
      for (const also of s.alsoStatus ?? []) responses[String(also)] = responses[status];
      const errorCodes = new Set([
        400,
        500,
        503,
        ...(s.public ? [] : [401]),
        ...(s.body ? [413, 415] : []),
        // A path parameter's value can name a sibling route (/api/memory/stats), which takes other methods.
        ...(s.path.includes('/:') ? [405] : []),
        // A URL over 32 KB is refused (414); over Node's header limit (1 MB), Node refuses it itself (431).
        ...(s.query ? [414, 431] : []),
        ...(s.errors ?? []),
      ]);
      for (const code of errorCodes) {
        // A 204 among them is an empty success (an SSE route with nothing to stream), not an error body.
        responses[String(code)] =
          code === 204 ? { description: 'Nothing to send' } : { $ref: '#/components/responses/Error' };
      }
      paths[path] ??= {};
      paths[path][s.method] = {
        summary: s.summary,
        tags: [s.tag],
        operationId: `${s.method}${s.path
          .replace(/\{[^/]*\}/g, '')
          .replace(/[/:]+([a-z])/gi, (_, ch: string) => ch.toUpperCase())
          .replace(/[^A-Za-z0-9]/g, '')}`,
        ...(s.public ? { security: [] } : {}),
        ...(parameters.length ? { parameters } : {}),
        ...(s.body
          ? {
              requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(s.body, 'input') } } },
            }
          : {}),
        responses,
      };
    }
    return {
      openapi: '3.0.3',
      info,
      servers: [{ url: '/' }],
      security: [{ bearer: [] }],
      paths,
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        schemas: {
          Error: {
            type: 'object',
            required: ['error'],
            properties: {
              error: {
                type: 'object',
                required: ['code', 'message'],
                properties: { code: { type: 'string' }, message: { type: 'string' } },
              },
            },
          },
        },
        responses: {
          Error: {
            description: 'An error with a code and a message that says what to do',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
        },
      },
    };
  }
}
