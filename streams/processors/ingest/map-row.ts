/**
 * Maps one ERP row onto a canonical record by its table's mapping (see source-config.ts for the
 * order in which a field finds its value). Every problem of the row is reported, not only the
 * first, so the operator fixes the row once.
 */
import {
  priceKey,
  productKey,
  stockKey,
  type CanonicalEntity,
  type Price,
  type Product,
  type StockLevel,
} from '../../contracts/canonical.ts';
import { fieldsOf, identityFieldsOf, type FieldKind, type KindValue } from './canonical-fields.ts';
import { coerce } from './column-values.ts';
import type { Row } from './debezium-envelope.ts';
import type { ConfigValue, PriceTableMapping, ProductTableMapping, TableMapping } from './source-config.ts';

export interface FieldProblem {
  readonly code: 'MISSING_FIELD' | 'SCHEMA_VIOLATION';
  readonly sentence: string;
}

export type Mapped<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: readonly FieldProblem[] };

/** The part of a record that makes its key: SKU, and the warehouse or price list. */
export interface Identity {
  readonly sku: string;
  readonly warehouse: string | null;
  readonly priceList: string | null;
  readonly key: string;
}

export type CanonicalValue =
  | { readonly entity: 'product'; readonly value: Product }
  | { readonly entity: 'stock'; readonly value: StockLevel }
  | { readonly entity: 'price'; readonly value: Price };

