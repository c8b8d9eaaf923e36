// Tool arguments checked against a plugin's JSON schema (ajv, draft-07 and 2019 keywords), as a valibot schema so the
// chat's tool runner reports each wrong field like it does for built-in tools.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import * as v from 'valibot';

// Unknown keywords (examples, x-*) are tolerated: manifests are written by hand.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

/** Compiles a schema or says, in one line, why it cannot be used. */
export function compileSchema(schema: Record<string, unknown>): ValidateFunction | string {
  try {
    return ajv.compile(schema);
  } catch (err) {
    return (err as Error).message;
  }
}

const fieldOf = (e: ErrorObject) => {
  const base = e.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const missing = e.keyword === 'required' ? String((e.params as { missingProperty?: string }).missingProperty) : '';
  return [base, missing].filter(Boolean).join('.') || '(arguments)';
};

/** "a: must be number; b: must have required property 'b'". */
export function schemaErrors(validate: ValidateFunction, value: unknown): string | null {
  if (validate(value)) return null;
  return (validate.errors ?? []).map((e) => `${fieldOf(e)}: ${e.message ?? 'is not valid'}`).join('; ');
}

/** An object whose content passes the JSON schema, with one valibot issue per schema error. */
export function argumentsSchema(validate: ValidateFunction) {
  return v.pipe(
    v.record(v.string(), v.unknown(), 'the arguments must be a JSON object'),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed || validate(dataset.value)) return;
      for (const e of validate.errors ?? []) addIssue({ message: `${fieldOf(e)}: ${e.message ?? 'is not valid'}` });
    }),
  );
}
