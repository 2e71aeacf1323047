/**
 * Turns a `{"product":{...},"saveOptions":true}` body into typed input, failing the way Magento's
 * `ServiceInputProcessor` does before `ProductRepositoryInterface::save` is ever called: a missing argument is
 * `"%fieldName" is required`, a value of the wrong JSON type is `Error occurred during "%field_name" processing`.
 * PHP's `settype` is lenient, so numeric strings pass as numbers and numbers pass as strings.
 *
 * Field list: `Catalog\Api\Data\ProductInterface` and the payload in AdobeDocs
 * `src/pages/rest/tutorials/configurable-product/create-simple-products.md`.
 */
import { fieldTypeInvalid, requiredField } from './magento-errors.ts';
import { isJsonObject, type JsonObject, type JsonValue } from './json-value.ts';

export interface CustomAttributeInput {
  attribute_code: string;
  value: JsonValue;
}

export interface StockItemInput {
  qty?: number;
  is_in_stock?: boolean;
}

/** Only the fields that were sent are set: `ProductRepository::save` keeps whatever was omitted. */
export interface ProductInput {
  sku?: string | null;
  name?: string | null;
  price?: number | null;
  status?: number;
  visibility?: number;
  type_id?: string;
  attribute_set_id?: number;
  weight?: number | null;
  custom_attributes?: CustomAttributeInput[];
  stock_item?: StockItemInput;
  website_ids?: number[];
  category_links?: JsonValue[];
  configurable_product_links?: number[];
  configurable_product_options?: JsonValue[];
}

/** The body of `POST /V1/products` / `PUT /V1/products/:sku` and of each async bulk element. */
export function parseSaveBody(body: unknown): ProductInput {
  if (!isJsonObject(body) || !isJsonObject(body.product)) throw requiredField('product');
  return parseProduct(body.product);
}

export function parseProduct(product: JsonObject): ProductInput {
  const input: ProductInput = {};
  if ('sku' in product) input.sku = optionalString('sku', product.sku);
  if ('name' in product) input.name = optionalString('name', product.name);
  if ('price' in product) input.price = optionalNumber('price', product.price);
  if ('weight' in product) input.weight = optionalNumber('weight', product.weight);
  if (product.status !== undefined && product.status !== null)
    input.status = integer('status', product.status);
  if (product.visibility !== undefined && product.visibility !== null)
    input.visibility = integer('visibility', product.visibility);
  if (product.attribute_set_id !== undefined && product.attribute_set_id !== null)
    input.attribute_set_id = integer('attribute_set_id', product.attribute_set_id);
  if (typeof product.type_id === 'string') input.type_id = product.type_id;
  else if (product.type_id !== undefined && product.type_id !== null)
    throw fieldTypeInvalid('type_id', product.type_id, 'string');
  if (product.custom_attributes !== undefined && product.custom_attributes !== null)
    input.custom_attributes = customAttributes(product.custom_attributes);
  if (product.extension_attributes !== undefined && product.extension_attributes !== null) {
    if (!isJsonObject(product.extension_attributes))
      throw fieldTypeInvalid('extension_attributes', product.extension_attributes, 'array');
    Object.assign(input, extensionAttributes(product.extension_attributes));
  }
  return input;
}

function extensionAttributes(ext: JsonObject): ProductInput {
  const input: ProductInput = {};
  if (ext.stock_item !== undefined && ext.stock_item !== null) {
    if (!isJsonObject(ext.stock_item)) throw fieldTypeInvalid('stock_item', ext.stock_item, 'array');
    const stock: StockItemInput = {};
    if (ext.stock_item.qty !== undefined && ext.stock_item.qty !== null)
      stock.qty = number('qty', ext.stock_item.qty);
    if (ext.stock_item.is_in_stock !== undefined && ext.stock_item.is_in_stock !== null)
      stock.is_in_stock = boolean('is_in_stock', ext.stock_item.is_in_stock);
    input.stock_item = stock;
  }
  if (ext.website_ids !== undefined && ext.website_ids !== null)
    input.website_ids = list('website_ids', ext.website_ids).map((id) => integer('website_ids', id));
  if (ext.category_links !== undefined && ext.category_links !== null)
    input.category_links = list('category_links', ext.category_links);
  if (ext.configurable_product_links !== undefined && ext.configurable_product_links !== null)
    input.configurable_product_links = list('configurable_product_links', ext.configurable_product_links).map(
      (id) => integer('configurable_product_links', id),
    );
  if (ext.configurable_product_options !== undefined && ext.configurable_product_options !== null)
    input.configurable_product_options = list(
      'configurable_product_options',
      ext.configurable_product_options,
    );
  return input;
}

function customAttributes(value: JsonValue): CustomAttributeInput[] {
  return list('custom_attributes', value).map((entry) => {
    if (!isJsonObject(entry)) throw fieldTypeInvalid('custom_attributes', entry, 'array');
    const code = entry.attribute_code;
    if (typeof code !== 'string' || code === '') throw requiredField('attribute_code');
    return { attribute_code: code, value: entry.value ?? null };
  });
}

function list(field: string, value: JsonValue): JsonValue[] {
  if (!Array.isArray(value)) throw fieldTypeInvalid(field, value, 'array');
  return value;
}

function optionalString(field: string, value: JsonValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw fieldTypeInvalid(field, value, 'string');
}

function optionalNumber(field: string, value: JsonValue | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  return number(field, value);
}

function number(field: string, value: JsonValue): number {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  if (typeof value === 'string' && value.trim() === '') throw fieldTypeInvalid(field, value, 'float');
  if (!Number.isFinite(parsed)) throw fieldTypeInvalid(field, value, 'float');
  return parsed;
}

function integer(field: string, value: JsonValue): number {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  if (!Number.isInteger(parsed) || (typeof value === 'string' && value.trim() === ''))
    throw fieldTypeInvalid(field, value, 'int');
  return parsed;
}

function boolean(field: string, value: JsonValue): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === '1' || value === 'true') return true;
  if (value === 0 || value === '0' || value === 'false' || value === '') return false;
  throw fieldTypeInvalid(field, value, 'bool');
}
