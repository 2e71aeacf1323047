/**
 * How an ERP's tables map onto the canonical model: configuration, per source, so a user with
 * another ERP schema writes config, not code. One entry of the YAML config's `sources:` list; the
 * JSON Schema below is embedded there, and `checkSources` adds the rules a schema cannot state.
 *
 * How a canonical field gets its value, first match wins:
 *   1. `constants[field]`: the same value for every row (an ERP with one warehouse, one currency);
 *   2. `columns[field]`: the row's column, when present and not null;
 *   3. for a price's currency only, `currencyByPriceList[<the row's price list>]`;
 *   4. `defaults[field]`: when the column is null or absent from the row;
 *   5. the field's built-in default (`attributes: {}`, `reserved: 0`), else null when optional,
 *      else the record is parked (MISSING_FIELD).
 */
import type { CanonicalEntity } from '../../contracts/canonical.ts';
import { entityFields, type FieldOf } from './canonical-fields.ts';

/** A value written in the config; coerced like a column value of the field's kind. */
export type ConfigValue = string | number | boolean;

interface TableMappingOf<E extends CanonicalEntity> {
  readonly entity: E;
  /** Canonical field -> ERP column name. */
  readonly columns: Readonly<Partial<Record<FieldOf<E>, string>>>;
  readonly constants?: Readonly<Partial<Record<FieldOf<E>, ConfigValue>>>;
  readonly defaults?: Readonly<Partial<Record<FieldOf<E>, ConfigValue>>>;
}

export interface ProductTableMapping extends TableMappingOf<'product'> {
  /** Attribute name -> ERP column, for ERPs that keep attributes in columns; merged over `attributes`. */
  readonly attributeColumns?: Readonly<Record<string, string>>;
}

export type StockTableMapping = TableMappingOf<'stock'>;

export interface PriceTableMapping extends TableMappingOf<'price'> {
  /** Price list code -> ISO 4217 currency, for ERPs that keep the currency on the price list. */
  readonly currencyByPriceList?: Readonly<Record<string, string>>;
}

export type TableMapping = ProductTableMapping | StockTableMapping | PriceTableMapping;

export interface SourceOwnership {
  /** The canonical entities this source is the truth for; a record of another entity is parked. */
  readonly entities: readonly CanonicalEntity[];
  /** The warehouses whose stock it owns; absent = all. */
  readonly warehouses?: readonly string[];
  /** The price lists whose prices it owns; absent = all. */
  readonly priceLists?: readonly string[];
}

export interface SourceConfig {
  /** The source's id, in lineage and in park reasons, e.g. `postgres`. */
  readonly id: string;
  /** Debezium's `topic.prefix`: change events arrive on `<topicPrefix>.<schema-or-db>.<table>`. */
  readonly topicPrefix: string;
  readonly owns: SourceOwnership;
  /** `<schema-or-db>.<table>` -> mapping. A table not listed here is ignored. */
  readonly tables: Readonly<Record<string, TableMapping>>;
}

/** What the ingest functions need of the one config file. */
export interface IngestConfig {
  readonly sources: readonly SourceConfig[];
}

const columnName = { type: 'string', minLength: 1 } as const;
const configValue = { type: ['string', 'number', 'boolean'] } as const;
const entityNames = Object.keys(entityFields) as CanonicalEntity[];

function fieldMap(entity: CanonicalEntity, value: object, description: string, scalarOnly: boolean): object {
  // Attributes are a map; only a column can fill them (a constant map has no use yet).
  const names = Object.keys(entityFields[entity]).filter((name) => !scalarOnly || name !== 'attributes');
  return {
    type: 'object',
    description,
    additionalProperties: false,
    properties: Object.fromEntries(names.map((name) => [name, value])),
  };
}

function tableSchema(entity: CanonicalEntity): object {
  const properties: Record<string, object> = {
    entity: { const: entity },
    columns: fieldMap(entity, columnName, 'canonical field -> ERP column', false),
    constants: fieldMap(entity, configValue, 'canonical field -> the same value for every row', true),
    defaults: fieldMap(
      entity,
      configValue,
      'canonical field -> value when its column is null or absent',
      true,
    ),
  };
  if (entity === 'product') {
    properties.attributeColumns = {
      type: 'object',
      description: 'attribute name -> ERP column, merged over the attributes column',
      additionalProperties: columnName,
    };
  }
  if (entity === 'price') {
    properties.currencyByPriceList = {
      type: 'object',
      description: 'price list code -> ISO 4217 currency',
      additionalProperties: { type: 'string', pattern: '^[A-Z]{3}$' },
    };
  }
  return { type: 'object', additionalProperties: false, required: ['entity', 'columns'], properties };
}

/**
 * The JSON Schema of the config's `sources:` list. Cross-field rules (every required field
 * reachable, no field both a column and a constant, constants of the right kind, unique ids) are
 * `checkSources`'s, so each error still names its key.
 */
export const sourcesJsonSchema = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'topicPrefix', 'owns', 'tables'],
    properties: {
      id: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
      topicPrefix: { type: 'string', pattern: '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$' },
      owns: {
        type: 'object',
        additionalProperties: false,
        required: ['entities'],
        properties: {
          entities: { type: 'array', uniqueItems: true, items: { enum: entityNames } },
          warehouses: { type: 'array', uniqueItems: true, items: { type: 'string', minLength: 1 } },
          priceLists: { type: 'array', uniqueItems: true, items: { type: 'string', minLength: 1 } },
        },
      },
      tables: {
        type: 'object',
        description: '<schema-or-db>.<table> (SQL Server: <db>.<schema>.<table>) -> mapping',
        // A key without a dot is refused as an unknown key, which names it (propertyNames would not).
        additionalProperties: false,
        patternProperties: {
          '^[^.]+(\\.[^.]+)+$': {
            type: 'object',
            required: ['entity'],
            properties: { entity: { enum: entityNames } },
            allOf: entityNames.map((entity) => ({
              if: { required: ['entity'], properties: { entity: { const: entity } } },
              then: tableSchema(entity),
            })),
          },
        },
      },
    },
  },
} as const;
