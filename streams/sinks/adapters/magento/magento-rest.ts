/**
 * One authorized Magento REST call through the runner's HTTP (so it is paced by the channel's
 * budget and bounded by its timeout). Answers that fail a call as a whole become
 * ChannelCallErrors (magento-call-failure.ts); a 401 under admin auth first renews the token and
 * tries once more, since admin tokens expire (4 h) and can be revoked.
 */
import type { ChannelHttp, HttpRequest, HttpResponse } from '../../channel-adapter.ts';
import type { MagentoTokens } from './magento-auth.ts';
import { callFailure } from './magento-call-failure.ts';

export interface MagentoCall {
  readonly method: HttpRequest['method'];
  /** Below the REST root: `/V1/products/SKU-1`, `/async/bulk/V1/products`. */
  readonly path: string;
  readonly body?: unknown;
  /** Records the request carries (channel-adapter.ts, HttpRequest.items). */
  readonly items: number;
  /** For error messages: `PUT product SKU-1`. */
  readonly what: string;
}

export interface MagentoRest {
  send(http: ChannelHttp, call: MagentoCall): Promise<HttpResponse>;
}

export function magentoRest(root: string, tokens: MagentoTokens): MagentoRest {
  async function once(http: ChannelHttp, call: MagentoCall): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      authorization: await tokens.authorization(http),
      accept: 'application/json',
    };
    // Said here, not left to the HTTP lent: Magento refuses a body without it ("Content-Type header
    // is empty.", Webapi/Rest/Request.php).
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    return http.request({
      method: call.method,
      url: `${root}${call.path}`,
      headers,
      ...(call.body === undefined ? {} : { body: call.body }),
      items: call.items,
    });
  }
  return {
    async send(http, call) {
      let response = await once(http, call);
      if (response.status === 401 && tokens.renewAfterRefusal()) response = await once(http, call);
      const failure = callFailure(call.what, response);
      if (failure) throw failure;
      return response;
    },
  };
}

/** A SKU as one path segment: Magento routes on `/`, so a SKU with one must be encoded. */
export function skuPath(sku: string): string {
  return encodeURIComponent(sku);
}
