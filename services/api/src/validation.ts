/**
 * The request validator: TypeBox against the route's schema, after one rule every string of every part
 * (body, path parameters, query string) obeys, field names included: no NUL character and no unpaired
 * UTF-16 surrogate. Such text cannot be stored (PostgreSQL refuses 0x00 in text and jsonb) nor written
 * out as UTF-8, so it is a 400 naming the field rather than a failure further in.
 */
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Settings } from 'typebox/system';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';

// TypeBox stops listing errors at 8 by default: too few to see which variant of a union (told apart by
// `kind`) failed only on its kind, and so to report the errors of the variant the request names.
Settings.Set({ maxErrors: 500 });

export const TEXT_RULE = 'must not contain NUL characters or unpaired UTF-16 surrogates';

const MAX_REPORTED = 20;
const pointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
// Node ≥ 20 has String.prototype.isWellFormed (ES2024); the project compiles against an older lib.
export const isCleanText = (s: string) => !s.includes('\u0000') && (s as string & { isWellFormed(): boolean }).isWellFormed();

/** JSON pointers of the strings (and field names) in `value` that break the rule, the first few. */
export function uncleanText(value: unknown, path = '', out: string[] = []): string[] {
  if (out.length >= MAX_REPORTED) return out;
  if (typeof value === 'string') {
    if (!isCleanText(value)) out.push(path);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length && out.length < MAX_REPORTED; i++) uncleanText(value[i], `${path}/${i}`, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (out.length >= MAX_REPORTED) break;
      const at = `${path}/${pointer(key)}`;
      if (!isCleanText(key)) out.push(at);
      else uncleanText(item, at, out);
    }
  }
  return out;
}

export const validatorCompiler: FastifySchemaCompiler<TSchema> = (route) => {
  const typebox = TypeBoxValidatorCompiler(route);
  return (value) => {
    const unclean = uncleanText(value);
    if (unclean.length > 0)
      return { error: unclean.map((instancePath) => ({ instancePath, schemaPath: '#', keyword: 'text', params: {}, message: TEXT_RULE })) as never };
    return typebox(value);
  };
};
