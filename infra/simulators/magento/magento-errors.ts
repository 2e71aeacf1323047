/**
 * Magento's REST error envelope and the exact texts the simulator answers with.
 *
 * `lib/internal/Magento/Framework/Webapi/Rest/Response.php::_renderMessages` renders an exception as
 * `{"message": <raw phrase with %1/%name placeholders>, "errors"?: [{message, parameters}], "code"?: <only if
 * non-zero>, "parameters"?: <phrase arguments>}`; clients fill the placeholders themselves. The HTTP status
 * comes from `ErrorProcessor::maskException`: NoSuchEntityException 404, Authentication/Authorization 401,
 * any other LocalizedException 400, anything else 500 with a masked "Report ID" text.
 */
import { randomInt } from 'node:crypto';

/** Phrase arguments: positional (`%1` = index 0) render as a JSON list, named (`%name`) as an object. */
export type PhraseParameters = readonly (string | number)[] | Readonly<Record<string, string | number>>;

export interface MagentoErrorItem {
  message: string;
  parameters: PhraseParameters;
}

export interface MagentoErrorBody {
  message: string;
  errors?: MagentoErrorItem[];
  code?: number;
  parameters?: PhraseParameters;
}

/** Fill `%1`, `%2`... and `%name` placeholders the way `Magento\Framework\Phrase\Renderer\Placeholder` does. */
export function fillPhrase(raw: string, parameters?: PhraseParameters): string {
  if (!parameters) return raw;
  return raw.replace(/%(\w+)/g, (whole, key: string) => {
    const value = Array.isArray(parameters)
      ? /^\d+$/.test(key)
        ? (parameters as readonly (string | number)[])[Number(key) - 1]
        : undefined
      : (parameters as Readonly<Record<string, string | number>>)[key];
    return value === undefined ? whole : String(value);
  });
}

/** A Magento exception as the web API renders it; handlers throw these and the error handler sends them. */
export class MagentoError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly rawMessage: string,
    readonly parameters?: PhraseParameters,
    readonly errors?: MagentoErrorItem[],
    readonly code = 0,
  ) {
    super(fillPhrase(rawMessage, parameters));
    this.name = 'MagentoError';
  }

  /** The message with its placeholders filled, as the async consumer stores it in `result_message`. */
  get filledMessage(): string {
    return this.message;
  }

  body(): MagentoErrorBody {
    const body: MagentoErrorBody = { message: this.rawMessage };
    if (this.errors && this.errors.length > 0) body.errors = this.errors;
    if (this.code !== 0) body.code = this.code;
    if (this.parameters && Object.keys(this.parameters).length > 0) body.parameters = this.parameters;
    return body;
  }
}

// --- 401 ------------------------------------------------------------------------------------------------

/**
 * `Webapi\Controller\Rest\RequestValidator::checkPermissions` (AuthorizationException): a missing or bad token,
 * a disabled bearer integration and a missing ACL all look the same.
 */
export const notAuthorized = (resource: string): MagentoError =>
  new MagentoError(401, "The consumer isn't authorized to access %resources.", { resources: resource });

/** `Integration\Model\AdminTokenService::createAdminAccessToken` (AuthenticationException). */
export const adminSignInIncorrect = (): MagentoError =>
  new MagentoError(
    401,
    'The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.',
  );

// --- 404 ------------------------------------------------------------------------------------------------

/** `Catalog\Model\ProductRepository::get`/`getById` (NoSuchEntityException). */
export const productNotFound = (): MagentoError =>
  new MagentoError(404, "The product that was requested doesn't exist. Verify the product and try again.");

/** `Sales\Model\OrderRepository::get` and `Order\ShipmentRepository::get` (NoSuchEntityException). */
export const entityNotFound = (): MagentoError =>
  new MagentoError(404, "The entity that was requested doesn't exist. Verify the entity and try again.");

/** `Webapi\Controller\Rest\Router::match`. */
export const routeNotFound = (): MagentoError => new MagentoError(404, 'Request does not match any route.');

/** `AsynchronousOperations\Model\BulkOperationsStatus::getBulkShortStatus`/`getBulkDetailedStatus`. */
export const bulkNotFound = (bulkUuid: string): MagentoError =>
  new MagentoError(404, 'Bulk uuid %bulkUuid not exist', { bulkUuid });

