/** The webhook channel: the adapter for the sink runner, and the signature scheme for receivers. */
export { webhookAdapter } from './webhook-adapter.ts';
export { webhookSettingsSchema, type WebhookSettings } from './webhook-settings.ts';
export { signWebhookBody, verifyWebhookSignature, type RawBody } from './webhook-signature.ts';
export type { WebhookDelivery, WebhookItemResult, WebhookPayload } from './webhook-request.ts';
