/**
 * What each canonical field is, for mapping ERP columns onto it: its kind (how a column value is
 * coerced), whether a record without it is refused, whether it is part of the record's key, and
 * the value an ERP that lacks the concept gets without any configuration.
 *
 * The field names are the ones a source config uses under `columns`, `constants` and `defaults`;
 * they are canonical.ts's names, except `updatedAt`, which fills `updatedAtMs` (the column holds a
 * time; epoch milliseconds is only how the canonical record carries it).
 */
import type { CanonicalEntity } from '../../contracts/canonical.ts';

export type FieldKind =
  | 'code' // an identifier: text or an integer, trimmed (char(n) padding), no U+001F
  | 'text' // free text, kept as the ERP holds it
  | 'integer'
  | 'amount' // a non-negative decimal, carried as text
  | 'currency' // ISO 4217, three letters
  | 'boolean'
  | 'timestamp' // to epoch milliseconds
  | 'attributes'; // a JSON object (or JSON text) to a map of text

export interface KindValue {
  code: string;
  text: string;
  integer: number;
  amount: string;
  currency: string;
  boolean: boolean;
  timestamp: number;
  attributes: Record<string, string>;
}

export interface FieldSpec {
  readonly kind: FieldKind;
  /** A record without a value for it is parked (MISSING_FIELD). */
  readonly required: boolean;
  /** Part of the canonical key: read also from a delete's `before` or the CDC key. */
  readonly identity: boolean;
  /** What an unmapped or null field becomes when the config says nothing (never for identity fields). */
  readonly builtInDefault?: KindValue[FieldKind];
}

const field = (kind: FieldKind, required: boolean, more: Partial<FieldSpec> = {}): FieldSpec => ({
  kind,
  required,
  identity: false,
  ...more,
});

export const entityFields = {
  product: {
    sku: field('code', true, { identity: true }),
    parentSku: field('code', false),
    name: field('text', true),
    description: field('text', false),
    ean: field('code', false),
    brand: field('text', false),
    category: field('text', false),
    // An ERP without attributes has none; an empty map is the truth, not a missing value.
    attributes: field('attributes', true, { builtInDefault: {} }),
    active: field('boolean', true),
    updatedAt: field('timestamp', false),
  },
  stock: {
    sku: field('code', true, { identity: true }),
    warehouse: field('code', true, { identity: true }),
    onHand: field('integer', true),
    // An ERP that does not reserve stock has nothing reserved.
    reserved: field('integer', true, { builtInDefault: 0 }),
    updatedAt: field('timestamp', false),
  },
  price: {
    sku: field('code', true, { identity: true }),
    priceList: field('code', true, { identity: true }),
    amount: field('amount', true),
    currency: field('currency', true),
    updatedAt: field('timestamp', false),
  },
} as const satisfies Record<CanonicalEntity, Record<string, FieldSpec>>;

export type FieldOf<E extends CanonicalEntity> = keyof (typeof entityFields)[E] & string;

export function fieldsOf(entity: CanonicalEntity): Readonly<Record<string, FieldSpec>> {
  return entityFields[entity];
}

export function identityFieldsOf(entity: CanonicalEntity): string[] {
  return Object.entries(fieldsOf(entity))
    .filter(([, spec]) => spec.identity)
    .map(([name]) => name);
}
