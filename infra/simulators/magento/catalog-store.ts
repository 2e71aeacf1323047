/**
 * The simulated catalog: products keyed by SKU, their MSI source items and their base price. One object owns
 * all three because Magento keeps them in step: a product's legacy `stock_item` mirrors its `default` source item
 * (InventoryCatalog's legacy synchronisation) and its `price` attribute is what `/V1/products/base-prices` writes.
 *
 * `saveProduct` is `Catalog\Model\ProductRepository::save`: it looks the SKU up (case-insensitively, see
 * `prepareSku`) and upserts, keeping every attribute the request omitted, `status` included.
 */
import {
  attributeEmpty,
  invalidProductData,
  MagentoError,
  negativePrice,
  productNotFound,
  type MagentoErrorItem,
} from './magento-errors.ts';
import { isJsonObject, type JsonObject, type JsonValue } from './json-value.ts';
import { attributeNotFound, type AttributeRegistry } from './product-attributes.ts';
import type { ProductInput } from './product-payload.ts';
import { applySearchCriteria, type SearchCriteria, type SearchPage } from './search-criteria.ts';

export interface CatalogOptions {
  /** Attribute codes that must be non-empty after the save has merged the request into the stored product. */
  requiredAttributes: readonly string[];
  /** MSI source codes that exist; the default install has only `default`. */
  sources: readonly string[];
  /** Dropdown attributes configurable options may name. */
  attributes: AttributeRegistry;
  /** An injected fault: the attribute a save of this SKU must report as empty, or null. */
  rejectedAttribute: (sku: string) => string | null;
  now?: () => Date;
}

interface ProductRecord {
  id: number;
  sku: string;
  name: string | null;
  price: number | null;
  status: number;
  visibility: number;
  typeId: string;
  attributeSetId: number;
  weight: number | null;
  createdAt: string;
  updatedAt: string;
  customAttributes: Map<string, JsonValue>;
  websiteIds: number[];
  categoryLinks: JsonValue[];
  configurableLinks: number[];
  configurableOptions: JsonValue[];
}

interface SourceItemRecord {
  sku: string;
  source_code: string;
  quantity: number;
  status: number;
}

export interface SourceItemInput {
  sku?: JsonValue;
  source_code?: JsonValue;
  quantity?: JsonValue;
  status?: JsonValue;
}

export interface BasePriceInput {
  sku?: JsonValue;
  price?: JsonValue;
  store_id?: JsonValue;
}

/** One entry of the `/V1/products/base-prices` answer (`Catalog\Api\Data\PriceUpdateResultInterface`). */
export interface PriceUpdateFailure {
  message: string;
  parameters: string[];
}

/** Product types `ProductRepository` can build here; configurable links are child entity ids. */
const PRODUCT_TYPES = new Set(['simple', 'virtual', 'configurable']);
/** `BasePriceStorage` `allowedProductTypes` in Catalog `di.xml`: a configurable has no price of its own. */
const PRICED_TYPES = new Set(['simple', 'virtual', 'bundle', 'downloadable']);
/** Store ids of a default install: 0 = admin, 1 = default store view. */
const STORE_IDS = new Set([0, 1]);
const DEFAULT_SOURCE = 'default';

export class CatalogStore {
  private readonly products = new Map<string, ProductRecord>();
  private readonly sourceItems = new Map<string, SourceItemRecord>();
  private nextId = 1;
  private readonly now: () => Date;

  constructor(private readonly options: CatalogOptions) {
    this.now = options.now ?? (() => new Date());
  }

  get productCount(): number {
    return this.products.size;
  }

  reset(): void {
    this.products.clear();
    this.sourceItems.clear();
    this.nextId = 1;
  }

  // --- products ---------------------------------------------------------------------------------------

