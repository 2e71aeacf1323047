/**
 * Keyset paging, shared by the admin API's list routes: the query string takes the route's filters
 * plus `limit` and `cursor`, the answer carries one page and the cursor after its last row. A route
 * reads `limit + 1` rows, so a page that fills is known to have a next one without counting.
 */

/** The query string of a paged route: its filters, a page size up to `maxPageSize`, a cursor. */
export function pagedQuerystring(filterProperties: Record<string, unknown>, maxPageSize: number) {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...filterProperties,
      limit: { type: 'integer', minimum: 1, maximum: maxPageSize, default: 50 },
      cursor: { type: 'string', minLength: 1, description: 'nextCursor of the previous page' },
    },
  } as const;
}

/** The answer of a paged route: its items under `name`, and the cursor of the next page or null. */
export function pageSchema(name: string, itemSchema: unknown) {
  return {
    type: 'object',
    required: [name, 'nextCursor'],
    additionalProperties: false,
    properties: {
      [name]: { type: 'array', items: itemSchema },
      nextCursor: { type: ['string', 'null'] },
    },
  } as const;
}

/**
 * One page of `limit` rows out of the `limit + 1` read, mapped for the answer; the cursor after
 * the page's last row only when a further row was read.
 */
export function pageOf<Row, Item>(
  rows: readonly Row[],
  limit: number,
  itemOf: (row: Row) => Item,
  cursorAfter: (row: Row) => string,
): { items: Item[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(itemOf), nextCursor: rows.length > limit && last ? cursorAfter(last) : null };
}
