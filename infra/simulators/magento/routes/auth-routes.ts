/**
 * `POST /V1/integration/admin/token` (Integration `webapi.xml`, anonymous): `{"username","password"}` in, the
 * token out as a bare JSON string. `Integration\Model\CredentialsValidator` reports each missing credential;
 * wrong ones are an AuthenticationException (401).
 */
import type { FastifyInstance } from 'fastify';
import { isJsonObject } from '../json-value.ts';
import { adminSignInIncorrect, requiredFields } from '../magento-errors.ts';
import type { SimulatorContext } from '../simulator-context.ts';
import { registerMagentoRoute } from './magento-route.ts';

export function authRoutes(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  registerMagentoRoute(app, ctx.routeDeps, {
    method: 'POST',
    url: '/V1/integration/admin/token',
    resource: null,
    handle: ({ body }) => {
      const fields = isJsonObject(body) ? body : {};
      const username = typeof fields.username === 'string' ? fields.username : '';
      const password = typeof fields.password === 'string' ? fields.password : '';
      const missing = [...(username === '' ? ['username'] : []), ...(password === '' ? ['password'] : [])];
      if (missing.length > 0) throw requiredFields(missing);
      const token = ctx.routeDeps.tokens.issueAdminToken(username, password);
      if (token === null) throw adminSignInIncorrect();
      return token;
    },
  });
  return Promise.resolve();
}
