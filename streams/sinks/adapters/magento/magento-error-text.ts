/**
 * Magento's error bodies as an operator reads them. Magento sends the raw phrase and its
 * arguments apart: `{"message":"The \"%1\" attribute value is empty...","parameters":["ean"]}`,
 * and the client fills the placeholders (lib/internal/Magento/Framework/Webapi/ErrorProcessor.php;
 * shared/notes/CHANNEL-APIS.md §1 "Errors"). Filling follows Magento's own renderer
 * (Framework/Phrase/Renderer/Placeholder.php): list argument i fills `%{i+1}`, named argument k
 * fills `%k`, in one `strtr` pass (longest placeholder first, filled text never re-scanned).
 */

/** The fields of a Magento error body this adapter reads. */
export interface MagentoErrorBody {
  readonly message: string;
  readonly parameters?: unknown;
  readonly errors?: readonly { readonly message: string; readonly parameters?: unknown }[];
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

/** Named placeholders (`%fieldName`) in order of first appearance. */
function namedPlaceholders(message: string): string[] {
  const names: string[] = [];
  for (const match of message.matchAll(/%([A-Za-z_][A-Za-z0-9_]*)/g)) {
    const name = match[1];
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}

/** Placeholder -> value, as Magento's renderer pairs them. */
function placeholderPairs(message: string, parameters: unknown): Map<string, string> {
  const pairs = new Map<string, string>();
  if (Array.isArray(parameters)) {
    if (/%\d/.test(message) || parameters.length === 0) {
      parameters.forEach((value, index) => pairs.set(`%${index + 1}`, text(value)));
    } else {
      // Some services lose the argument names on the way out: base-prices answers
      // "Invalid attribute %fieldName = %fieldValue." with `["SKU","x"]` (CHANNEL-APIS.md §1
      // "Prices"). The values are in the phrase's order, so they fill the names in that order.
      namedPlaceholders(message).forEach((name, index) => {
        if (index < parameters.length) pairs.set(`%${name}`, text(parameters[index]));
      });
    }
  } else if (parameters !== null && typeof parameters === 'object') {
    for (const [key, value] of Object.entries(parameters)) {
      // PHP turns the key "0" into the integer 0, and the renderer names integer keys from 1.
      pairs.set(/^\d+$/.test(key) ? `%${Number(key) + 1}` : `%${key}`, text(value));
    }
  }
  return pairs;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The phrase with its placeholders filled; placeholders without an argument stay as they are. */
export function fillPlaceholders(message: string, parameters?: unknown): string {
  const pairs = placeholderPairs(message, parameters);
  if (pairs.size === 0) return message;
  const keys = [...pairs.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return message.replace(new RegExp(keys.join('|'), 'g'), (key) => pairs.get(key) ?? key);
}

/** A Magento error body, or undefined when `json` is not one (a proxy's HTML, an empty body). */
export function asMagentoError(json: unknown): MagentoErrorBody | undefined {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const body = json as { message?: unknown; parameters?: unknown; errors?: unknown };
  if (typeof body.message !== 'string') return undefined;
  const errors = Array.isArray(body.errors)
    ? body.errors.flatMap((error: unknown) => {
        const entry = error as { message?: unknown; parameters?: unknown } | null;
        return entry !== null && typeof entry === 'object' && typeof entry.message === 'string'
          ? [{ message: entry.message, parameters: entry.parameters }]
          : [];
      })
    : undefined;
  return { message: body.message, parameters: body.parameters, ...(errors ? { errors } : {}) };
}

/**
 * The sentence for an error body: the message, then each entry of `errors` (an InputException
 * lists its problems there, under "One or more input exceptions have occurred.").
 */
export function magentoErrorText(body: MagentoErrorBody): string {
  const main = fillPlaceholders(body.message, body.parameters);
  const details = (body.errors ?? [])
    .map((error) => fillPlaceholders(error.message, error.parameters))
    .filter((detail) => detail !== main);
  return details.length === 0 ? main : `${main} ${details.join('; ')}`;
}

/** What a response said, for a log line or an outcome: the filled message, else the start of the body. */
export function responseErrorText(response: { status: number; text: string; json: unknown }): string {
  const body = asMagentoError(response.json);
  if (body) return magentoErrorText(body);
  const start = response.text.replace(/\s+/g, ' ').trim().slice(0, 200);
  return start === '' ? `HTTP ${response.status}` : `HTTP ${response.status}: ${start}`;
}

/**
 * A stable code for a product Magento refused, from its (filled) text:
 *   - MISSING_ATTRIBUTE: a required attribute without a value, Eav's
 *     `The "%1" attribute value is empty. Set the attribute and try again.`
 *   - INPUT_LIMIT: an array over the input list limit, `Maximum items of type "%type" is %max`.
 *   - INVALID_PRODUCT: any other refusal.
 */
export function rejectionCode(filledText: string): string {
  if (/attribute value is empty/i.test(filledText)) return 'MISSING_ATTRIBUTE';
  if (/^Maximum items of type/i.test(filledText)) return 'INPUT_LIMIT';
  return 'INVALID_PRODUCT';
}
