// The one schema for every settings key: config.json defaults, the user's settings file and PUT /api/settings.
import * as v from 'valibot';
import { cronProblem } from '../autonomy/scheduler/cron.ts';

const int = (min: number, max: number, what: string) =>
  v.pipe(
    v.number(`expected ${what}: a whole number from ${min} to ${max}`),
    v.integer(`expected ${what}: a whole number from ${min} to ${max}`),
    v.minValue(min, `expected ${what}: a whole number from ${min} to ${max}`),
    v.maxValue(max, `expected ${what}: a whole number from ${min} to ${max}`),
  );

const num = (min: number, max: number, what: string) =>
  v.pipe(
    v.number(`expected ${what}: a number from ${min} to ${max}`),
    v.minValue(min, `expected ${what}: a number from ${min} to ${max}`),
    v.maxValue(max, `expected ${what}: a number from ${min} to ${max}`),
  );

const text = (what: string) => v.string(`expected ${what} as a string`);

const url = (schemes: string[], what: string) =>
  v.pipe(
    text(what),
    v.check(
      (s) => {
        try {
          return schemes.includes(new URL(s).protocol.replace(/:$/, ''));
        } catch {
          return false;
        }
      },
      `expected ${what}: a URL starting with ${schemes.map((s) => `${s}://`).join(' or ')}`,
    ),
  );

const hostPort = v.pipe(
  text('a host:port address'),
  v.regex(/^[^\s:]+:\d{1,5}$/, 'expected a host:port address such as "127.0.0.1:26379"'),
);

export const TOPICS = ['chat.v1', 'fs.v1', 'system.v1', 'plugin.v1', 'errors.dlq'] as const;
export const PRIORITIES = ['high', 'medium', 'low'] as const;

const ServerSchema = v.strictObject({
  host: v.pipe(text('the address to listen on'), v.minLength(1, 'expected the address to listen on, e.g. "127.0.0.1"')),
  port: int(0, 65535, 'the port'),
});

const FoldersSchema = v.strictObject({
  allowed: v.array(
    v.pipe(text('a folder path'), v.minLength(1, 'expected a non-empty folder path')),
    'expected a list of folder paths',
  ),
  trash_days: int(0, 3650, 'how many days deleted files stay in the trash (0 keeps them until emptied)'),
  watch: v.boolean('expected true or false: whether to watch the folders for changes'),
});

const LimitsSchema = v.strictObject({
  memory_items: int(100, 10_000_000, 'the maximum number of memories'),
  /** Entities, memories and files in the graph; memory GC drops orphans, then the weakest relations, when over it. */
  graph_nodes: int(100, 100_000_000, 'the maximum number of graph nodes'),
  cache_messages: int(1, 10_000, 'how many recent messages the cache keeps per conversation'),
  cache_ttl_s: int(1, 30 * 24 * 3600, 'the cache time-to-live in seconds'),
  upload_mb: int(1, 100_000, 'the upload size limit in MB'),
  body_kb: int(1, 1_048_576, 'the request body limit in KB'),
  logs_mb: int(1, 100_000, 'the size cap of all log files together in MB'),
});

const ModelSchema = v.strictObject({
  provider: v.picklist(
    ['openai', 'openai-compatible', 'none'],
    'expected the model provider: "openai", "openai-compatible" or "none"',
  ),
  base_url: v.nullable(url(['http', 'https'], 'the model base URL')),
  api_key: text('the API key'),
  model: text('the model name'),
  temperature: num(0, 2, 'the temperature'),
  max_tokens: int(1, 1_000_000, 'the maximum number of tokens in an answer'),
});

const EmbeddingsSchema = v.strictObject({
  provider: v.picklist(
    ['offline', 'openai', 'openai-compatible'],
    'expected the embeddings provider: "offline", "openai" or "openai-compatible"',
  ),
  base_url: v.nullable(url(['http', 'https'], 'the embeddings base URL')),
  model: text('the embeddings model name'),
  dimensions: int(8, 4000, 'the embedding dimensions'),
});

