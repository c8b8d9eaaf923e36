// A list key: its entries one under another (text boxes for strings, fieldsets for objects), each removable, and
// a button that adds an entry with the item schema's starting value.
import { Index } from 'solid-js';
import { t } from '../i18n/index.ts';
import { useForm } from './context.ts';
import { Field } from './Field.tsx';
import { Row } from './Row.tsx';
import { defaultFor, type JsonSchema, type Path, pathKey } from './schema.ts';

export function ListField(props: { path: Path; schema: JsonSchema }) {
  const form = useForm();
  const key = pathKey(props.path);
  const item = props.schema.items ?? {};
  const items = () => {
    const v = form.get(props.path);
    return Array.isArray(v) ? v : [];
  };
  const remove = (i: number) =>
    form.set(
      props.path,
      items().filter((_, j) => j !== i),
    );
  const add = () => form.set(props.path, [...items(), defaultFor(item)]);

  return (
    <Row at={key} name={String(props.path[props.path.length - 1])}>
      <div class="flex flex-col gap-1" data-list={key}>
        <Index each={items()}>
          {(_, i) => (
            <div class="flex gap-1 items-start">
              <Field path={[...props.path, i]} schema={item} bare />
              <button
                type="button"
                class="btn text-inherit px-2"
                title={t('settings.remove')}
                aria-label={t('settings.remove')}
                data-remove={`${key}.${i}`}
                onClick={() => remove(i)}
              >
                ✕
              </button>
            </div>
          )}
        </Index>
        <div>
          <button type="button" class="btn text-inherit text-sm" data-add={key} onClick={add}>
            {t('settings.add')}
          </button>
        </div>
      </div>
    </Row>
  );
}
