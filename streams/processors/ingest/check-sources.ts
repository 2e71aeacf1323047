/**
 * The rules of `sources:` that a JSON Schema cannot state, checked once at start-up after the
 * schema (STYLE habit 4): each problem names its key and how to fix it, all reported together.
 */
import type { CanonicalEntity } from '../../contracts/canonical.ts';
import { fieldsOf } from './canonical-fields.ts';
import { coerce } from './column-values.ts';
import type { ConfigValue, SourceConfig, TableMapping } from './source-config.ts';

function checkTable(at: string, source: SourceConfig, mapping: TableMapping): string[] {
  const problems: string[] = [];
  const specs = fieldsOf(mapping.entity);
  const columns = mapping.columns as Readonly<Record<string, string>>;
  const constants = (mapping.constants ?? {}) as Readonly<Record<string, ConfigValue>>;
  const defaults = (mapping.defaults ?? {}) as Readonly<Record<string, ConfigValue>>;
  const byPriceList = mapping.entity === 'price' ? mapping.currencyByPriceList : undefined;

  for (const [field, spec] of Object.entries(specs)) {
    const inColumns = columns[field] !== undefined;
    const constant = constants[field];
    const fallback = defaults[field];
    if (inColumns && constant !== undefined) {
      problems.push(`${at}.constants.${field}: also mapped to column ${columns[field]}; keep one of the two`);
    }
    if (constant !== undefined && fallback !== undefined) {
      problems.push(`${at}.defaults.${field}: never used, ${field} is a constant`);
    }
    if (spec.identity && fallback !== undefined) {
      problems.push(
        `${at}.defaults.${field}: ${field} is part of the record's key; map it to a column or make it a constant`,
      );
    }
    if (field === 'sku' && !inColumns) {
      problems.push(`${at}.columns.sku: required, the SKU must come from a column`);
    }
    const reachable =
      inColumns || constant !== undefined || fallback !== undefined || spec.builtInDefault !== undefined;
    if (spec.required && !reachable && !(field === 'currency' && byPriceList !== undefined)) {
      const how =
        field === 'currency'
          ? 'a column, a constant, a default or currencyByPriceList'
          : 'a column, a constant or a default';
      problems.push(`${at}.columns.${field}: ${field} is required; give it ${how}`);
    }
    for (const [where, value] of [
      ['constants', constant],
      ['defaults', fallback],
    ] as const) {
      if (value === undefined) continue;
      const coerced = coerce[spec.kind](value);
      if (!coerced.ok)
        problems.push(`${at}.${where}.${field}: expected ${coerced.expected}, got ${JSON.stringify(value)}`);
      else if (coerced.value === null) problems.push(`${at}.${where}.${field}: must not be blank`);
    }
  }

  const { warehouses, priceLists } = source.owns;
  const warehouse = constants.warehouse;
  if (warehouse !== undefined && warehouses !== undefined && !warehouses.includes(String(warehouse))) {
    problems.push(
      `${at}.constants.warehouse: ${String(warehouse)} is not in owns.warehouses, so every row would be parked`,
    );
  }
  const priceList = constants.priceList;
  if (priceList !== undefined && priceLists !== undefined && !priceLists.includes(String(priceList))) {
    problems.push(
      `${at}.constants.priceList: ${String(priceList)} is not in owns.priceLists, so every row would be parked`,
    );
  }
  return problems;
}

function checkOwnership(at: string, source: SourceConfig): string[] {
  const owns = (entity: CanonicalEntity): boolean => source.owns.entities.includes(entity);
  const problems: string[] = [];
  if (source.owns.warehouses !== undefined && !owns('stock')) {
    problems.push(
      `${at}.owns.warehouses: listed, but the source does not own stock (add stock to owns.entities)`,
    );
  }
  if (source.owns.priceLists !== undefined && !owns('price')) {
    problems.push(
      `${at}.owns.priceLists: listed, but the source does not own prices (add price to owns.entities)`,
    );
  }
  return problems;
}

/** Every cross-field problem of a schema-valid `sources:` list; empty when there is none. */
export function checkSources(sources: readonly SourceConfig[], at = 'sources'): string[] {
  const problems: string[] = [];
  const firstWithId = new Map<string, number>();
  const firstWithPrefix = new Map<string, number>();
  sources.forEach((source, index) => {
    const here = `${at}[${index}]`;
    const sameId = firstWithId.get(source.id);
    if (sameId !== undefined) problems.push(`${here}.id: ${source.id} is also the id of ${at}[${sameId}]`);
    else firstWithId.set(source.id, index);
    const samePrefix = firstWithPrefix.get(source.topicPrefix);
    if (samePrefix !== undefined) {
      problems.push(
        `${here}.topicPrefix: ${source.topicPrefix} is also the topic prefix of ${at}[${samePrefix}]`,
      );
    } else firstWithPrefix.set(source.topicPrefix, index);
    problems.push(...checkOwnership(here, source));
    for (const [table, mapping] of Object.entries(source.tables)) {
      problems.push(...checkTable(`${here}.tables.${table}`, source, mapping));
    }
  });
  return problems;
}