const RedisSchema = v.union(
  [
    v.strictObject({ url: url(['redis', 'rediss'], 'the Redis URL'), ca_file: v.optional(text('a CA file path')) }),
    v.strictObject({
      sentinel: v.strictObject({
        nodes: v.pipe(v.array(hostPort), v.minLength(1, 'expected at least one Sentinel node')),
        name: text('the Sentinel master name'),
        password: v.optional(text('the Redis password')),
        /** Replicas that must have each published event before publish returns (survives a failover). */
        wait_replicas: v.optional(int(0, 10, 'the number of replicas to wait for')),
      }),
    }),
    v.strictObject({
      cluster: v.strictObject({
        nodes: v.pipe(v.array(hostPort), v.minLength(1, 'expected at least one Cluster node')),
        password: v.optional(text('the Redis password')),
      }),
    }),
  ],
  'expected {"url": "redis://…"}, {"sentinel": {"nodes": [...], "name": "…"}} or {"cluster": {"nodes": [...]}}',
);

const ServicesSchema = v.strictObject({
  redis: v.nullable(RedisSchema),
  postgres: v.nullable(v.strictObject({ url: url(['postgres', 'postgresql'], 'the Postgres URL') })),
  neo4j: v.nullable(
    v.strictObject({
      url: url(['bolt', 'bolt+s', 'neo4j', 'neo4j+s'], 'the Neo4j URL'),
      user: text('the Neo4j user'),
      password: text('the Neo4j password'),
    }),
  ),
});

const StreamSchema = v.strictObject({
  name: v.picklist(TOPICS, `expected a stream name: one of ${TOPICS.join(', ')}`),
  maxlen: int(100, 100_000_000, 'the stream length cap'),
  rate_limit: int(1, 1_000_000, 'the rate limit in messages per second'),
  retry_limit: int(0, 100, 'the number of retries before the dead-letter queue'),
});

const BusSchema = v.strictObject({
  streams: v.array(StreamSchema, 'expected a list of streams'),
  priority_weights: v.strictObject({
    high: int(1, 1000, 'the weight of high priority'),
    medium: int(1, 1000, 'the weight of medium priority'),
    low: int(1, 1000, 'the weight of low priority'),
  }),
  global_rate_limit: int(1, 10_000_000, 'the global rate limit in messages per second'),
  snapshots: v.strictObject({
    /** No longer used (kept so older settings files stay valid): the scheduler's bus-snapshot job sets when. */
    interval_min: v.optional(int(1, 1440, 'the snapshot interval in minutes')),
    endpoint: v.nullable(url(['http', 'https'], 'the S3 endpoint URL')),
    bucket: text('the S3 bucket'),
    region: text('the S3 region'),
    access_key_id: text('the S3 access key id'),
    secret_access_key: text('the S3 secret access key'),
    force_path_style: v.boolean('expected true or false'),
  }),
  grpc: v.strictObject({
    enabled: v.boolean('expected true or false'),
    port: int(0, 65535, 'the gRPC port (on 127.0.0.1)'),
  }),
});

const MissedSchema = v.picklist(
  ['skip', 'run_once'],
  'expected "skip" (runs missed while asleep or off are dropped) or "run_once" (one catch-up run)',
);

const JobSchema = v.strictObject({
  id: v.pipe(
    text('a job id'),
    v.regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a job id of lowercase letters, digits and dashes'),
  ),
  cron: v.pipe(
    text('a cron expression'),
    v.minLength(1, 'expected a cron expression such as "0 3 * * *"'),
    v.rawCheck(({ dataset, addIssue }) => {
      const problem = dataset.typed ? cronProblem(dataset.value) : null;
      if (problem) addIssue({ message: problem });
    }),
  ),
  enabled: v.boolean('expected true or false'),
  /** Overrides scheduler.missed for this job. */
  missed: v.optional(MissedSchema),
});

/** Built-in jobs (ids from the scheduler; entries override their cron/enabled) and how missed runs are treated. */
const SchedulerSchema = v.strictObject({
  /** Runs missed while the machine slept or Titan was off: skip them, or run once when Titan notices. */
  missed: MissedSchema,
  /** Runs kept per job in the history (older ones are deleted). */
  history: int(10, 10_000, 'how many runs of each job to keep'),
  jobs: v.array(JobSchema, 'expected a list of jobs'),
});

