// PluginError: every failure of a plugin call or host call, with a stable code a caller (chat, goals, routes) can map.
export type PluginErrorCode =
  | 'plugin_not_found'
  | 'plugin_unavailable'
  | 'plugin_unknown_tool'
  | 'plugin_timeout'
  | 'plugin_crashed'
  | 'plugin_tool_failed'
  | 'plugin_refused'
  | 'invalid_arguments';

export class PluginError extends Error {
  readonly code: PluginErrorCode;

  constructor(code: PluginErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PluginError';
    this.code = code;
  }
}
