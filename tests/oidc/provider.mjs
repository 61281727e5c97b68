// A real OpenID provider for formapp's tests: `oidc-provider` (OpenID Certified), on a loopback
// port, with a tiny login page of its own. Started by tests/oidc_provider.py; never on a network.
//
// Environment:
//   PORT            the loopback port to listen on
//   CLIENT_ID       formapp's client id (client_secret_basic with CLIENT_SECRET)
//   CLIENT_SECRET
//   CLOCK_SKEW      seconds added to this process's clock (negative: tokens issued already
//                   expired, as from an IdP whose clock is behind)
//
// Anyone may log in under any name (the name is the subject); ticking "mfa" logs in as with a
// second factor (amr ["pwd", "otp"], acr "urn:test:loa:substantial"). Claims: email
// <name>@idp.test, name, and hsaid "SE2321000016-<name>" (an HSA-id, the claim Swedish
// regions identify their staff by).
import http from 'node:http';
import { parse } from 'node:querystring';

import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const skew = Number(process.env.CLOCK_SKEW || 0) * 1000;
if (skew) {
  const realNow = Date.now;
  Date.now = () => realNow() + skew;
}

const issuer = `http://127.0.0.1:${port}`;
const MFA_ACR = 'urn:test:loa:substantial';

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID,
    client_secret: process.env.CLIENT_SECRET,
    // native: a loopback redirect URI matches on any port (RFC 8252 7.3), and formapp's test
    // server takes a free port.
    application_type: 'native',
    redirect_uris: ['http://127.0.0.1/login/oidc/idp/callback',
                    'http://127.0.0.1/login/oidc/region/callback'],
    post_logout_redirect_uris: ['http://127.0.0.1/login'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  claims: {
    // acr and amr in every ID token, as Keycloak and Entra ID send them (oidc-provider
    // otherwise sends them only when asked for by name).
    openid: ['sub', 'acr', 'amr', 'auth_time'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    hsa: ['hsaid'],
  },
  acrValues: ['urn:test:loa:low', MFA_ACR],
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  // Long enough that a skewed clock still sets cookies in the future.
  ttl: { Interaction: 86400, Session: 86400, Grant: 86400, IdToken: 3600, AccessToken: 3600,
         AuthorizationCode: 600 },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: `${id}@idp.test`, email_verified: true, name: `Test ${id}`,
                 hsaid: `SE2321000016-${id}` };
      },
    };
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html><title>error</title><pre>${JSON.stringify(out)}</pre>`;
  },
});

const page = (uid) => `<!DOCTYPE html><html lang="en"><title>Test IdP</title>
<form method="post" action="/interaction/${uid}/login">
<label>Name <input name="login" autofocus></label>
<label><input type="checkbox" name="mfa" value="1"> mfa</label>
<button type="submit">Sign in</button></form></html>`;

async function readBody(req) {
  let data = '';
  for await (const chunk of req) data += chunk;
  return parse(data);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (details.prompt.name === 'login' && action !== 'login') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page(uid));
    return;
  }
  if (details.prompt.name === 'login') {
    const body = await readBody(req);
    const mfa = body.mfa === '1';
    await provider.interactionFinished(req, res, {
      login: { accountId: String(body.login), acr: mfa ? MFA_ACR : 'urn:test:loa:low',
               amr: mfa ? ['pwd', 'otp'] : ['pwd'] },
    }, { mergeWithLastSubmission: false });
    return;
  }
  // consent: the test IdP grants what formapp asks for.
  const grant = new provider.Grant({ accountId: details.session.accountId,
                                     clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } },
                                     { mergeWithLastSubmission: true });
}

const callback = provider.callback();
http.createServer((req, res) => {
  const match = req.url.match(/^\/interaction\/([^/?]+)(?:\/(login))?/);
  if (!match) {
    callback(req, res);
    return;
  }
  interaction(req, res, match[1], match[2]).catch((error) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(String(error));
  });
}).listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${issuer}\n`);
});