  saveProduct(input: ProductInput): JsonObject {
    const sku = typeof input.sku === 'string' ? input.sku.trim() : '';
    if (sku === '') throw attributeEmpty('sku');
    const existing = this.products.get(key(sku));
    const rejected = this.options.rejectedAttribute(sku);
    if (rejected !== null) throw attributeEmpty(rejected);
    this.validateConfigurableLinks(input);

    const draft = mergeProduct(existing, sku, input);
    this.validate(draft);

    const stamp = timestamp(this.now());
    const record: ProductRecord = existing
      ? { ...draft, id: existing.id, createdAt: existing.createdAt, updatedAt: stamp }
      : { ...draft, id: this.nextId++, createdAt: stamp, updatedAt: stamp };
    if (existing && existing.sku !== record.sku) this.products.delete(key(existing.sku));
    this.products.set(key(record.sku), record);
    if (input.stock_item) this.syncLegacyStock(record, input.stock_item);
    return this.view(record);
  }

  getProduct(sku: string): JsonObject {
    return this.view(this.require(sku));
  }

  deleteProduct(sku: string): true {
    const record = this.require(sku);
    this.products.delete(key(record.sku));
    for (const [itemKey, item] of this.sourceItems)
      if (key(item.sku) === key(record.sku)) this.sourceItems.delete(itemKey);
    return true;
  }

  searchProducts(criteria: SearchCriteria): SearchPage<JsonObject> {
    const records = [...this.products.values()].sort((a, b) => a.id - b.id);
    const page = applySearchCriteria(records, criteria, (record, field) => productField(record, field));
    return { items: page.items.map((record) => this.view(record)), totalCount: page.totalCount };
  }

  /** `PUT /V1/products/:productSku/stockItems/:itemId` (`StockRegistryInterface::updateStockItemBySku`). */
  updateLegacyStockItem(sku: string, stockItem: { qty?: number; is_in_stock?: boolean }): number {
    const record = this.require(sku);
    this.syncLegacyStock(record, stockItem);
    return record.id;
  }

  // --- MSI source items -------------------------------------------------------------------------------

  /**
   * `InventoryApi\Api\SourceItemsSaveInterface::execute` via `SourceItemsSaveHandler`: every item is validated
   * first (SKU, source code, quantity, status validators) and nothing is saved unless all pass.
   */
  saveSourceItems(items: readonly SourceItemInput[]): void {
    if (items.length === 0) throw new MagentoError(400, 'Input data is empty');
    const errors: MagentoErrorItem[] = [];
    for (const item of items) errors.push(...this.sourceItemErrors(item));
    const first = errors[0];
    if (first) {
      // The handler builds its message from the first error already rendered; errors[] keeps the raw phrases.
      throw new MagentoError(400, `Validation Failed: ${fill(first)}`, undefined, errors);
    }
    // Validation passed: every sku names a product and every source code is a non-empty string.
    const valid = items.map((item) => ({
      sku: scalarText(item.sku ?? ''),
      sourceCode: scalarText(item.source_code ?? ''),
      quantity: Number(item.quantity),
      status: Number(item.status),
    }));
    if (valid.some((item) => !this.options.sources.includes(item.sourceCode))) {
      // The source code is a foreign key: SaveMultiple fails and the handler wraps it (CouldNotSaveException).
      throw new MagentoError(400, 'Could not save Source Item');
    }
    for (const item of valid) {
      const record = this.products.get(key(item.sku));
      if (!record) continue;
      this.sourceItems.set(sourceKey(record.sku, item.sourceCode), {
        sku: record.sku,
        source_code: item.sourceCode,
        quantity: item.quantity,
        status: item.status,
      });
      if (item.sourceCode === DEFAULT_SOURCE) record.updatedAt = timestamp(this.now());
    }
  }

  searchSourceItems(criteria: SearchCriteria): SearchPage<JsonObject> {
    const rows = [...this.sourceItems.values()].map((item) => ({ ...item }));
    return applySearchCriteria<JsonObject>(rows, criteria, (row, field) => row[field]);
  }

