// Local OAuth 2.0 authorization server + tiny protected resource for the
// bitcapital-async interoperability tests. Loopback only, in-memory state.
//
// Usage:  node server.mjs [PORT]      (PORT=0, the default, picks a free port)
// Env:    PORT          same as argv[2]
//         TOKEN_TTL     client_credentials access-token lifetime, seconds (default 4)
//         EXIT_ON_STDIN_EOF=1  exit when stdin closes, so a crashed parent
//                       (e.g. a SIGKILLed pytest) never leaves an orphan behind.
//
// Once listening it prints exactly one JSON line to stdout:
//   {"issuer":"http://127.0.0.1:PORT","port":PORT,"resource_url":"http://127.0.0.1:PORT/resource"}
// Everything else (oidc-provider's development warnings, errors) goes to stderr.

import http from 'node:http';
import Provider from 'oidc-provider';

const HOST = '127.0.0.1';
const requestedPort = Number(process.argv[2] ?? process.env.PORT ?? 0);
const tokenTtl = Number(process.env.TOKEN_TTL ?? 4);
if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
  throw new Error(`invalid port: ${requestedPort}`);
}
if (!Number.isInteger(tokenTtl) || tokenTtl <= 0) {
  throw new Error(`TOKEN_TTL must be a positive integer, got ${process.env.TOKEN_TTL}`);
}

// Keep in sync with tests/interop/conftest.py.
const RESOURCE_SERVER = { id: 'resource-server', secret: 'rs s3cret:/+%' };

const clients = [
  {
    // Secret deliberately full of characters that RFC 6749 §2.3.1 requires to be
    // form-urlencoded before they go into the Basic header.
    client_id: 'basic-client',
    client_secret: 's3cr/t+:%@ with space&=?#',
    token_endpoint_auth_method: 'client_secret_basic',
  },
  {
    client_id: 'post-client',
    client_secret: 'p0st&secret=+/%',
    token_endpoint_auth_method: 'client_secret_post',
  },
  {
    // A client's `scope` is an allow-list checked only against scopes the provider
    // knows (the provider-level `scopes` below): `write` is known, so asking for it
    // -> invalid_scope. Unknown scopes never error; they are silently dropped from
    // the grant (oidc-provider filters them when no resource indicator is used).
    client_id: 'scoped-client',
    client_secret: 'scoped-secret',
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'read',
  },
  {
    client_id: RESOURCE_SERVER.id,
    client_secret: RESOURCE_SERVER.secret,
    token_endpoint_auth_method: 'client_secret_basic',
  },
].map((client) => ({
  // Machine-to-machine only: no browser flows, hence no redirect URIs.
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  ...client,
}));

