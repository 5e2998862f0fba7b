#!/usr/bin/env node
// A real OAuth 2.0 / OpenID Connect server for Relink's tests, built on
// oidc-provider. It listens on 127.0.0.1 only, keeps everything in memory
// and goes away when its parent does (stdin closes) or on SIGTERM.
//
//   node server.js [--port N] [--clients FILE] [--access-ttl SECONDS]
//                  [--refresh-ttl SECONDS] [--verbose]
//
// When ready it prints exactly one line to stdout:
//   listening http://127.0.0.1:PORT
// Everything else (oidc-provider's notices, --verbose request lines) goes to
// stderr. Nothing secret is ever printed. See README.md for the pages, the
// clients and the behaviour the tests can rely on.
//
// SPDX-License-Identifier: GPL-3.0-or-later

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

// oidc-provider prints its notices with console.info, which would mix them
// into the one line the parent reads from stdout.
console.log = console.error;
console.info = console.error;

const PASSWORD = 'secret';
const REDIRECT_URI = 'https://relink.invalid/callback';
const DEFAULT_CLIENT_SECRET = 'relink-test-client-secret';

const DEFAULT_CLIENTS = [
  {
    client_id: 'relink-test',
    client_name: 'Relink test (client_secret_basic)',
    client_secret: DEFAULT_CLIENT_SECRET,
    token_endpoint_auth_method: 'client_secret_basic',
  },
  {
    client_id: 'relink-test-post',
    client_name: 'Relink test (client_secret_post)',
    client_secret: DEFAULT_CLIENT_SECRET,
    token_endpoint_auth_method: 'client_secret_post',
  },
  {
    client_id: 'relink-public',
    client_name: 'Relink test (public)',
    token_endpoint_auth_method: 'none',
  },
];

function fail (message) {
  process.stderr.write(`server.js: ${message}\n`);
  process.exit(2);
}

function parseSeconds (name, value, fallback) {
  if (value === undefined)
    return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    fail(`--${name} takes a whole number of seconds above 0`);
  return n;
}

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      clients: { type: 'string' },
      'access-ttl': { type: 'string' },
      'refresh-ttl': { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
    strict: true,
  }));
} catch (e) {
  fail(e.message);
}

const port = Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail('--port takes a port number (0 picks a free one)');
const accessTtl = parseSeconds('access-ttl', args['access-ttl'], 3600);
const refreshTtl = parseSeconds('refresh-ttl', args['refresh-ttl'], 90 * 24 * 3600);

function loadClients (path) {
  if (!path)
    return DEFAULT_CLIENTS;
  let list;
  try {
    list = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    // The message of a JSON syntax error may quote the file, secrets included.
    fail(`cannot read the clients file ${path} (${e.code ?? e.name})`);
  }
  if (!Array.isArray(list) && Array.isArray(list?.clients))
    list = list.clients;
  if (!Array.isArray(list) || list.length === 0)
    fail('the clients file must hold a JSON array of client objects');
  return list;
}

// Every client gets what the tests rely on unless its entry says otherwise.
const clients = loadClients(args.clients).map((c) => ({
  redirect_uris: [REDIRECT_URI],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  ...c,
}));

// Like a marketplace's consent page, the forms post to this server, which
// then redirects to the client: the page policy must allow that redirect
// (CSP form-action covers the redirects a form submission leads to), or
// the browser drops it before Relink's login view can catch it.
const formActions = ["'self'", ...new Set(clients.flatMap((c) => c.redirect_uris.map((u) => new URL(u).origin)))];

// A fresh signing key per run: nothing to keep, nothing to leak.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'relink-test', use: 'sig', alg: 'RS256' };

