/**
 * The generic webhook channel: any system with an HTTP endpoint receives the channel's offers as
 * signed JSON batches (webhook-request.ts) and answers as webhook-response.ts reads it. The
 * receiver's contract, for whoever writes one: verify the signature over the raw body
 * (`verifyWebhookSignature`), upsert each key with an offer, delist each key whose offer is null,
 * answer 2xx (optionally with per-item results), and answer a repeated `Idempotency-Key` with the
 * first answer. infra/simulators/webhook-receiver is a working example.
 *
 * Settings (YAML, under a channel's `sink:`):
 *
 *   adapter: webhook
 *   settings:
 *     url: https://erp-bridge.example.com/syncline/offers
 *     secretEnv: SYNCLINE_WEBHOOK_SECRET
 *     batchSize: 50
 *     headers: { X-Tenant: acme }
 */
import { SynclineError } from '../../../runtime/errors.ts';
import type { AdapterFactory, ChannelAdapter } from '../../channel-adapter.ts';
import { reservedHeaders, webhookRequest } from './webhook-request.ts';
import { webhookOutcomes } from './webhook-response.ts';
import { webhookSettingsSchema, type WebhookSettings } from './webhook-settings.ts';

/** The secret, read once: a worker whose secret is missing must not start, rather than send unsigned. */
function secretFrom(settings: WebhookSettings, channelId: string): string {
  const secret = process.env[settings.secretEnv];
  if (secret === undefined || secret === '') {
    throw new SynclineError(
      'SINK_SETUP',
      `channel ${channelId}: the webhook secret comes from the environment variable ${settings.secretEnv} (sink.settings.secretEnv), which is ${secret === undefined ? 'not set' : 'empty'}; set it to the secret shared with the receiver at ${settings.url}`,
    );
  }
  return secret;
}

function checkHeaders(settings: WebhookSettings, channelId: string): void {
  const reserved = reservedHeaders(settings.signatureHeader);
  const clashes = Object.keys(settings.headers).filter((name) => reserved.includes(name.toLowerCase()));
  if (clashes.length > 0) {
    throw new SynclineError(
      'SINK_SETUP',
      `channel ${channelId}: sink.settings.headers may not set ${clashes.join(', ')}: the webhook adapter sets ${reserved.join(', ')} itself`,
    );
  }
}

export const webhookAdapter: AdapterFactory<WebhookSettings> = {
  kind: 'webhook',
  settingsSchema: webhookSettingsSchema,
  create(settings: WebhookSettings, channelId: string): ChannelAdapter {
    const secret = secretFrom(settings, channelId);
    checkHeaders(settings, channelId);
    return {
      kind: 'webhook',
      maxBatch: settings.batchSize,
      async deliver(batch, context) {
        if (batch.length === 0) return [];
        const request = webhookRequest(channelId, batch, {
          secret,
          signatureHeader: settings.signatureHeader,
          extraHeaders: settings.headers,
          nowSeconds: Math.floor(Date.now() / 1000),
        });
        const response = await context.http.request({
          method: 'POST',
          url: settings.url,
          headers: request.headers,
          body: request.body,
          items: batch.length,
        });
        return webhookOutcomes(response, batch, settings.url);
      },
      close: () => Promise.resolve(),
    };
  },
};
