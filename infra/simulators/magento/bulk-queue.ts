/**
 * Magento's asynchronous bulk API: `MassSchedule::publishMass` stores one operation per accepted element with
 * status 4 (open) and answers 202 at once; the `async.operations.all` consumer later runs each operation's
 * service call and `OperationProcessor` records 1 (complete, "Service execution success <class>::<method>"),
 * 2 (failed, retriable: deadlocks, lock waits, lost connections) or 3 (failed, not retriable: every
 * LocalizedException) with the exception's rendered message and code. Here the consumer is a timer of
 * `delayMs` per bulk.
 *
 * Sources: AdobeDocs `src/pages/rest/bulk-endpoints.md`, `operation-status-endpoints.md`; magento/magento2
 * `AsynchronousOperations/Model/{MassSchedule,OperationProcessor,BulkOperationsStatus}.php`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { MagentoError, bulkNotFound } from './magento-errors.ts';
import type { JsonObject, JsonValue } from './json-value.ts';

export const OPERATION_COMPLETE = 1;
export const OPERATION_RETRIABLY_FAILED = 2;
export const OPERATION_NOT_RETRIABLY_FAILED = 3;
export const OPERATION_OPEN = 4;
export const OPERATION_REJECTED = 5;

/** Who scheduled the bulk: `user_type` 1 = integration, 2 = admin. */
export interface BulkUser {
  userType: 1 | 2;
  userId: number;
}

/** One element of a bulk request after queue-time validation. */
export type BulkElement = { accepted: JsonObject } | { rejected: { message: string; code: number } };

export interface BulkQueueOptions {
  delayMs: number;
  /** The synchronous service call of a topic; returns its output, throws MagentoError on failure. */
  execute: (topic: string, payload: JsonObject) => JsonValue;
  /** The service class::method `OperationProcessor` names in a success message, per topic. */
  serviceName: (topic: string) => string;
  /** Consumes an injected "next operation fails retriably" fault. */
  takeRetriableFailure: () => boolean;
  now?: () => Date;
}

interface Operation {
  id: number;
  topicName: string;
  serializedData: string;
  payload: JsonObject;
  status: number;
  resultMessage: string | null;
  errorCode: number | null;
  resultSerializedData: string | null;
}

interface Bulk {
  uuid: string;
  description: string;
  startTime: string;
  user: BulkUser;
  operations: Operation[];
}

export class BulkQueue {
  private readonly bulks = new Map<string, Bulk>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly now: () => Date;

  constructor(private readonly options: BulkQueueOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** `MassSchedule::publishMass` plus `AsynchronousRequestProcessor`: the 202 body. */
  schedule(topic: string, elements: readonly BulkElement[], user: BulkUser): JsonObject {
    const uuid = randomUUID();
    const operations: Operation[] = [];
    const requestItems: JsonObject[] = [];
    elements.forEach((element, index) => {
      if ('rejected' in element) {
        // Rejected elements get no operation; the item carries the exception's message and code.
        requestItems.push({
          id: index,
          status: 'rejected',
          error_message: element.rejected.message,
          error_code: element.rejected.code,
        });
        return;
      }
      const serializedData = JSON.stringify({
        entity_id: null,
        entity_link: '',
        meta_information: JSON.stringify(element.accepted),
      });
      operations.push({
        id: index,
        topicName: topic,
        serializedData,
        payload: element.accepted,
        status: OPERATION_OPEN,
        resultMessage: null,
        errorCode: null,
        resultSerializedData: null,
      });
      requestItems.push({
        id: index,
        data_hash: createHash('sha256').update(serializedData).digest('hex'),
        status: 'accepted',
      });
    });
    this.bulks.set(uuid, {
      uuid,
      description: `Topic ${topic}`,
      startTime: timestamp(this.now()),
      user,
      operations,
    });
    if (operations.length > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.consume(uuid);
      }, this.options.delayMs);
      timer.unref();
      this.timers.add(timer);
    }
    return {
      bulk_uuid: uuid,
      request_items: requestItems,
      errors: requestItems.some((item) => item.status === 'rejected'),
    };
  }

  /** `GET /V1/bulk/:bulkUuid/status`. */
  shortStatus(uuid: string): JsonObject {
    const bulk = this.require(uuid);
    return this.summary(
      bulk,
      bulk.operations.map((operation) => ({
        id: operation.id,
        status: operation.status,
        result_message: operation.resultMessage,
        error_code: operation.errorCode,
      })),
    );
  }

  /** `GET /V1/bulk/:bulkUuid/detailed-status`. */
  detailedStatus(uuid: string): JsonObject {
    const bulk = this.require(uuid);
    return this.summary(
      bulk,
      bulk.operations.map((operation) => ({
        id: operation.id,
        bulk_uuid: bulk.uuid,
        topic_name: operation.topicName,
        serialized_data: operation.serializedData,
        result_serialized_data: operation.resultSerializedData,
        status: operation.status,
        result_message: operation.resultMessage,
        error_code: operation.errorCode,
      })),
    );
  }

  /** `GET /V1/bulk/:bulkUuid/operation-status/:status`: a plain count; an unknown bulk simply counts 0. */
  countByStatus(uuid: string, status: number): number {
    return this.bulks.get(uuid)?.operations.filter((operation) => operation.status === status).length ?? 0;
  }

  reset(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.bulks.clear();
  }

  private consume(uuid: string): void {
    const bulk = this.bulks.get(uuid);
    if (!bulk) return;
    for (const operation of bulk.operations) {
      if (operation.status !== OPERATION_OPEN) continue;
      this.run(operation);
    }
  }

  private run(operation: Operation): void {
    if (this.options.takeRetriableFailure()) {
      // A DeadlockException reaches OperationProcessor as Zend_Db_Adapter_Exception: status 2, its own text.
      operation.status = OPERATION_RETRIABLY_FAILED;
      operation.errorCode = 40001;
      operation.resultMessage =
        'SQLSTATE[40001]: Serialization failure: 1213 Deadlock found when trying to get lock; try restarting transaction';
      operation.resultSerializedData = null;
      return;
    }
    try {
      const output = this.options.execute(operation.topicName, operation.payload);
      operation.status = OPERATION_COMPLETE;
      operation.errorCode = null;
      operation.resultMessage = `Service execution success ${this.options.serviceName(operation.topicName)}`;
      operation.resultSerializedData = JSON.stringify(output);
    } catch (error) {
      operation.status = OPERATION_NOT_RETRIABLY_FAILED;
      operation.errorCode = error instanceof MagentoError ? error.code : 0;
      operation.resultMessage = error instanceof Error ? error.message : String(error);
      operation.resultSerializedData = null;
    }
  }

  private summary(bulk: Bulk, operationsList: JsonObject[]): JsonObject {
    return {
      operations_list: operationsList,
      user_type: bulk.user.userType,
      bulk_id: bulk.uuid,
      description: bulk.description,
      start_time: bulk.startTime,
      user_id: bulk.user.userId,
      operation_count: bulk.operations.length,
    };
  }

  private require(uuid: string): Bulk {
    const bulk = this.bulks.get(uuid);
    if (!bulk) throw bulkNotFound(uuid);
    return bulk;
  }
}

function timestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}