// --- 400 ------------------------------------------------------------------------------------------------

/** `Framework\Exception\InputException::requiredField`, raised by `ServiceInputProcessor` for a missing argument. */
export const requiredField = (fieldName: string): MagentoError =>
  new MagentoError(400, '"%fieldName" is required. Enter and try again.', { fieldName });

/** `AbstractAggregateException`: one error keeps its own phrase, two or more fall back to the generic one with `errors[]`. */
export function requiredFields(fieldNames: readonly string[]): MagentoError {
  if (fieldNames.length === 1) return requiredField(fieldNames[0] ?? '');
  return new MagentoError(
    400,
    'One or more input exceptions have occurred.',
    undefined,
    fieldNames.map((fieldName) => ({
      message: '"%fieldName" is required. Enter and try again.',
      parameters: { fieldName },
    })),
  );
}

/** `ServiceInputProcessor::_createFromArray` wrapping a `TypeProcessor` type mismatch (SerializationException). */
export const fieldTypeInvalid = (fieldName: string, value: unknown, expectedType: string): MagentoError =>
  new MagentoError(400, 'Error occurred during "%field_name" processing. %details', {
    field_name: fieldName,
    details: fillPhrase(
      'The "%value" value\'s type is invalid. The "%type" type was expected. Verify and try again.',
      {
        value: describeValue(value),
        type: expectedType,
      },
    ),
  });

/** `Eav\Model\Entity\Attribute\Backend\AbstractBackend::validate` for a required attribute. */
export const attributeEmpty = (attribute: string): MagentoError =>
  new MagentoError(400, 'The "%1" attribute value is empty. Set the attribute and try again.', [attribute]);

/** `Catalog\Model\ProductRepository::save` when the resource model's validation returns errors (CouldNotSaveException). */
export const invalidProductData = (detail: string): MagentoError =>
  new MagentoError(400, 'Invalid product data: %1', [detail]);

/** `Catalog\Model\Product\Attribute\Backend\Price::validate`. */
export const negativePrice = (): MagentoError =>
  new MagentoError(400, 'Please enter a number 0 or greater in this field.');

/** `Webapi\Rest\Request\Deserializer\Json::deserialize` outside developer mode. */
export const decodingError = (): MagentoError => new MagentoError(400, 'Decoding error.');

/** `Webapi\Rest\Request::getContentType`. */
export const contentTypeEmpty = (): MagentoError => new MagentoError(400, 'Content-Type header is empty.');

/** `Webapi\Rest\Request\DeserializerFactory::get` for a media type without a deserializer. */
export const contentTypeNotUnderstood = (contentType: string): MagentoError =>
  new MagentoError(400, 'Server cannot understand Content-Type HTTP header media type %1', [contentType]);

/**
 * `Sales\Model\ShipOrder::createShipment` (DocumentValidationException): the validators' messages are
 * rendered into one phrase before it is thrown, so the body carries the filled text and no parameters.
 */
export const shipmentDocumentInvalid = (messages: readonly string[]): MagentoError =>
  new MagentoError(400, `Shipment Document Validation Error(s):\n${messages.join('\n')}`);

// --- 500 ------------------------------------------------------------------------------------------------

/** `ErrorProcessor::_critical` names reports `uniqid("webapi-")`: 8 hex digits of seconds, 5 of microseconds. */
export function reportId(): string {
  const now = Date.now();
  const seconds = Math.floor(now / 1000);
  const micros = (now % 1000) * 1000 + randomInt(1000);
  return `webapi-${seconds.toString(16).padStart(8, '0')}${micros.toString(16).padStart(5, '0')}`;
}

/** `ErrorProcessor::maskException` for a non-Localized exception outside developer mode. */
export const internalError = (): MagentoError =>
  new MagentoError(
    500,
    `Internal Error. Details are available in Magento log file. Report ID: ${reportId()}`,
  );

/** PHP's `gettype` names (as `MessageValidator::getRealType` reports them) for a JSON value. */
export function phpType(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'string';
  return 'array'; // a JSON object decodes to a PHP associative array
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return 'Array';
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}
