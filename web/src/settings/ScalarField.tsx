// A single value: a checkbox (boolean), a select (enum), a number with its bounds, or text — a password box for
// secrets, which shows the daemon's mask and keeps the stored secret unless replaced. Null and left-out keys are
// written by leaving the box empty.
import { For, Match, Switch } from 'solid-js';
import { t } from '../i18n/index.ts';
import { useForm } from './context.ts';
import { Problems, Row } from './Row.tsx';
import { type JsonSchema, type Path, pathKey } from './schema.ts';

export interface ScalarProps {
  path: Path;
  schema: JsonSchema;
  nullable?: boolean;
  optional?: boolean;
  /** Inside a list: no label row, the list labels its items. */
  bare?: boolean;
}

export function ScalarField(props: ScalarProps) {
  const form = useForm();
  const key = pathKey(props.path);
  const id = `setting-${key}`;
  const value = () => form.get(props.path);
  const empty = () => (props.nullable ? null : props.optional ? undefined : '');
  const text = () => {
    const v = value();
    return v === null || v === undefined ? '' : String(v);
  };
  const secret = form.isSecret(key);
  const s = props.schema;

  const control = (
    <Switch
      fallback={
        <input
          id={id}
          name={key}
          class="input box-border text-inherit"
          type={secret ? 'password' : 'text'}
          autocomplete={secret ? 'new-password' : 'off'}
          spellcheck={false}
          value={text()}
          placeholder={props.nullable || props.optional ? t('settings.notSet') : ''}
          title={secret ? t('settings.secretHint') : undefined}
          onInput={(e) => form.set(props.path, e.currentTarget.value === '' ? empty() : e.currentTarget.value)}
        />
      }
    >
      <Match when={s.type === 'boolean'}>
        <input
          id={id}
          name={key}
          type="checkbox"
          class="mt-2 h-4 w-4"
          checked={value() === true}
          onChange={(e) => form.set(props.path, e.currentTarget.checked)}
        />
      </Match>
      <Match when={s.enum}>
        <select
          id={id}
          name={key}
          class="input box-border text-inherit"
          value={text()}
          onChange={(e) => form.set(props.path, e.currentTarget.value === '' ? empty() : e.currentTarget.value)}
        >
          {props.nullable || props.optional ? <option value="">{t('settings.none')}</option> : null}
          <For each={(s.enum ?? []).map(String)}>{(option) => <option value={option}>{option}</option>}</For>
        </select>
      </Match>
      <Match when={s.type === 'integer' || s.type === 'number'}>
        <input
          id={id}
          name={key}
          class="input box-border text-inherit"
          type="number"
          min={s.minimum}
          max={s.maximum}
          step={s.type === 'integer' ? 1 : 'any'}
          value={text()}
          placeholder={props.nullable || props.optional ? t('settings.notSet') : ''}
          onInput={(e) => {
            // Half-typed numbers ("-", "1e") read as "": keep them in the box until they parse or the box is left.
            if (e.currentTarget.validity.badInput) return;
            const raw = e.currentTarget.value;
            form.set(props.path, raw === '' ? empty() : Number(raw));
          }}
          onChange={(e) => {
            if (e.currentTarget.validity.badInput) form.set(props.path, '');
          }}
        />
      </Match>
    </Switch>
  );

  if (props.bare) {
    return (
      <div class="min-w-0 flex-1" data-field={key}>
        {control}
        <Problems at={key} />
      </div>
    );
  }
  return (
    <Row at={key} name={String(props.path[props.path.length - 1])} for={id}>
      {control}
    </Row>
  );
}