const configuration = {
  clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },

  // Any username signs in (the password is checked by the login page).
  async findAccount (_ctx, id) {
    return {
      accountId: id,
      async claims () {
        return { sub: id, preferred_username: id };
      },
    };
  },
  // preferred_username comes with plain "openid" so that identity checks
  // need no extra scope.
  claims: {
    openid: ['sub', 'preferred_username'],
    profile: ['preferred_username'],
  },
  responseTypes: ['code'],
  scopes: ['openid', 'offline_access', 'profile', 'listings.read', 'listings.write'],

  features: {
    devInteractions: { enabled: false },
    revocation: {
      enabled: true,
      async allowedPolicy (_ctx, client, token) {
        return token.clientId === client.clientId;
      },
    },
    userinfo: { enabled: true },
  },

  interactions: {
    url (_ctx, interaction) {
      return `/interaction/${interaction.uid}`;
    },
  },

  pkce: {
    required: () => true,
  },

  // Refresh tokens for every code exchange, with or without offline_access,
  // rotated on every use; they live their own TTL, not the login session's.
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: true,
  expiresWithSession: async () => false,

  ttl: {
    AccessToken: () => accessTtl,
    AuthorizationCode: 60,
    IdToken: () => accessTtl,
    RefreshToken: () => refreshTtl,
    // The grant outlives any chain of rotations a test makes.
    Grant: () => Math.max(2 * refreshTtl, 365 * 24 * 3600),
    Interaction: () => 3600,
    Session: () => 3600,
  },

  // Tokens live exactly their TTL, so tests of expiry need not wait long.
  clockTolerance: 0,

  renderError (ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Error', `<p id="error" role="alert">${esc(out.error)}: ${esc(out.error_description ?? '')}</p>`);
  },
};

// Made once the socket is bound: the issuer must name the real port, which
// with --port 0 is known only then.
let provider;
let callback;

function esc (s) {
  return String(s).replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  })[c]);
}

// The pages load nothing from anywhere: the WebView under test must not
// reach the network.
function page (title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body { font-family: sans-serif; max-width: 24em; margin: 2em auto; }
input, button { display: block; width: 100%; margin: 0.5em 0; font-size: 1em; }
#error { color: #c01c28; }
</style>
</head>
<body>
<h1>${esc(title)}</h1>
${body}
</body>
</html>
`;
}

function cancelForm (uid) {
  return `<form id="cancel-form" method="post" action="/interaction/${esc(uid)}/abort">
<button id="cancel" type="submit">Cancel</button>
</form>`;
}

function loginPage (uid, client, { login = '', error } = {}) {
  return page('Sign in', `<p id="client">Sign in to continue to ${esc(client.clientName ?? client.clientId)}.</p>
${error ? `<p id="error" role="alert">${esc(error)}</p>` : ''}
<form id="login-form" method="post" action="/interaction/${esc(uid)}/login" autocomplete="off">
<label for="login">Username</label>
<input id="login" name="login" type="text" required value="${esc(login)}" ${login ? '' : 'autofocus'}>
<label for="password">Password</label>
<input id="password" name="password" type="password" required ${login ? 'autofocus' : ''}>
<button id="sign-in" type="submit">Sign in</button>
</form>
${cancelForm(uid)}`);
}

function consentPage (uid, client, accountId, scopes) {
  const items = scopes.map((s) => `<li>${esc(s)}</li>`).join('\n');
  return page('Allow access?', `<p id="account">Signed in as <b>${esc(accountId)}</b>.</p>
<p id="client">${esc(client.clientName ?? client.clientId)} asks for:</p>
<ul id="scopes">
${items}
</ul>
<form id="consent-form" method="post" action="/interaction/${esc(uid)}/confirm">
<button id="allow" type="submit" autofocus>Allow</button>
</form>
<form id="deny-form" method="post" action="/interaction/${esc(uid)}/abort">
<button id="deny" type="submit">Deny</button>
</form>`);
}

async function readRaw (req) {
  const chunks = [];
  let length = 0;
  for await (const chunk of req) {
    length += chunk.length;
    if (length > 56 * 1024)
      throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readForm (req) {
  return new URLSearchParams(await readRaw(req));
}

function sendHtml (res, status, html) {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; form-action ${formActions.join(' ')}`,
  });
  res.end(html);
}

