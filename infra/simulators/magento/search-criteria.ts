/**
 * `searchCriteria` query parameters of Magento list endpoints (AdobeDocs `src/pages/rest/performing-searches.md`):
 * filters inside a group are ORed, groups are ANDed, `condition_type` defaults to `eq`. The web API accepts
 * both snake_case and camelCase keys. Paging follows the collection: no `pageSize` means every row, and a
 * `currentPage` past the end returns the last page again (magento/magento2#3787, #26986) while `total_count`
 * stays the full count and `search_criteria` echoes what was asked.
 */
import type { JsonObject, JsonValue } from './json-value.ts';

export interface Filter {
  field: string;
  value: string;
  conditionType?: string;
}

export interface SortOrder {
  field: string;
  direction: 'ASC' | 'DESC';
}

export interface SearchCriteria {
  filterGroups: Filter[][];
  sortOrders: SortOrder[];
  pageSize?: number;
  currentPage?: number;
}

export interface SearchPage<T> {
  items: T[];
  totalCount: number;
}

type Nested = { [key: string]: Nested | string };

/** Parse the query string of `url`; null when it carries no `searchCriteria` at all (a required argument). */
export function parseSearchCriteria(url: string): SearchCriteria | null {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  const params = new URLSearchParams(query);
  const root: Nested = {};
  let present = false;
  for (const [key, value] of params) {
    const path = keyPath(key);
    if (path[0] !== 'searchCriteria') continue;
    present = true;
    setPath(root, path, value);
  }
  if (!present) return null;
  const criteria = root.searchCriteria;
  const node: Nested = typeof criteria === 'object' ? criteria : {};
  return {
    filterGroups: listOf(pick(node, 'filter_groups', 'filterGroups')).map((group) =>
      listOf(typeof group === 'object' ? group.filters : undefined).flatMap((filter) => {
        if (typeof filter !== 'object' || typeof filter.field !== 'string') return [];
        const value = filter.value;
        const conditionType = pick(filter, 'condition_type', 'conditionType');
        return [
          {
            field: filter.field,
            value: typeof value === 'string' ? value : '',
            ...(typeof conditionType === 'string' && conditionType !== '' ? { conditionType } : {}),
          },
        ];
      }),
    ),
    sortOrders: listOf(pick(node, 'sort_orders', 'sortOrders')).flatMap((order) => {
      if (typeof order !== 'object' || typeof order.field !== 'string') return [];
      const direction =
        typeof order.direction === 'string' && order.direction.toUpperCase() === 'DESC' ? 'DESC' : 'ASC';
      return [{ field: order.field, direction }];
    }),
    ...numberEntry('pageSize', pick(node, 'page_size', 'pageSize')),
    ...numberEntry('currentPage', pick(node, 'current_page', 'currentPage')),
  };
}

/** The `search_criteria` object a search result echoes back. */
export function echoCriteria(criteria: SearchCriteria): JsonObject {
  const echo: JsonObject = {
    filter_groups: criteria.filterGroups.map((filters) => ({
      filters: filters.map((filter) => ({
        field: filter.field,
        value: filter.value,
        ...(filter.conditionType ? { condition_type: filter.conditionType } : {}),
      })),
    })),
  };
  if (criteria.sortOrders.length > 0)
    echo.sort_orders = criteria.sortOrders.map((order) => ({
      field: order.field,
      direction: order.direction,
    }));
  if (criteria.pageSize !== undefined) echo.page_size = criteria.pageSize;
  if (criteria.currentPage !== undefined) echo.current_page = criteria.currentPage;
  return echo;
}

/** Filter, sort and page `rows`; `valueOf` reads a field of a row (undefined when the row lacks it). */
export function applySearchCriteria<T>(
  rows: readonly T[],
  criteria: SearchCriteria,
  valueOf: (row: T, field: string) => JsonValue | undefined,
): SearchPage<T> {
  const matching = rows.filter((row) =>
    criteria.filterGroups.every(
      (group) => group.length === 0 || group.some((filter) => matches(valueOf(row, filter.field), filter)),
    ),
  );
  if (criteria.sortOrders.length > 0) {
    matching.sort((a, b) => {
      for (const order of criteria.sortOrders) {
        const compared = compare(valueOf(a, order.field), valueOf(b, order.field));
        if (compared !== 0) return order.direction === 'DESC' ? -compared : compared;
      }
      return 0;
    });
  }
  const totalCount = matching.length;
  if (criteria.pageSize === undefined || criteria.pageSize <= 0) return { items: matching, totalCount };
  const lastPage = Math.max(1, Math.ceil(totalCount / criteria.pageSize));
  // Framework\Data\Collection::getCurPage clamps to [1, lastPage]: the repeated-last-page quirk.
  const page = Math.min(Math.max(criteria.currentPage ?? 1, 1), lastPage);
  const start = (page - 1) * criteria.pageSize;
  return { items: matching.slice(start, start + criteria.pageSize), totalCount };
}

