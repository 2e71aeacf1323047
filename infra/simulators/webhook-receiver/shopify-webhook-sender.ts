/**
 * Sends webhooks the way Shopify does ("Webhooks: delivery" and "Verify webhooks" in Shopify's app docs):
 * a POST of the JSON body with `X-Shopify-Topic`, `X-Shopify-Hmac-SHA256` (base64 HMAC-SHA256 of the raw
 * body with the app's secret), `X-Shopify-Shop-Domain`, `X-Shopify-API-Version`, `X-Shopify-Webhook-Id`,
 * `X-Shopify-Event-Id` and `X-Shopify-Triggered-At`. Anything but a 2xx within the timeout (5 s) is
 * retried on a backoff schedule (Shopify: 8 retries over 4 hours), keeping the same webhook id. Shopify
 * delivers at least once, so a share of deliveries can be configured to arrive twice.
 *
 * The signature is computed here with node:crypto on its own, not with syncline's verifier, so the
 * sender and the receiver cannot agree on a mistake.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/** Shopify's schedule, in spirit: 8 retries, quick at first, spread over about four hours. */
export const SHOPIFY_RETRY_DELAYS_MS: readonly number[] = [
  10_000, 30_000, 60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_200_000,
];

export interface WebhookSenderOptions {
  readonly url: string;
  readonly secret: string;
  /** Default `syncline-marketplace.myshopify.com`. */
  readonly shopDomain?: string;
  /** Default `2025-10`. */
  readonly apiVersion?: string;
  /** Wait before each retry, in order; its length is the number of retries. Default SHOPIFY_RETRY_DELAYS_MS. */
  readonly retryDelaysMs?: readonly number[];
  /** A delivery not answered within this is a failure and retried. Default 5000 (Shopify's). */
  readonly timeoutMs?: number;
  /** Share (0..1) of webhooks delivered a second time after their first success. Default 0. */
  readonly duplicateShare?: number;
  /** Wait before the second delivery of a duplicated webhook. Default 20 ms. */
  readonly duplicateDelayMs?: number;
  readonly random?: () => number;
}

export type WebhookTopic = 'orders/create' | 'orders/updated';

/** One HTTP attempt, as the sender saw it. */
export interface DeliveryAttempt {
  readonly webhookId: string;
  readonly eventId: string;
  readonly topic: WebhookTopic;
  readonly orderId: number;
  /** 1 for the first try of a delivery, 2 for its first retry... */
  readonly attempt: number;
  /** The second delivery of a webhook already delivered (Shopify's at-least-once). */
  readonly duplicate: boolean;
  readonly sentAtMs: number;
  /** HTTP status; 0 when no answer came (timeout, refused connection). */
  readonly status: number;
}

/** How one webhook ended: delivered (2xx), or given up after the last retry. */
export interface WebhookOutcome {
  readonly webhookId: string;
  readonly topic: WebhookTopic;
  readonly orderId: number;
  readonly delivered: boolean;
  readonly attempts: number;
}

export interface WebhookToSend {
  readonly topic: WebhookTopic;
  readonly orderId: number;
  readonly body: string;
  /** Force (true) or forbid (false) a duplicate delivery of this one; default: by `duplicateShare`. */
  readonly duplicate?: boolean;
}

interface DeliveryIds {
  readonly webhookId: string;
  readonly eventId: string;
  readonly triggeredAt: string;
}

export class ShopifyWebhookSender {
  readonly #options: WebhookSenderOptions;
  readonly #attempts: DeliveryAttempt[] = [];
  readonly #pending = new Set<Promise<void>>();
  readonly #stopping = new AbortController();

  constructor(options: WebhookSenderOptions) {
    this.#options = options;
  }

  /** Every attempt so far, oldest first. */
  attempts(): DeliveryAttempt[] {
    return [...this.#attempts];
  }

  /** Deliveries whose first or later attempt is still to come. */
  get inFlight(): number {
    return this.#pending.size;
  }

  /** Starts delivering (with retries and any duplicate) in the background; resolves when it has ended. */
  send(webhook: WebhookToSend): { webhookId: string; done: Promise<WebhookOutcome> } {
    const webhookId = randomUUID();
    const eventId = randomUUID();
    // When the change happened: the same on every retry and on a duplicate.
    const ids: DeliveryIds = { webhookId, eventId, triggeredAt: new Date().toISOString() };
    const duplicate =
      webhook.duplicate ?? (this.#options.random ?? Math.random)() < (this.#options.duplicateShare ?? 0);
    const done = (async (): Promise<WebhookOutcome> => {
      const first = await this.#deliver(webhook, ids, false);
      if (first.delivered && duplicate) {
        await this.#pause(this.#options.duplicateDelayMs ?? 20);
        await this.#deliver(webhook, ids, true);
      }
      return first;
    })();
    const tracked = done.then(
      () => undefined,
      () => undefined,
    );
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
    return { webhookId, done };
  }

  /** Resolves once no delivery is pending (every one delivered or given up). */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Abandons pending retries: they end undelivered at once. */
  stop(): void {
    this.#stopping.abort();
  }

  async #deliver(webhook: WebhookToSend, ids: DeliveryIds, duplicate: boolean): Promise<WebhookOutcome> {
    const { webhookId, eventId } = ids;
    const delays = this.#options.retryDelaysMs ?? SHOPIFY_RETRY_DELAYS_MS;
    for (let attempt = 1; attempt <= delays.length + 1; attempt += 1) {
      if (this.#stopping.signal.aborted) break;
      const sentAtMs = Date.now();
      const status = await this.#post(webhook, ids);
      this.#attempts.push({
        webhookId,
        eventId,
        topic: webhook.topic,
        orderId: webhook.orderId,
        attempt,
        duplicate,
        sentAtMs,
        status,
      });
      if (status >= 200 && status < 300)
        return {
          webhookId,
          topic: webhook.topic,
          orderId: webhook.orderId,
          delivered: true,
          attempts: attempt,
        };
      const delay = delays[attempt - 1];
      if (delay === undefined) return this.#gaveUp(webhook, webhookId, attempt);
      await this.#pause(delay);
    }
    return this.#gaveUp(webhook, webhookId, delays.length + 1);
  }

  #gaveUp(webhook: WebhookToSend, webhookId: string, attempts: number): WebhookOutcome {
    return { webhookId, topic: webhook.topic, orderId: webhook.orderId, delivered: false, attempts };
  }

  async #post(webhook: WebhookToSend, ids: DeliveryIds): Promise<number> {
    const options = this.#options;
    const timeout = AbortSignal.timeout(options.timeoutMs ?? 5000);
    try {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': webhook.topic,
          'x-shopify-hmac-sha256': createHmac('sha256', options.secret).update(webhook.body).digest('base64'),
          'x-shopify-shop-domain': options.shopDomain ?? 'syncline-marketplace.myshopify.com',
          'x-shopify-api-version': options.apiVersion ?? '2025-10',
          'x-shopify-webhook-id': ids.webhookId,
          'x-shopify-event-id': ids.eventId,
          'x-shopify-triggered-at': ids.triggeredAt,
        },
        body: webhook.body,
        signal: AbortSignal.any([timeout, this.#stopping.signal]),
      });
      // Read the answer to its end, so the connection is free for the next delivery.
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  }

  async #pause(ms: number): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: this.#stopping.signal });
    } catch {
      // stopped: the loop sees the abort and ends
    }
  }
}
