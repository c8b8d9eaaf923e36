// A plugin's manifest tools as chat tools named `<plugin>_<tool>`: the manifest's JSON schema goes to the model as is
// and checks the arguments before the call; risk decides the default approval (write → ask) like built-in tools.
import type { ChatTool } from '../../chat/types.ts';
import type { PluginToolCaller } from '../types.ts';
import { argumentsSchema, compileSchema } from './jsonSchema.ts';
import { exposedToolName, type Manifest } from './manifest.ts';

/** Compiles every tool's schema; a schema that cannot be compiled makes the plugin invalid (the reason says which). */
export function pluginTools(manifest: Manifest, caller: PluginToolCaller): ChatTool[] | string {
  const tools: ChatTool[] = [];
  for (const t of manifest.tools) {
    const validate = compileSchema(t.parameters);
    if (typeof validate === 'string')
      return `tool "${t.name}": its parameters are not a usable JSON schema: ${validate}`;
    tools.push({
      name: exposedToolName(manifest.name, t.name),
      description: `${t.description} (plugin ${manifest.name})`,
      schema: argumentsSchema(validate),
      parameters: t.parameters,
      risk: t.risk,
      run: (args, ctx) => caller.callTool(manifest.name, t.name, args, ctx.signal),
    });
  }
  return tools;
}