async function interaction (req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid)
    throw new Error('interaction mismatch');
  const { prompt, params, session } = details;
  const client = await provider.Client.find(params.client_id);

  if (req.method === 'GET' && !action) {
    if (prompt.name === 'login')
      return sendHtml(res, 200, loginPage(uid, client, { login: params.login_hint ?? '' }));
    if (prompt.name === 'consent')
      return sendHtml(res, 200, consentPage(uid, client, session.accountId, String(params.scope ?? '').split(' ').filter(Boolean)));
    return sendHtml(res, 501, page('Error', '<p id="error">Unsupported prompt.</p>'));
  }

  if (req.method !== 'POST')
    return sendHtml(res, 405, page('Error', '<p id="error">Method not allowed.</p>'));

  const form = await readForm(req);

  switch (action) {
    case 'login': {
      if (prompt.name !== 'login')
        break;
      const login = (form.get('login') ?? '').trim();
      if (!login)
        return sendHtml(res, 200, loginPage(uid, client, { error: 'Enter a username.' }));
      if (form.get('password') !== PASSWORD)
        return sendHtml(res, 200, loginPage(uid, client, { login, error: 'Wrong password.' }));
      return provider.interactionFinished(req, res, { login: { accountId: login } },
                                          { mergeWithLastSubmission: false });
    }
    case 'confirm': {
      if (prompt.name !== 'consent')
        break;
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      const d = prompt.details;
      if (d.missingOIDCScope)
        grant.addOIDCScope(d.missingOIDCScope.join(' '));
      if (d.missingOIDCClaims)
        grant.addOIDCClaims(d.missingOIDCClaims);
      if (d.missingResourceScopes) {
        for (const [indicator, scope] of Object.entries(d.missingResourceScopes))
          grant.addResourceScope(indicator, scope.join(' '));
      }
      const grantId = await grant.save();
      return provider.interactionFinished(req, res, { consent: { grantId } },
                                          { mergeWithLastSubmission: true });
    }
    case 'abort':
      return provider.interactionFinished(req, res, {
        error: 'access_denied',
        error_description: 'The user denied access',
      }, { mergeWithLastSubmission: false });
    default:
      break;
  }
  return sendHtml(res, 400, page('Error', '<p id="error">This step does not belong here.</p>'));
}

// oidc-provider takes client_secret_basic and client_secret_post for each
// other. Real servers often do not, and the tests must notice a client
// sending its secret the wrong way, so the registered method is enforced
// here before the provider sees the request.
const CLIENT_AUTH_PATHS = new Set(['/token', '/token/revocation', '/token/introspection']);

function basicClientId (header) {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m)
    return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0)
    return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

async function checkClientAuthMethod (req, res) {
  const raw = await readRaw(req);
  const body = new URLSearchParams(raw);
  // The provider reads the form from here once the stream is used up.
  req.body = raw;
  const basicId = basicClientId(req.headers.authorization);
  const clientId = basicId ?? body.get('client_id');
  const client = clients.find((c) => c.client_id === clientId);
  const method = client?.token_endpoint_auth_method ?? 'client_secret_basic';
  let wrong = false;
  if (client && method === 'client_secret_basic')
    wrong = basicId === undefined;
  else if (client && method === 'client_secret_post')
    wrong = basicId !== undefined || !body.has('client_secret');
  if (!wrong)
    return true;
  res.writeHead(401, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    ...(method === 'client_secret_basic' ? { 'WWW-Authenticate': 'Basic realm="relink-test"' } : {}),
  });
  res.end(JSON.stringify({
    error: 'invalid_client',
    error_description: `client authentication failed (this client uses ${method})`,
  }));
  return false;
}

const INTERACTION = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|confirm|abort))?\/?$/;

const server = http.createServer((req, res) => {
  const path = new URL(req.url, 'http://127.0.0.1').pathname;
  if (args.verbose) {
    // The path only: query strings carry codes and state.
    res.on('finish', () => process.stderr.write(`${req.method} ${path} ${res.statusCode}\n`));
  }
  const m = INTERACTION.exec(path);
  if (!m && req.method === 'POST' && CLIENT_AUTH_PATHS.has(path)) {
    checkClientAuthMethod(req, res).then((ok) => {
      if (ok)
        callback(req, res);
    }, () => {
      res.writeHead(400, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: 'invalid_request', error_description: 'failed to parse the request body' }));
    });
    return;
  }
  if (!m)
    return callback(req, res);
  interaction(req, res, m[1], m[2]).catch((err) => {
    // SessionNotFound and friends: an expired or foreign interaction.
    if (!res.headersSent)
      sendHtml(res, 400, page('Error', `<p id="error" role="alert">${esc(err.error_description ?? err.message)}</p>`));
    else
      res.end();
  });
});

function shutdown () {
  server.close();
  server.closeAllConnections();
  process.exit(0);
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
// The parent holds our stdin: when it goes away, so do we.
process.stdin.on('end', shutdown);
process.stdin.on('close', shutdown);
process.stdin.on('error', shutdown);
process.stdin.resume();

server.on('error', (e) => fail(`cannot listen on 127.0.0.1:${port} (${e.code})`));
server.listen(port, '127.0.0.1', () => {
  const actual = server.address().port;
  provider = new Provider(`http://127.0.0.1:${actual}`, configuration);
  provider.on('server_error', (_ctx, err) => {
    process.stderr.write(`server.js: server error: ${err.name}: ${err.message}\n`);
  });
  callback = provider.callback();
  process.stdout.write(`listening http://127.0.0.1:${actual}\n`);
});