function matches(actual: JsonValue | undefined, filter: Filter): boolean {
  const condition = (filter.conditionType ?? 'eq').toLowerCase();
  const present = actual !== undefined && actual !== null && actual !== '';
  switch (condition) {
    case 'null':
      return !present;
    case 'notnull':
      return present;
    case 'neq':
      return present && !equals(actual, filter.value);
    case 'like':
      return present && likePattern(filter.value).test(text(actual));
    case 'nlike':
      return present && !likePattern(filter.value).test(text(actual));
    case 'in':
      return present && splitList(filter.value).some((value) => equals(actual, value));
    case 'nin':
      return present && !splitList(filter.value).some((value) => equals(actual, value));
    case 'finset':
      return present && splitList(text(actual)).some((value) => equals(value, filter.value));
    case 'gt':
      return present && compare(actual, filter.value) > 0;
    case 'gteq':
    case 'from':
      return present && compare(actual, filter.value) >= 0;
    case 'lt':
      return present && compare(actual, filter.value) < 0;
    case 'lteq':
    case 'to':
      return present && compare(actual, filter.value) <= 0;
    default:
      return present && equals(actual, filter.value);
  }
}

/** MySQL's default collation compares text case-insensitively; numbers compare as numbers. */
function equals(actual: JsonValue | undefined, expected: string): boolean {
  if (Array.isArray(actual)) return actual.some((entry) => equals(entry, expected));
  const a = text(actual);
  if (isNumeric(a) && isNumeric(expected)) return Number(a) === Number(expected);
  return a.toLowerCase() === expected.toLowerCase();
}

function compare(a: JsonValue | undefined, b: JsonValue | undefined): number {
  const x = text(a);
  const y = text(b);
  if (isNumeric(x) && isNumeric(y)) return Number(x) - Number(y);
  const dateX = dateTime(x);
  const dateY = dateTime(y);
  if (dateX !== null && dateY !== null) return dateX < dateY ? -1 : dateX > dateY ? 1 : 0;
  return x.toLowerCase() < y.toLowerCase() ? -1 : x.toLowerCase() > y.toLowerCase() ? 1 : 0;
}

/**
 * MySQL compares a DATETIME column with a string by reading the string as a datetime: `2026-12-01`,
 * `2026-12-01 10:00` and `2026-12-01T10:00:00` all work as filter values against `2026-12-01 10:00:00`.
 * Both sides in one form, or null when the text is not a datetime.
 */
function dateTime(value: string): string | null {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?Z?)?$/.exec(value.trim());
  if (!match) return null;
  const [, day, hours = '00', minutes = '00', seconds = '00'] = match;
  return `${day} ${hours}:${minutes}:${seconds}`;
}

function text(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function isNumeric(value: string): boolean {
  return value.trim() !== '' && Number.isFinite(Number(value));
}

function likePattern(pattern: string): RegExp {
  const source = [...pattern]
    .map((char) => (char === '%' ? '.*' : char === '_' ? '.' : char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'is');
}

function splitList(value: string): string[] {
  return value.split(',').map((entry) => entry.trim());
}

function keyPath(key: string): string[] {
  const base = key.split('[', 1)[0] ?? key;
  const rest = [...key.slice(base.length).matchAll(/\[([^\]]*)\]/g)].map((match) => match[1] ?? '');
  return [base, ...rest];
}

function setPath(root: Nested, path: string[], value: string): void {
  let node = root;
  path.forEach((segment, index) => {
    if (index === path.length - 1) {
      node[segment] = value;
      return;
    }
    const next = node[segment];
    if (typeof next === 'object') node = next;
    else {
      const created: Nested = {};
      node[segment] = created;
      node = created;
    }
  });
}

function pick(node: Nested, snake: string, camel: string): Nested | string | undefined {
  return node[snake] ?? node[camel];
}

/** `[0]`, `[1]`... keys in numeric order, as PHP would read them into a list. */
function listOf(node: Nested | string | undefined): Nested[] {
  if (typeof node !== 'object') return [];
  return Object.keys(node)
    .sort((a, b) => Number(a) - Number(b))
    .flatMap((key) => {
      const entry = node[key];
      return typeof entry === 'object' ? [entry] : [];
    });
}

function numberEntry<K extends 'pageSize' | 'currentPage'>(
  key: K,
  value: Nested | string | undefined,
): Partial<Record<K, number>> {
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(Number(value))) return {};
  return { [key]: Math.trunc(Number(value)) } as Partial<Record<K, number>>;
}
