/**
 * Reading Connect's config validation answer: every setting that has errors, as
 * `setting: Connect's error text`. Used before applying a connector and to check the templates of
 * databases that do not run here (their only expected error is the connection).
 */
import type { ConnectClient, ValidationResult } from './connect-client.ts';
import type { ConnectorDefinition } from './connector-file.ts';

export function validationErrors(
  result: ValidationResult,
  submitted: Readonly<Record<string, string>> = {},
): string[] {
  return result.configs.flatMap(({ value }) =>
    value.errors.map(
      // Connect answers null as the value of a setting it could not parse: show what was sent.
      (error) => `${value.name}${shownValue(value.name, submitted[value.name] ?? value.value)}: ${error}`,
    ),
  );
}

/** The offending value, since Connect's text often omits it; never a password's. */
function shownValue(name: string, value: string | null | undefined): string {
  if (value === null || value === undefined || /password|secret|key$/i.test(name)) return '';
  return ` = "${value}"`;
}

/** Validates a definition, with some settings replaced (e.g. a template's placeholders). */
export async function validateDefinition(
  client: ConnectClient,
  definition: ConnectorDefinition,
  overrides: Readonly<Record<string, string>> = {},
): Promise<string[]> {
  return validationErrors(
    await client.validate({ ...definition.config, ...overrides, name: definition.name }),
  );
}