// The issuer must be known when the Provider is constructed, so bind the socket
// first (this resolves PORT=0) and build the provider afterwards.
let providerCallback;
let issuer;
const server = http.createServer((req, res) => {
  const { pathname } = new URL(req.url, 'http://placeholder');
  const handler = pathname === '/resource' ? handleResource
    : CLIENT_AUTH_PATHS.has(pathname) && req.method === 'POST' ? enforceRegisteredAuthMethod
      : async () => providerCallback(req, res);
  if (!providerCallback) { // bound, but the provider is not built yet
    res.writeHead(503, { 'retry-after': '1' });
    res.end();
    return;
  }
  handler(req, res).catch((err) => {
    console.error('request handler error:', err);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
});

server.listen(requestedPort, HOST, () => {
  const { port } = server.address();
  issuer = `http://${HOST}:${port}`;

  const provider = new Provider(issuer, {
    clients,
    scopes: ['read', 'write'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    // No user-facing flows are used; keep the dev login UI off.
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        // The default lets any confidential client introspect any token. Restrict it
        // to the resource server, plus a client asking about its own token (RFC 7662 §4).
        allowedPolicy: async (ctx, caller, token) => (
          caller.clientId === RESOURCE_SERVER.id || caller.clientId === token.clientId
        ),
      },
      revocation: { enabled: true },
    },
    ttl: {
      ClientCredentials: () => tokenTtl,
    },
  });

  provider.on('server_error', (ctx, err) => console.error('oidc-provider server_error:', err));

  providerCallback = provider.callback();
  process.stdout.write(`${JSON.stringify({ issuer, port, resource_url: `${issuer}/resource` })}\n`);
});

// oidc-provider treats client_secret_basic and client_secret_post as interchangeable:
// a client registered for one may authenticate with the other. Real servers often
// don't, and the SDK must send what it is configured for, so enforce the registered
// method here, in front of the provider. That needs the form body, so buffer it and
// hand it over as req.body (oidc-provider accepts a pre-read body, with a one-off
// "already parsed request body" warning on stderr).
const CLIENT_AUTH_PATHS = new Set(['/token', '/token/introspection', '/token/revocation']);
const registeredAuthMethod = new Map(clients.map((c) => [c.client_id, c.token_endpoint_auth_method]));

async function enforceRegisteredAuthMethod(req, res) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 56 * 1024) {
      res.writeHead(413, { connection: 'close' });
      res.end();
      return;
    }
    chunks.push(chunk);
  }
  req.body = Buffer.concat(chunks).toString('utf8');

  let used;
  let clientId;
  const basic = /^basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    used = 'client_secret_basic';
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    try {
      clientId = decodeURIComponent(decoded.slice(0, decoded.indexOf(':')).replace(/\+/g, '%20'));
    } catch {
      // malformed: let oidc-provider produce its own error
    }
  } else {
    const form = new URLSearchParams(req.body);
    if (form.has('client_secret')) {
      used = 'client_secret_post';
      clientId = form.get('client_id');
    }
  }

  const expected = registeredAuthMethod.get(clientId);
  if (used && expected && used !== expected) {
    const description = `client is registered for ${expected}, not ${used}`;
    const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
    if (basic) {
      headers['www-authenticate'] = `Basic realm="${issuer}", error="invalid_client", error_description="${description}"`;
    }
    res.writeHead(401, headers);
    res.end(JSON.stringify({ error: 'invalid_client', error_description: description }));
    return;
  }
  providerCallback(req, res);
}

// RFC 6749 §2.3.1: form-urlencode id and secret, join with ':', then base64.
function formEncode(value) {
  // encodeURIComponent leaves !'()* alone; form encoding escapes them, and uses '+' for space.
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}
const rsBasic = Buffer.from(
  `${formEncode(RESOURCE_SERVER.id)}:${formEncode(RESOURCE_SERVER.secret)}`,
).toString('base64');

// GET /resource — a protected resource that validates Bearer tokens the way a
// separate resource server would: over HTTP, via RFC 7662 introspection.
// Optional ?scope=a+b demands those scopes (403 insufficient_scope otherwise).
async function handleResource(req, res) {
  const url = new URL(req.url, 'http://placeholder');
  const reply = (status, body, challenge) => {
    const headers = { 'content-type': 'application/json', 'cache-control': 'no-store' };
    if (challenge) headers['www-authenticate'] = challenge;
    res.writeHead(status, headers);
    res.end(JSON.stringify(body));
  };

  if (req.method !== 'GET') {
    reply(405, { error: 'method_not_allowed' });
    return;
  }

  const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(req.headers.authorization ?? '');
  if (!match) {
    // RFC 6750 §3.1: no credentials -> bare challenge, no error code.
    reply(401, { error: 'unauthorized' }, 'Bearer realm="interop"');
    return;
  }

  const { address, port } = server.address();
  const introspection = await fetch(`http://${address}:${port}/token/introspection`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${rsBasic}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams({ token: match[1], token_type_hint: 'access_token' }),
    signal: AbortSignal.timeout(5000),
  });
  if (introspection.status !== 200) {
    console.error('introspection failed with HTTP', introspection.status);
    reply(502, { error: 'introspection_failed' });
    return;
  }
  const info = await introspection.json();

  if (!info.active) {
    reply(401, { error: 'invalid_token' }, 'Bearer realm="interop", error="invalid_token"');
    return;
  }

  const granted = new Set((info.scope ?? '').split(' ').filter(Boolean));
  const required = (url.searchParams.get('scope') ?? '').split(' ').filter(Boolean);
  if (!required.every((s) => granted.has(s))) {
    reply(
      403,
      { error: 'insufficient_scope' },
      `Bearer realm="interop", error="insufficient_scope", scope="${required.join(' ')}"`,
    );
    return;
  }

  reply(200, { ok: true, client_id: info.client_id, scope: info.scope ?? null, exp: info.exp });
}

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
if (process.env.EXIT_ON_STDIN_EOF === '1') {
  process.stdin.on('end', shutdown);
  process.stdin.on('error', shutdown);
  process.stdin.resume();
}
