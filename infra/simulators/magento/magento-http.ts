/**
 * Magento's HTTP conventions around the routes: how a body is decoded, what an unknown route answers, and
 * how errors are rendered (`Webapi\Rest\Request`, `Webapi\Rest\Request\Deserializer\Json`,
 * `Webapi\Controller\Rest\Router`, `Webapi\ErrorProcessor`, `Webapi\Rest\Response`).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  contentTypeEmpty,
  contentTypeNotUnderstood,
  decodingError,
  internalError,
  MagentoError,
  routeNotFound,
} from './magento-errors.ts';
import { sendJson } from './routes/magento-route.ts';

export function installMagentoHttp(app: FastifyInstance): void {
  // An empty body is left to the route ("%fieldName" is required); a malformed one is "Decoding error.".
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(decodingError());
    }
  });

  app.setNotFoundHandler(async (request, reply) => {
    if (isRest(request)) return sendJson(reply, 404, routeNotFound().body());
    return sendJson(reply, 404, { error: `no route ${request.method} ${request.url}` });
  });

  app.setErrorHandler(async (error: FastifyError | MagentoError | Error, request, reply) =>
    renderError(error, request, reply),
  );
}

function renderError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const magento = toMagentoError(error, request);
  if (magento.httpStatus >= 500)
    request.log.error({ err: error }, 'simulated Magento hit an unexpected error');
  if (!isRest(request)) return sendJson(reply, magento.httpStatus, { error: magento.filledMessage });
  return sendJson(reply, magento.httpStatus, magento.body());
}

function toMagentoError(error: unknown, request: FastifyRequest): MagentoError {
  if (error instanceof MagentoError) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    const contentType = request.headers['content-type'];
    return contentType
      ? contentTypeNotUnderstood(contentType.split(';', 1)[0] ?? contentType)
      : contentTypeEmpty();
  }
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new MagentoError(413, 'Request Entity Too Large');
  if (code.startsWith('FST_ERR_CTP_')) return decodingError();
  return internalError();
}

function isRest(request: FastifyRequest): boolean {
  return /^\/rest(\/|$|\?)/.test(request.url);
}