export const CHAT_TOOLS = [
  'list_files',
  'read_file',
  'write_file',
  'search_files',
  'ingest_file',
  'memory_search',
  'memory_save',
  'memory_forget',
  'graph_query',
] as const;
export type ChatToolName = (typeof CHAT_TOOLS)[number];

const Approval = v.picklist(
  ['auto', 'ask', 'never'],
  'expected "auto" (run it), "ask" (wait for the user to approve) or "never" (refuse it)',
);

const ChatSchema = v.strictObject({
  /** Said to the model before anything else; empty uses the built-in prompt. */
  system_prompt: text('the system prompt'),
  history_messages: int(0, 500, 'how many recent messages of the conversation go to the model'),
  context_tokens: int(0, 1_000_000, 'the token budget for retrieved memories and file passages'),
  max_tool_rounds: int(0, 50, 'how many rounds of tool calls one answer may take'),
  max_turn_tokens: int(256, 10_000_000, 'the most tokens one answer (all its rounds) may use'),
  /** Where files dropped into the chat are saved: a folder inside an allowed folder (relative to home or absolute). */
  attachments_folder: v.pipe(text('a folder path'), v.minLength(1, 'expected a folder path such as "Downloads/Titan"')),
  tools: v.strictObject(
    Object.fromEntries(CHAT_TOOLS.map((t) => [t, Approval])) as Record<ChatToolName, typeof Approval>,
  ),
});

const AuthSchema = v.strictObject({
  token_ttl_h: int(1, 24 * 365, 'the login token lifetime in hours'),
  login_attempts_per_minute: int(1, 1000, 'the number of login attempts allowed per minute'),
});

const GoalsSchema = v.strictObject({
  /** A new goal's budget when it names none: tool calls per run. */
  max_steps: int(0, 1000, 'how many tool steps a goal run may take unless the goal says otherwise'),
  /** …and tokens per run (prompt + completion, all model requests). */
  max_tokens: int(256, 10_000_000, 'how many tokens a goal run may use unless the goal says otherwise'),
  /** Goal runs working at once across all goals; more wait, queued. */
  concurrent_runs: int(1, 16, 'how many goal runs may work at once'),
});

const McpServerSchema = v.pipe(
  v.strictObject({
    /** Names its tools in chat: `mcp_<name>_<tool>`. */
    name: v.pipe(
      text('the MCP server name'),
      v.regex(/^[A-Za-z0-9_-]{1,32}$/, 'expected an MCP server name of 1–32 letters, digits, "_" or "-"'),
    ),
    /** A program Titan starts and talks to over stdin/stdout (set this or `url`). */
    command: v.optional(v.pipe(text('the command'), v.minLength(1, 'expected a command such as "npx"'))),
    args: v.optional(v.array(text('an argument'), 'expected a list of arguments'), []),
    /** Added to the program's environment; every value is masked in the API (keys and tokens go here). */
    env: v.optional(v.record(v.string(), text('an environment value'), 'expected {"NAME": "value"}'), {}),
    /** A Streamable HTTP endpoint (set this or `command`). */
    url: v.optional(url(['http', 'https'], 'the MCP server URL')),
    /** Sent with every HTTP request (e.g. Authorization); every value is masked in the API. */
    headers: v.optional(v.record(v.string(), text('a header value'), 'expected {"Header": "value"}'), {}),
    enabled: v.optional(v.boolean('expected true or false: whether to connect to this server'), true),
    /** How long connecting and each tool call may take. */
    timeout_ms: v.optional(int(100, 600_000, 'how long an MCP call may take, in ms'), 30_000),
  }),
  v.check(
    (s) => (s.command === undefined) !== (s.url === undefined),
    'expected either "command" (a program to start) or "url" (an HTTP endpoint) for each MCP server, not both',
  ),
);