  private sourceItemErrors(item: SourceItemInput): MagentoErrorItem[] {
    const errors: MagentoErrorItem[] = [];
    const sku = typeof item.sku === 'string' || typeof item.sku === 'number' ? String(item.sku) : '';
    if (sku.trim() === '')
      errors.push({ message: '"%field" can not be empty.', parameters: { field: 'sku' } });
    else if (!this.products.has(key(sku)))
      // Inventory\Model\Validators\NotExistentSku, typo included.
      errors.push({
        message: 'Product with requested "%field": "%value" was was not found.',
        parameters: { field: 'sku', value: sku },
      });
    const source = typeof item.source_code === 'string' ? item.source_code : '';
    if (source.trim() === '')
      errors.push({ message: '"%field" can not be empty.', parameters: { field: 'source_code' } });
    if (!isNumeric(item.quantity))
      errors.push({ message: '"%field" should be numeric.', parameters: { field: 'quantity' } });
    if (!isNumeric(item.status)) {
      // StatusValidator passes SourceItemInterface::QUANTITY as the field name here; kept as Magento has it.
      errors.push({ message: '"%field" should be numeric.', parameters: { field: 'quantity' } });
    } else if (![0, 1].includes(Number(item.status))) {
      errors.push({ message: '"%field" should a known status.', parameters: { field: 'status' } });
    }
    return errors;
  }

  // --- base prices ------------------------------------------------------------------------------------

  /**
   * `Catalog\Model\Product\Price\BasePriceStorage::update`: rows with an unknown (or unpriceable) SKU, a null
   * or negative price or an unknown store are reported, every other row is saved. The price attribute is
   * global in a default install, so every row lands on store 0.
   */
  updateBasePrices(rows: readonly BasePriceInput[]): PriceUpdateFailure[] {
    const failures: PriceUpdateFailure[] = [];
    const valid: { record: ProductRecord; price: number }[] = [];
    for (const row of rows) {
      const sku = row.sku === undefined || row.sku === null ? '' : scalarText(row.sku);
      const record = sku === '' ? undefined : this.products.get(key(sku));
      let failed = false;
      if (!record || !PRICED_TYPES.has(record.typeId)) {
        failures.push({ message: 'Invalid attribute %fieldName = %fieldValue.', parameters: ['SKU', sku] });
        failed = true;
      }
      const price = isNumeric(row.price) ? Number(row.price) : null;
      if (price === null || price < 0) {
        failures.push({
          message: 'Invalid attribute %fieldName = %fieldValue.',
          parameters: ['Price', row.price === undefined || row.price === null ? '' : scalarText(row.price)],
        });
        failed = true;
      }
      const storeId = isNumeric(row.store_id) ? Number(row.store_id) : NaN;
      if (!STORE_IDS.has(storeId)) {
        const storeText = row.store_id === undefined || row.store_id === null ? '' : scalarText(row.store_id);
        // This one message is rendered with its arguments in BasePriceStorage; see BasePriceStorageTest.
        failures.push({
          message: `Requested store is not found. Row ID: SKU = ${sku}, Store ID: ${storeText}.`,
          parameters: [sku, storeText],
        });
        failed = true;
      }
      if (!failed && record && price !== null) valid.push({ record, price });
    }
    const stamp = timestamp(this.now());
    for (const { record, price } of valid) {
      record.price = price;
      record.updatedAt = stamp;
    }
    return failures;
  }

  /** `BasePriceStorage::get`: unknown or unpriceable SKUs are filtered out, not reported. */
  basePrices(skus: readonly string[]): JsonObject[] {
    return skus.flatMap((sku) => {
      const record = this.products.get(key(sku));
      if (!record || !PRICED_TYPES.has(record.typeId) || record.price === null) return [];
      return [{ price: record.price, store_id: 0, sku: record.sku }];
    });
  }

  // --- internals --------------------------------------------------------------------------------------

  /**
   * `ProductRepository::save` validation of the merged product. The envelope texts are Magento's; the detail
   * inside "Invalid product data: %1" is the simulator's own wording (Magento joins the EAV validators' results).
   * Parameters name attribute codes, where Magento would print the attribute's label.
   */
  private validate(draft: Omit<ProductRecord, 'id' | 'createdAt' | 'updatedAt'>): void {
    if (!PRODUCT_TYPES.has(draft.typeId)) invalid(`Product type "${draft.typeId}" is not supported.`);
    if (draft.status !== 1 && draft.status !== 2)
      invalid(`Attribute "status" has invalid value "${draft.status}".`);
    if (draft.visibility < 1 || draft.visibility > 4)
      invalid(`Attribute "visibility" has invalid value "${draft.visibility}".`);
    if (draft.price !== null && draft.price < 0) throw negativePrice();
    for (const attribute of this.options.requiredAttributes) {
      if (isEmpty(productField({ ...draft, id: 0, createdAt: '', updatedAt: '' }, attribute)))
        throw attributeEmpty(attribute);
    }
  }

