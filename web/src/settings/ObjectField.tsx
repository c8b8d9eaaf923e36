// An object key: a fieldset of its keys, each rendered by Field (so objects nest as deep as the schema does).
import { For } from 'solid-js';
import { Field } from './Field.tsx';
import { Problems, RestartBadge } from './Row.tsx';
import { type JsonSchema, type Path, pathKey } from './schema.ts';

/** The keys of an object, one Field each, in the schema's order; optional keys may be left empty. */
export function ObjectBody(props: { path: Path; schema: JsonSchema }) {
  const required = new Set(props.schema.required ?? []);
  return (
    <For each={Object.entries(props.schema.properties ?? {})}>
      {([k, sub]) => <Field path={[...props.path, k]} schema={sub} optional={!required.has(k)} />}
    </For>
  );
}

export function ObjectField(props: { path: Path; schema: JsonSchema }) {
  const key = pathKey(props.path);
  return (
    <fieldset
      class="border border-gray-200 dark:border-gray-700 rounded px-3 pb-2 my-1 min-w-0 flex-1"
      data-field={key}
    >
      <legend class="font-mono text-sm px-1" title={key}>
        {String(props.path[props.path.length - 1])}
        <RestartBadge at={key} />
      </legend>
      <Problems at={key} />
      <ObjectBody path={props.path} schema={props.schema} />
    </fieldset>
  );
}