const McpSchema = v.strictObject({
  /** Serve Titan's file and memory tools over MCP (`titan mcp` on stdio, POST /mcp with a token). */
  server_enabled: v.boolean('expected true or false: whether Titan serves MCP'),
  /** Let MCP clients run tools whose approval is "ask" (write_file, memory_forget): nobody can approve inside MCP. */
  allow_writes: v.boolean('expected true or false: whether MCP clients may run tools that need approval'),
  /** MCP servers whose tools the assistant may call in chat. */
  servers: v.pipe(
    v.array(McpServerSchema, 'expected a list of MCP servers'),
    v.check(
      (list) => new Set(list.map((s) => s.name)).size === list.length,
      'expected each MCP server to have its own name',
    ),
  ),
});

const PluginsSchema = v.strictObject({
  /** Whether plugins run at all; off stops every plugin process and withdraws their tools. */
  enabled: v.boolean('expected true or false: whether plugins run'),
  /** Folders holding one folder per plugin, besides `<data dir>/plugins` (always read); relative to the working directory. */
  dirs: v.array(
    v.pipe(text('a folder path'), v.minLength(1, 'expected a non-empty folder path')),
    'expected a list of folder paths',
  ),
  /** Plugins turned off by the user (by name): not started until enabled again. */
  disabled: v.array(text('a plugin name'), 'expected a list of plugin names'),
  /** Reload a plugin when its folder changes (manifest or code). */
  watch: v.boolean('expected true or false: whether to reload plugins when their files change'),
  call_timeout_ms: int(100, 600_000, 'how long a plugin tool call may take, in ms'),
  event_timeout_ms: int(100, 600_000, 'how long a plugin may take to handle one event, in ms'),
  start_timeout_ms: int(100, 120_000, 'how long a plugin may take to start, in ms'),
  memory_mb: int(16, 16_384, 'the heap limit of each plugin process in MB'),
  max_restarts: int(0, 100, 'how many failures within the window a plugin may have before it is disabled'),
  restart_window_s: int(1, 86_400, 'the window in seconds in which plugin failures are counted'),
  backoff_ms: int(1, 600_000, 'the first wait before restarting a failed plugin, in ms (doubled each time)'),
  backoff_max_ms: int(1, 3_600_000, 'the longest wait before restarting a failed plugin, in ms'),
});

export const TRIGGER_TOPICS = ['chat.v1', 'fs.v1', 'system.v1', 'plugin.v1'] as const;

export const TRIGGER_ACTIONS = ['ingest', 'notify', 'goal', 'plugin_tool'] as const;

const hasText = (s: string | undefined) => Boolean(s?.trim());

// One object with a `type` rather than a union of shapes: the settings form shows it as one set of fields.
const TriggerActionSchema = v.pipe(
  v.strictObject({
    /** ingest: the event's file into memory; notify: the assistant reacts in a new conversation a notification
     * opens; goal: start a goal run; plugin_tool: call a plugin's tool. */
    type: v.picklist(
      TRIGGER_ACTIONS,
      'expected an action type: "ingest", "notify", "goal" (with "goal_id") or "plugin_tool" (with "plugin" and "tool")',
    ),
    /** notify: said to the assistant with the event (what to look for, what to suggest). */
    message: v.optional(text('the note for the assistant')),
    goal_id: v.optional(text('the goal id')),
    plugin: v.optional(text('the plugin name')),
    tool: v.optional(text('the plugin tool name')),
    /** plugin_tool: string values may hold {{path}}, {{name}}, {{event_type}}, {{topic}}, {{event_id}}. */
    arguments: v.optional(v.record(v.string(), v.unknown(), 'expected the tool arguments as a JSON object')),
  }),
  // Reported at the missing field, so the form marks it.
  v.forward(
    v.partialCheck(
      [['type'], ['goal_id']],
      (a) => a.type !== 'goal' || hasText(a.goal_id),
      'a "goal" action needs "goal_id": the id of the goal to start',
    ),
    ['goal_id'],
  ),
  v.forward(
    v.partialCheck(
      [['type'], ['plugin']],
      (a) => a.type !== 'plugin_tool' || hasText(a.plugin),
      'a "plugin_tool" action needs "plugin": the name of the plugin',
    ),
    ['plugin'],
  ),
  v.forward(
    v.partialCheck(
      [['type'], ['tool']],
      (a) => a.type !== 'plugin_tool' || hasText(a.tool),
      'a "plugin_tool" action needs "tool": the name of the plugin\'s tool',
    ),
    ['tool'],
  ),
);