  /**
   * `ConfigurableProduct\Model\Plugin\ProductRepositorySave::beforeSave`, on the request's own links and
   * options: each option's attribute must exist, each linked child (by entity id) must exist and hold a value
   * for every option attribute, and no two children may hold the same combination. With links but no
   * options every child's combination is the empty one, so two or more links are refused.
   */
  private validateConfigurableLinks(input: ProductInput): void {
    if (input.type_id !== 'configurable') return;
    const links = input.configurable_product_links ?? [];
    const options = input.configurable_product_options ?? [];
    if (links.length === 0 && options.length === 0) return;
    const codes = options.map((option) => {
      const id = isJsonObject(option) ? option.attribute_id : undefined;
      const idText = typeof id === 'string' || typeof id === 'number' ? String(id) : '';
      const attribute = this.options.attributes.find(idText);
      if (!attribute) throw attributeNotFound(idText);
      return attribute.code;
    });
    const seen = new Map<string, number>();
    for (const childId of links) {
      const child = this.byId(childId);
      if (!child) throw productNotFound();
      let valueKey = '';
      for (const code of codes) {
        const value = productField(child, code);
        if (isEmpty(value) || value === 0 || value === '0') {
          throw new MagentoError(400, 'Product with id "%1" does not contain required attribute "%2".', [
            childId,
            code,
          ]);
        }
        valueKey += `${code}:${scalarText(value ?? '')};`;
      }
      const twin = seen.get(valueKey);
      if (twin !== undefined) {
        throw new MagentoError(400, 'Products "%1" and "%2" have the same set of attribute values.', [
          childId,
          twin,
        ]);
      }
      seen.set(valueKey, childId);
    }
  }

  /** The legacy stock item and the `default` source item are one and the same quantity. */
  private syncLegacyStock(record: ProductRecord, stock: { qty?: number; is_in_stock?: boolean }): void {
    const itemKey = sourceKey(record.sku, DEFAULT_SOURCE);
    const current = this.sourceItems.get(itemKey);
    this.sourceItems.set(itemKey, {
      sku: record.sku,
      source_code: DEFAULT_SOURCE,
      quantity: stock.qty ?? current?.quantity ?? 0,
      status: stock.is_in_stock === undefined ? (current?.status ?? 0) : stock.is_in_stock ? 1 : 0,
    });
  }

  private require(sku: string): ProductRecord {
    const record = this.products.get(key(sku));
    if (!record) throw productNotFound();
    return record;
  }

  private byId(id: number): ProductRecord | undefined {
    for (const record of this.products.values()) if (record.id === id) return record;
    return undefined;
  }

  private view(record: ProductRecord): JsonObject {
    const stock = this.sourceItems.get(sourceKey(record.sku, DEFAULT_SOURCE));
    const extension: JsonObject = {
      website_ids: record.websiteIds,
      category_links: record.categoryLinks,
      stock_item: stockItemView(record.id, stock?.quantity ?? 0, stock?.status === 1),
    };
    if (record.typeId === 'configurable') {
      extension.configurable_product_options = record.configurableOptions;
      extension.configurable_product_links = record.configurableLinks;
    }
    const product: JsonObject = {
      id: record.id,
      sku: record.sku,
      name: record.name,
      attribute_set_id: record.attributeSetId,
      price: record.price ?? 0,
      status: record.status,
      visibility: record.visibility,
      type_id: record.typeId,
      created_at: record.createdAt,
      updated_at: record.updatedAt,
    };
    if (record.weight !== null) product.weight = record.weight;
    product.extension_attributes = extension;
    product.product_links = [];
    product.options = [];
    product.media_gallery_entries = [];
    product.tier_prices = [];
    product.custom_attributes = [...record.customAttributes].map(([code, value]) => ({
      attribute_code: code,
      value,
    }));
    return product;
  }
}

