/**
 * The dropdown (select) product attributes a configurable product can be built on. A configurable names them
 * in `configurable_product_options` by `attribute_id`, each child holds the option id of its value, and the
 * ids are the store's own, read with `GET /V1/products/attributes/{attributeCode}` (Catalog `webapi.xml`,
 * ACL `Magento_Catalog::attributes_attributes`; AdobeDocs `src/pages/rest/tutorials/configurable-product/`).
 *
 * The simulator's store has a fixed set of attributes (`color` keeps its id 93 of a default install); option
 * ids are numbered from 5000 in declaration order.
 */
import { MagentoError } from './magento-errors.ts';
import type { JsonObject } from './json-value.ts';

export interface DropdownAttribute {
  id: number;
  code: string;
  label: string;
  /** Option label -> option id. */
  options: ReadonlyMap<string, string>;
}

export const DEFAULT_DROPDOWN_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  color: ['Black', 'Blue', 'Brown', 'Gray', 'Green', 'Orange', 'Purple', 'Red', 'White', 'Yellow'],
  size: ['XS', 'S', 'M', 'L', 'XL', 'XXL', '28', '29', '30', '31', '32', '33', '34', '36', '38'],
};

/** `Eav\Model\AttributeRepository::get` (NoSuchEntityException). */
export const attributeNotFound = (attributeCode: string): MagentoError =>
  new MagentoError(
    404,
    'The attribute with a "%1" attributeCode doesn\'t exist. Verify the attribute and try again.',
    [attributeCode],
  );

export class AttributeRegistry {
  private readonly byCode = new Map<string, DropdownAttribute>();

  constructor(definitions: Readonly<Record<string, readonly string[]>> = DEFAULT_DROPDOWN_ATTRIBUTES) {
    let nextId = 200;
    let nextOption = 5000;
    for (const [code, labels] of Object.entries(definitions)) {
      const id = code === 'color' ? 93 : nextId++;
      const options = new Map(labels.map((label) => [label, String(nextOption++)] as const));
      this.byCode.set(code, { id, code, label: code.charAt(0).toUpperCase() + code.slice(1), options });
    }
  }

  /** By code, or by numeric id as `ProductAttributeRepositoryInterface::get` also accepts. */
  find(codeOrId: string): DropdownAttribute | undefined {
    const byCode = this.byCode.get(codeOrId);
    if (byCode) return byCode;
    for (const attribute of this.byCode.values()) if (String(attribute.id) === codeOrId) return attribute;
    return undefined;
  }

  /** `GET /V1/products/attributes/:attributeCode` (`Catalog\Api\Data\ProductAttributeInterface`). */
  view(codeOrId: string): JsonObject {
    const attribute = this.find(codeOrId);
    if (!attribute) throw attributeNotFound(codeOrId);
    return {
      attribute_id: attribute.id,
      attribute_code: attribute.code,
      frontend_input: 'select',
      entity_type_id: '4',
      is_required: false,
      is_user_defined: true,
      is_unique: '0',
      scope: 'global',
      backend_type: 'int',
      default_frontend_label: attribute.label,
      frontend_labels: [],
      // The admin form's empty choice comes first, as in a real answer.
      options: [
        { label: ' ', value: '' },
        ...[...attribute.options].map(([label, value]) => ({ label, value })),
      ],
      validation_rules: [],
    };
  }
}