const TriggerRuleSchema = v.strictObject({
  id: v.pipe(
    text('a rule id'),
    v.regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a rule id of lowercase letters, digits and dashes'),
  ),
  enabled: v.boolean('expected true or false: whether the rule fires'),
  topic: v.picklist(TRIGGER_TOPICS, `expected the topic the rule listens to: one of ${TRIGGER_TOPICS.join(', ')}`),
  /** Exact ("file.created") or a glob ("file.*", "*"). */
  event_type: v.pipe(
    text('an event type'),
    v.regex(/^[a-z0-9_.*?]+$/, 'expected an event type such as "file.created" or a glob such as "file.*"'),
  ),
  /** Matched (case-insensitively) against the event's path: relative to its folder ("Downloads/a.pdf"), to home, or absolute. */
  path_glob: v.optional(
    v.pipe(text('a path glob'), v.minLength(1, 'expected a path glob such as "Downloads/**/*.pdf", or leave it out')),
  ),
  action: TriggerActionSchema,
});

const TriggersSchema = v.strictObject({
  rules: v.pipe(
    v.array(TriggerRuleSchema, 'expected a list of trigger rules'),
    v.check(
      (list) => new Set(list.map((r) => r.id)).size === list.length,
      'expected each trigger rule to have its own id',
    ),
  ),
});

const UpdateSchema = v.strictObject({
  /** Whether Titan may ask the releases API at all (the Settings button, GET /api/update/check); off = no network call. */
  check: v.boolean('expected true or false: whether Titan may check for updates'),
  /** Also check once at start, in the background; off by default so Titan never calls out unasked. */
  auto: v.boolean('expected true or false: whether to check for updates at start'),
  /** The GitHub repository whose latest release is compared with the running version. */
  repository: v.pipe(
    text('the update repository'),
    v.regex(/^[\w.-]+\/[\w.-]+$/, 'expected the update repository as "owner/name"'),
  ),
  api_url: url(['http', 'https'], 'the releases API base URL'),
  cache_ttl_min: int(0, 10_080, 'how many minutes an update answer is reused'),
});

export const SettingsSchema = v.strictObject({
  server: ServerSchema,
  folders: FoldersSchema,
  limits: LimitsSchema,
  model: ModelSchema,
  chat: ChatSchema,
  embeddings: EmbeddingsSchema,
  services: ServicesSchema,
  bus: BusSchema,
  scheduler: SchedulerSchema,
  triggers: TriggersSchema,
  plugins: PluginsSchema,
  goals: GoalsSchema,
  mcp: McpSchema,
  auth: AuthSchema,
  telemetry: v.strictObject({
    /** OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces; null keeps tracing off. */
    otlp_endpoint: v.nullable(url(['http', 'https'], 'the OTLP traces endpoint')),
  }),
  update: UpdateSchema,
  log_level: v.picklist(
    ['trace', 'debug', 'info', 'warn', 'error'],
    'expected a log level: trace, debug, info, warn or error',
  ),
});

export type Settings = v.InferOutput<typeof SettingsSchema>;

/** Paths (dotted) of every value that must never be shown: masked in the API, redacted in logs. */
export const SECRET_PATHS = [
  'model.api_key',
  'services.neo4j.password',
  'services.redis.sentinel.password',
  'services.redis.cluster.password',
  'bus.snapshots.secret_access_key',
] as const;

/**
 * Lists whose entries carry maps of secrets (an MCP server's env and headers hold tokens under any name): every value
 * is masked, and a masked value sent back keeps the one of the entry with the same `name`.
 */
export const SECRET_MAPS = [{ list: 'mcp.servers', fields: ['env', 'headers'] }] as const;

/** Keys (dotted paths) read once at start-up: changing them through the API takes effect after a restart. */
export const RESTART_KEYS = ['server', 'services', 'embeddings', 'telemetry', 'bus.grpc', 'bus.snapshots'] as const;
