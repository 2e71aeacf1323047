/**
 * Async and bulk product saves and the bulk status routes.
 *
 * - `POST /async/bulk/V1/products` takes a JSON array of `POST /V1/products` bodies;
 *   `PUT /async/bulk/V1/products/bySku` the same for the PUT route (path parameters become `by<Name>` and
 *   are not read: each element's own `product.sku` counts). `POST /async/V1/products` is the single-request
 *   form. All answer 202 with `bulk_uuid` and one `request_items` entry per element (AdobeDocs
 *   `src/pages/rest/bulk-endpoints.md`, `asynchronous-web-endpoints.md`).
 * - An element that fails validation while it is queued is `rejected`: it gets no operation, the other
 *   elements stay scheduled and the answer says `"errors": true`. That is `MassSchedule::publishMass` with
 *   the current `AsynchronousRequestProcessor`, which catches the BulkException and still answers 202.
 * - Business errors (a required attribute left empty...) show up only later, in the operation's status 3.
 * - `GET /V1/bulk/:bulkUuid/{status,detailed-status,operation-status/:status}` (AsynchronousOperations
 *   `webapi.xml`; AdobeDocs `operation-status-endpoints.md`).
 */
import type { FastifyInstance } from 'fastify';
import type { BulkElement } from '../bulk-queue.ts';
import type { CatalogStore } from '../catalog-store.ts';
import { isJsonObject, type JsonObject, type JsonValue } from '../json-value.ts';
import { MagentoError, fillPhrase, phpType, requiredField } from '../magento-errors.ts';
import { parseSaveBody } from '../product-payload.ts';
import type { SimulatorContext } from '../simulator-context.ts';
import { registerMagentoRoute, type MagentoCall } from './magento-route.ts';

/** `async.<service contract path, lower case>.<method>.<http verb>`, as `WebapiAsync` names the topics. */
export const PRODUCT_SAVE_POST_TOPIC = 'async.magento.catalog.api.productrepositoryinterface.save.post';
export const PRODUCT_SAVE_PUT_TOPIC = 'async.magento.catalog.api.productrepositoryinterface.save.put';
/** What `OperationProcessor` prints after "Service execution success" for a product save. */
export const PRODUCT_SAVE_SERVICE = 'Magento\\Catalog\\Model\\ProductRepository\\Interceptor::save';

const PRODUCTS = 'Magento_Catalog::products';
const BULK_STATUS = 'Magento_AsynchronousOperations::system_magento_logging_bulk_operations';

/** The consumer side: both product topics run `ProductRepositoryInterface::save`. */
export function executeProductTopic(catalog: CatalogStore, payload: JsonObject): JsonValue {
  return catalog.saveProduct(parseSaveBody(payload));
}

export function bulkRoutes(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  const route = registerMagentoRoute.bind(null, app, ctx.routeDeps);
  const schedule = (topic: string, elements: readonly JsonValue[], call: MagentoCall): JsonValue => {
    call.countItems(elements.length);
    const user = call.user ?? { userType: 2, userId: 1 };
    return ctx.bulks.schedule(
      topic,
      elements.map((element) => queueElement(topic, element)),
      user,
    );
  };

  route({
    method: 'POST',
    url: '/async/bulk/V1/products',
    resource: PRODUCTS,
    successStatus: 202,
    handle: (call) => schedule(PRODUCT_SAVE_POST_TOPIC, bulkBody(call.body), call),
  });

  route({
    method: 'PUT',
    url: '/async/bulk/V1/products/bySku',
    resource: PRODUCTS,
    successStatus: 202,
    handle: (call) => schedule(PRODUCT_SAVE_PUT_TOPIC, bulkBody(call.body), call),
  });

  route({
    method: 'POST',
    url: '/async/V1/products',
    resource: PRODUCTS,
    successStatus: 202,
    handle: (call) => {
      // The single async form resolves its one body like the synchronous route does.
      if (!isJsonObject(call.body)) throw requiredField('product');
      return schedule(PRODUCT_SAVE_POST_TOPIC, [call.body], call);
    },
  });

  route({
    method: 'GET',
    url: '/V1/bulk/:bulkUuid/status',
    resource: BULK_STATUS,
    handle: ({ params }) => ctx.bulks.shortStatus(params.bulkUuid ?? ''),
  });

  route({
    method: 'GET',
    url: '/V1/bulk/:bulkUuid/detailed-status',
    resource: BULK_STATUS,
    handle: ({ params }) => ctx.bulks.detailedStatus(params.bulkUuid ?? ''),
  });

  route({
    method: 'GET',
    url: '/V1/bulk/:bulkUuid/operation-status/:status',
    resource: BULK_STATUS,
    handle: ({ params }) => {
      const status = Number(params.status);
      if (!Number.isInteger(status)) throw new MagentoError(400, 'Invalid type');
      return ctx.bulks.countByStatus(params.bulkUuid ?? '', status);
    },
  });
  return Promise.resolve();
}

/** A bulk body is a JSON array of request bodies; anything else cannot be split into entities. */
function bulkBody(body: unknown): JsonValue[] {
  if (Array.isArray(body)) return body as JsonValue[];
  throw requiredField('product');
}

/**
 * Queue-time validation of one element against the topic's request schema (`save(ProductInterface $product,
 * bool $saveOptions)`): the element must carry a `product` object whose fields have the declared types. The
 * rejection text is the exception's rendered message, as `ItemStatus::setErrorMessage` stores it.
 */
function queueElement(topic: string, element: JsonValue): BulkElement {
  if (!isJsonObject(element) || !isJsonObject(element.product)) {
    const actual = isJsonObject(element) ? element.product : element;
    return {
      rejected: {
        message: fillPhrase('Data in topic "%topic" must be of type "%expectedType". "%actualType" given.', {
          topic,
          expectedType: 'Magento\\Catalog\\Api\\Data\\ProductInterface',
          actualType: phpType(actual),
        }),
        code: 0,
      },
    };
  }
  try {
    parseSaveBody(element);
  } catch (error) {
    if (error instanceof MagentoError)
      return { rejected: { message: error.filledMessage, code: error.code } };
    throw error;
  }
  return { accepted: element };
}
