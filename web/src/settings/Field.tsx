// Picks the control for one settings key from its JSON Schema: objects → fieldsets, lists → list editors, values →
// ScalarField, and keys with several shapes (or null, for objects) → a choice of shape above that shape's fields.
import { For, Show } from 'solid-js';
import { t } from '../i18n/index.ts';
import { useForm } from './context.ts';
import { ListField } from './ListField.tsx';
import { ObjectBody, ObjectField } from './ObjectField.tsx';
import { Problems, RestartBadge } from './Row.tsx';
import { ScalarField } from './ScalarField.tsx';
import { defaultFor, type JsonSchema, type Path, pathKey, variantFor, variantLabel, variantsOf } from './schema.ts';

export interface FieldProps {
  path: Path;
  schema: JsonSchema;
  optional?: boolean;
  bare?: boolean;
}

export function Field(props: FieldProps) {
  // A key's schema never changes, so the kind of control is chosen once.
  const { nullable, variants } = variantsOf(props.schema);
  const only = variants[0] ?? {};
  const compound = only.type === 'object' || only.type === 'array';
  if (variants.length > 1 || ((nullable || props.optional) && compound)) return <ShapeField {...props} />;
  if (only.type === 'object') return <ObjectField path={props.path} schema={only} />;
  if (only.type === 'array') return <ListField path={props.path} schema={only} />;
  return (
    <ScalarField path={props.path} schema={only} nullable={nullable} optional={props.optional} bare={props.bare} />
  );
}

/** A key that is null (or left out) or one of several shapes: a select of the shape, then that shape's fields. */
function ShapeField(props: FieldProps) {
  const form = useForm();
  const key = pathKey(props.path);
  const { variants } = variantsOf(props.schema);
  const current = () => {
    const v = form.get(props.path);
    return v === null || v === undefined ? -1 : variantFor(v, variants);
  };
  const choose = (i: number) => {
    const s = variants[i];
    form.set(props.path, s ? defaultFor(s) : props.optional ? undefined : null);
  };
  return (
    <fieldset
      class="border border-gray-200 dark:border-gray-700 rounded px-3 pb-2 my-1 min-w-0 flex-1"
      data-field={key}
    >
      <legend class="font-mono text-sm px-1" title={key}>
        {String(props.path[props.path.length - 1])}
        <RestartBadge at={key} />
      </legend>
      <select
        class="input box-border text-inherit max-w-xs"
        name={key}
        data-shape={key}
        value={String(current())}
        onChange={(e) => choose(Number(e.currentTarget.value))}
      >
        <option value="-1">{t('settings.none')}</option>
        <For each={variants}>{(s, i) => <option value={String(i())}>{variantLabel(s)}</option>}</For>
      </select>
      <Problems at={key} />
      <Show when={variants[current()]} keyed>
        {(s) =>
          s.type === 'object' ? (
            <ObjectBody path={props.path} schema={s} />
          ) : (
            <Field path={props.path} schema={s} bare={props.bare} />
          )
        }
      </Show>
    </fieldset>
  );
}