function describe(raw: unknown): string {
  const text = JSON.stringify(raw) ?? String(raw);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Resolves fields of one row, collecting the problems instead of stopping at the first. */
class FieldReader {
  readonly problems: FieldProblem[] = [];
  private readonly specs;

  constructor(
    private readonly mapping: TableMapping,
    private readonly row: Row,
  ) {
    this.specs = fieldsOf(mapping.entity);
  }

  read<K extends FieldKind>(field: string, kind: K, lookup?: () => LookupResult): KindValue[K] | null {
    const spec = this.specs[field];
    const constants = this.mapping.constants as Readonly<Record<string, ConfigValue>> | undefined;
    const defaults = this.mapping.defaults as Readonly<Record<string, ConfigValue>> | undefined;
    const columns = this.mapping.columns as Readonly<Record<string, string>>;

    const constant = constants?.[field];
    if (constant !== undefined) return this.fromConfig(field, kind, constant, `constants.${field}`);

    const column = columns[field];
    const raw = column === undefined ? undefined : this.row[column];
    if (raw !== null && raw !== undefined) {
      const coerced = coerce[kind](raw);
      if (!coerced.ok) {
        this.problems.push({
          code: 'SCHEMA_VIOLATION',
          sentence: `column ${column} is ${describe(raw)}, expected ${coerced.expected} (canonical ${field})`,
        });
        return null;
      }
      if (coerced.value !== null) return coerced.value;
    }

    const looked = lookup?.();
    if (looked?.value !== undefined) return this.fromConfig(field, kind, looked.value, looked.from);

    const fallback = defaults?.[field];
    if (fallback !== undefined) return this.fromConfig(field, kind, fallback, `defaults.${field}`);
    if (spec?.builtInDefault !== undefined) return spec.builtInDefault as KindValue[K];
    if (spec?.required) {
      const why =
        column === undefined
          ? 'no column, constant or default is configured for it'
          : `column ${column} is ${raw === null ? 'null' : raw === undefined ? 'not in the row' : 'blank'}`;
      const also = looked?.missing === undefined ? '' : ` and ${looked.missing}`;
      this.problems.push({ code: 'MISSING_FIELD', sentence: `${field} is missing: ${why}${also}` });
    }
    return null;
  }

  private fromConfig<K extends FieldKind>(
    field: string,
    kind: K,
    value: unknown,
    from: string,
  ): KindValue[K] | null {
    const coerced = coerce[kind](value);
    if (coerced.ok && coerced.value !== null) return coerced.value;
    const expected = coerced.ok ? 'a non-blank value' : coerced.expected;
    this.problems.push({
      code: 'SCHEMA_VIOLATION',
      sentence: `the config's ${from} is ${describe(value)}, expected ${expected} (canonical ${field})`,
    });
    return null;
  }
}

interface LookupResult {
  readonly value?: ConfigValue;
  readonly from: string;
  /** Why the lookup found nothing, for the MISSING_FIELD sentence. */
  readonly missing?: string;
}

function keyFor(
  entity: CanonicalEntity,
  sku: string,
  warehouse: string | null,
  priceList: string | null,
): string {
  if (entity === 'stock') return stockKey(sku, warehouse ?? '');
  if (entity === 'price') return priceKey(sku, priceList ?? '');
  return productKey(sku);
}

/**
 * The identity of a row: enough for a delete, which needs only the key. `row` may be partial
 * (a delete's `before` under PostgreSQL's default replica identity holds only the primary key).
 */
export function readIdentity(mapping: TableMapping, row: Row): Mapped<Identity> {
  const reader = new FieldReader(mapping, row);
  const [sku, warehouse, priceList] = ['sku', 'warehouse', 'priceList'].map((field) =>
    identityFieldsOf(mapping.entity).includes(field) ? reader.read(field, 'code') : null,
  );
  if (reader.problems.length > 0 || sku === null || sku === undefined) {
    return { ok: false, problems: reader.problems };
  }
  const identity = { sku, warehouse: warehouse ?? null, priceList: priceList ?? null };
  return {
    ok: true,
    value: { ...identity, key: keyFor(mapping.entity, sku, identity.warehouse, identity.priceList) },
  };
}

function attributesOf(
  reader: FieldReader,
  mapping: ProductTableMapping,
  row: Row,
): Record<string, string> | null {
  const fromJson = reader.read('attributes', 'attributes');
  if (fromJson === null || mapping.attributeColumns === undefined) return fromJson;
  const attributes = { ...fromJson };
  for (const [name, column] of Object.entries(mapping.attributeColumns)) {
    const raw = row[column];
    if (raw === null || raw === undefined || raw === '') continue;
    attributes[name] = typeof raw === 'string' ? raw : JSON.stringify(raw);
  }
  return attributes;
}

function currencyLookup(
  mapping: PriceTableMapping,
  priceList: string | null,
): (() => LookupResult) | undefined {
  const byList = mapping.currencyByPriceList;
  if (byList === undefined || priceList === null) return undefined;
  return () => {
    const from = `currencyByPriceList.${priceList}`;
    return Object.hasOwn(byList, priceList)
      ? { value: byList[priceList], from }
      : { from, missing: `price list ${priceList} has no entry in currencyByPriceList` };
  };
}

/** The whole canonical value of a row (an insert, update or snapshot read). */
export function mapRow(mapping: TableMapping, row: Row): Mapped<CanonicalValue> {
  const reader = new FieldReader(mapping, row);
  let mapped: CanonicalValue;
  switch (mapping.entity) {
    case 'product':
      mapped = {
        entity: 'product',
        value: {
          sku: reader.read('sku', 'code'),
          parentSku: reader.read('parentSku', 'code'),
          name: reader.read('name', 'text'),
          description: reader.read('description', 'text'),
          ean: reader.read('ean', 'code'),
          brand: reader.read('brand', 'text'),
          category: reader.read('category', 'text'),
          attributes: attributesOf(reader, mapping, row),
          active: reader.read('active', 'boolean'),
          updatedAtMs: reader.read('updatedAt', 'timestamp'),
        } as Product,
      };
      break;
    case 'stock':
      mapped = {
        entity: 'stock',
        value: {
          sku: reader.read('sku', 'code'),
          warehouse: reader.read('warehouse', 'code'),
          // Negative on-hand is kept: ERPs book oversold stock below zero, and parking it would
          // leave the channels selling the last positive quantity. Offers clamp at zero.
          onHand: reader.read('onHand', 'integer'),
          reserved: reader.read('reserved', 'integer'),
          updatedAtMs: reader.read('updatedAt', 'timestamp'),
        } as StockLevel,
      };
      break;
    case 'price': {
      const priceList = reader.read('priceList', 'code');
      mapped = {
        entity: 'price',
        value: {
          sku: reader.read('sku', 'code'),
          priceList,
          currency: reader.read('currency', 'currency', currencyLookup(mapping, priceList)),
          amount: reader.read('amount', 'amount'),
          updatedAtMs: reader.read('updatedAt', 'timestamp'),
        } as Price,
      };
      break;
    }
  }
  return reader.problems.length > 0 ? { ok: false, problems: reader.problems } : { ok: true, value: mapped };
}

/** The canonical key of a mapped value. */
export function keyOfValue(mapped: CanonicalValue): string {
  switch (mapped.entity) {
    case 'product':
      return productKey(mapped.value.sku);
    case 'stock':
      return stockKey(mapped.value.sku, mapped.value.warehouse);
    case 'price':
      return priceKey(mapped.value.sku, mapped.value.priceList);
  }
}