/** `ProductRepository::save`: a new product starts from the attribute defaults, an existing one from itself. */
function mergeProduct(
  existing: ProductRecord | undefined,
  sku: string,
  input: ProductInput,
): Omit<ProductRecord, 'id' | 'createdAt' | 'updatedAt'> {
  const customAttributes = new Map(existing?.customAttributes ?? []);
  for (const attribute of input.custom_attributes ?? [])
    customAttributes.set(attribute.attribute_code, attribute.value);
  return {
    sku,
    name: input.name !== undefined ? input.name : (existing?.name ?? null),
    price: input.price !== undefined ? input.price : (existing?.price ?? null),
    // Omitted status is kept: `if (!$product->hasData(Product::STATUS)) $product->setStatus($existing->getStatus())`.
    status: input.status ?? existing?.status ?? 1,
    visibility: input.visibility ?? existing?.visibility ?? 4,
    typeId: input.type_id ?? existing?.typeId ?? 'simple',
    attributeSetId: input.attribute_set_id ?? existing?.attributeSetId ?? 4,
    weight: input.weight !== undefined ? input.weight : (existing?.weight ?? null),
    customAttributes,
    websiteIds: input.website_ids ?? existing?.websiteIds ?? [1],
    categoryLinks: input.category_links ?? existing?.categoryLinks ?? [],
    configurableLinks: input.configurable_product_links ?? existing?.configurableLinks ?? [],
    configurableOptions: input.configurable_product_options ?? existing?.configurableOptions ?? [],
  };
}

/** A product attribute by code: the top-level ProductInterface fields first, then `custom_attributes`. */
function productField(record: ProductRecord, field: string): JsonValue | undefined {
  switch (field) {
    case 'id':
    case 'entity_id':
      return record.id;
    case 'sku':
      return record.sku;
    case 'name':
      return record.name;
    case 'price':
      return record.price;
    case 'status':
      return record.status;
    case 'visibility':
      return record.visibility;
    case 'type_id':
      return record.typeId;
    case 'attribute_set_id':
      return record.attributeSetId;
    case 'weight':
      return record.weight;
    case 'created_at':
      return record.createdAt;
    case 'updated_at':
      return record.updatedAt;
    case 'website_id':
    case 'website_ids':
      return record.websiteIds;
    default:
      return record.customAttributes.get(field);
  }
}

/** The legacy `cataloginventory_stock_item` row as the product GET shows it (values of a default install). */
function stockItemView(productId: number, qty: number, inStock: boolean): JsonObject {
  return {
    item_id: productId,
    product_id: productId,
    stock_id: 1,
    qty,
    is_in_stock: inStock,
    is_qty_decimal: false,
    show_default_notification_message: false,
    use_config_min_qty: true,
    min_qty: 0,
    use_config_min_sale_qty: 1,
    min_sale_qty: 1,
    use_config_max_sale_qty: true,
    max_sale_qty: 10000,
    use_config_backorders: true,
    backorders: 0,
    use_config_notify_stock_qty: true,
    notify_stock_qty: 1,
    use_config_qty_increments: true,
    qty_increments: 0,
    use_config_enable_qty_inc: true,
    enable_qty_increments: false,
    use_config_manage_stock: true,
    manage_stock: true,
    low_stock_date: null,
    is_decimal_divided: false,
    stock_status_changed_auto: 0,
  };
}

function invalid(detail: string): never {
  throw invalidProductData(detail);
}

/** `ProductRepository::prepareSku`: SKUs are matched lower-cased and trimmed. */
function key(sku: string): string {
  return sku.trim().toLowerCase();
}

function sourceKey(sku: string, sourceCode: string): string {
  return `${key(sku)}\u0000${sourceCode}`;
}

function isEmpty(value: JsonValue | undefined): boolean {
  return (
    value === undefined ||
    value === null ||
    (typeof value === 'string' && value.trim() === '') ||
    (Array.isArray(value) && value.length === 0)
  );
}

function isNumeric(value: JsonValue | undefined): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value));
}

function scalarText(value: JsonValue): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

function fill(item: MagentoErrorItem): string {
  return new MagentoError(400, item.message, item.parameters).filledMessage;
}

/** Magento's `Y-m-d H:i:s` in UTC. */
function timestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}
