#!/usr/bin/env node
// Proves that server.js behaves the way Relink's tests expect: a full
// authorization code + PKCE login through the interaction pages (posting
// the forms, cookies kept by hand), code exchange, refresh token rotation
// and reuse detection, userinfo, revocation, denied consent, expiry, and
// that the server goes away with its parent.
//
// Prints one line per check and "N passed, N failed" at the end; exits
// non-zero when anything failed.
//
// SPDX-License-Identifier: GPL-3.0-or-later

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const REDIRECT_URI = 'https://relink.invalid/callback';
const SECRET = 'relink-test-client-secret';

let passed = 0;
let failed = 0;

function check (name, ok, detail = '') {
  if (ok) {
    passed++;
    console.log(`ok - ${name}`);
  } else {
    failed++;
    console.log(`not ok - ${name}${detail ? ` (${detail})` : ''}`);
  }
}

if (!existsSync(join(here, 'node_modules', 'oidc-provider'))) {
  console.log('not ok - tests/oidc/node_modules is missing: run build-aux/dev test (or npm ci in tests/oidc)');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// --- The server process ---------------------------------------------------

async function startServer (extraArgs = []) {
  const child = spawn(process.execPath, [join(here, 'server.js'), '--port', '0', ...extraArgs], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => { stderr += d; });
  child.stdout.setEncoding('utf8');

  let out = '';
  const issuer = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line within 20 s; stderr: ${stderr}`)), 20000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^listening (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening; stderr: ${stderr}`));
    });
  });
  return { child, issuer, stdout: () => out, stderr: () => stderr };
}

function sleep (ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function exited (child, ms = 5000) {
  if (child.exitCode !== null || child.signalCode !== null)
    return true;
  const timer = new Promise((resolve) => setTimeout(resolve, ms, false));
  return Promise.race([once(child, 'exit').then(() => true), timer]);
}

// --- HTTP with a hand-kept cookie jar ---------------------------------------

class Browser {
  constructor () {
    this.cookies = new Map();
  }

  async request (url, { method = 'GET', form } = {}) {
    const headers = {};
    if (this.cookies.size)
      headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const res = await fetch(url, { method, headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired)
        this.cookies.delete(name);
      else
        this.cookies.set(name, value);
    }
    const text = await res.text();
    return { status: res.status, location: res.headers.get('location'), text, url };
  }

  // Follows redirects on the server; stops at the redirect URI (which is
  // never fetched, like the app's WebView) or at a page.
  async go (url, opts) {
    let res = await this.request(url, opts);
    for (let i = 0; i < 10 && res.location; i++) {
      const next = new URL(res.location, res.url).href;
      if (next.startsWith(REDIRECT_URI))
        return { ...res, callback: new URL(next) };
      res = await this.request(next);
    }
    return res;
  }
}

function formAction (html, id, base) {
  const m = new RegExp(`<form id="${id}"[^>]*action="([^"]+)"`).exec(html);
  return m ? new URL(m[1].replace(/&amp;/g, '&'), base).href : null;
}

function pkce () {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

function authUrl (issuer, clientId, { scope = 'openid offline_access listings.read', state, challenge, loginHint, prompt } = {}) {
  const u = new URL('/auth', issuer);
  u.searchParams.set('client_id', clientId);
  u.searchParams.set('redirect_uri', REDIRECT_URI);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('scope', scope);
  u.searchParams.set('state', state);
  if (challenge) {
    u.searchParams.set('code_challenge', challenge);
    u.searchParams.set('code_challenge_method', 'S256');
  }
  if (loginHint)
    u.searchParams.set('login_hint', loginHint);
  if (prompt)
    u.searchParams.set('prompt', prompt);
  return u.href;
}

// A whole login as a person does it: sign-in page, consent page, Allow.
async function login (issuer, clientId, { user = 'alice', scope } = {}) {
  const b = new Browser();
  const state = randomBytes(8).toString('hex');
  const { verifier, challenge } = pkce();
  const page1 = await b.go(authUrl(issuer, clientId, { scope, state, challenge }));
  const loginAction = formAction(page1.text, 'login-form', page1.url);
  const page2 = await b.go(loginAction, { method: 'POST', form: { login: user, password: 'secret' } });
  const allowAction = formAction(page2.text, 'consent-form', page2.url);
  const done = await b.go(allowAction, { method: 'POST', form: {} });
  return { state, verifier, callback: done.callback, consentPage: page2.text };
}

// A POST to the token or revocation endpoint, authenticated the way @auth
// says: "basic" (Authorization header), "post" (secret in the form) or
// "none" (client_id only).
async function clientPost (issuer, path, params, { clientId = 'relink-test', secret = SECRET, auth = 'basic' } = {}) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  const form = { ...params };
  if (auth === 'basic')
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
  else if (auth === 'post')
    Object.assign(form, { client_id: clientId, client_secret: secret });
  else
    form.client_id = clientId;
  return fetch(new URL(path, issuer), { method: 'POST', headers, body: new URLSearchParams(form) });
}

async function token (issuer, params, opts) {
  const res = await clientPost(issuer, '/token', params, opts);
  const json = await res.json();
  if (process.env.SMOKE_DEBUG)
    console.error(res.status, JSON.stringify({ ...json, access_token: undefined, refresh_token: undefined, id_token: undefined }));
  return { status: res.status, json };
}

async function userinfo (issuer, accessToken) {
  const res = await fetch(new URL('/me', issuer), { headers: { authorization: `Bearer ${accessToken}` } });
  const text = await res.text();
  if (process.env.SMOKE_DEBUG)
    console.error('userinfo', res.status, text, res.headers.get('www-authenticate'));
  return { status: res.status, json: res.status === 200 ? JSON.parse(text) : null };
}

async function revoke (issuer, tokenValue, hint, opts) {
  const res = await clientPost(issuer, '/token/revocation', { token: tokenValue, token_type_hint: hint }, opts);
  return res.status;
}

// --- The checks ---------------------------------------------------------------

async function main () {
  const srv = await startServer();
  const { issuer } = srv;
  check('prints exactly one "listening" line', srv.stdout() === `listening ${issuer}\n`, JSON.stringify(srv.stdout()));

  const disco = await (await fetch(new URL('/.well-known/openid-configuration', issuer))).json();
  check('discovery names the issuer', disco.issuer === issuer);
  check('discovery: S256 only', JSON.stringify(disco.code_challenge_methods_supported) === '["S256"]');
  check('discovery: revocation and userinfo endpoints',
        disco.revocation_endpoint === `${issuer}/token/revocation` && disco.userinfo_endpoint === `${issuer}/me`);

  // The login pages, step by step.
  {
    const b = new Browser();
    const state = 'st-' + randomBytes(4).toString('hex');
    const { verifier, challenge } = pkce();
    const p1 = await b.go(authUrl(issuer, 'relink-test', { state, challenge }));
    check('authorize shows the sign-in page', p1.status === 200 && /<input id="login" name="login"/.test(p1.text) &&
          /<input id="password" name="password" type="password"/.test(p1.text) && /id="sign-in"/.test(p1.text));
    check('sign-in page loads nothing from elsewhere', !/https?:\/\//.test(p1.text.replace(/action="[^"]*"/g, '')));
    const action = formAction(p1.text, 'login-form', p1.url);
    const bad = await b.go(action, { method: 'POST', form: { login: 'alice', password: 'wrong' } });
    check('wrong password re-shows the form with an error', bad.status === 200 && /id="error"[^>]*>Wrong password/.test(bad.text) &&
          /value="alice"/.test(bad.text));
    const p2 = await b.go(action, { method: 'POST', form: { login: 'alice', password: 'secret' } });
    check('right password leads to the consent page', p2.status === 200 && /id="allow"/.test(p2.text) && /id="deny"/.test(p2.text) &&
          /Signed in as <b>alice<\/b>/.test(p2.text));
    const done = await b.go(formAction(p2.text, 'consent-form', p2.url), { method: 'POST', form: {} });
    const cb = done.callback;
    check('Allow redirects to the redirect URI with code, state and iss',
          cb && cb.searchParams.get('code') && cb.searchParams.get('state') === state && cb.searchParams.get('iss') === issuer);

    const code = cb.searchParams.get('code');
    const wrongVerifier = await token(issuer, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce().verifier });
    check('a wrong code_verifier is refused', wrongVerifier.status === 400 && wrongVerifier.json.error === 'invalid_grant');
  }

  // Code exchange, userinfo, rotation, reuse detection (confidential, basic).
  {
    const l = await login(issuer, 'relink-test', { user: 'alice' });
    const code = l.callback.searchParams.get('code');
    const exchange = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: l.verifier };
    const badSecret = await token(issuer, exchange, { secret: 'not-the-secret' });
    check('a wrong client secret is refused', badSecret.status === 401 && badSecret.json.error === 'invalid_client');
    const asPost = await token(issuer, exchange, { auth: 'post' });
    check('a client_secret_basic client cannot send its secret in the body', asPost.status === 401 && asPost.json.error === 'invalid_client');

    const t1 = await token(issuer, exchange);
    check('code exchange (client_secret_basic)', t1.status === 200 && t1.json.access_token && t1.json.refresh_token &&
          t1.json.id_token && t1.json.token_type === 'Bearer' && t1.json.expires_in === 3600, JSON.stringify(t1.json.error ?? ''));
    check('granted scope is reported', t1.json.scope === 'openid listings.read', t1.json.scope);

    const ui = await userinfo(issuer, t1.json.access_token);
    check('userinfo names who signed in', ui.status === 200 && ui.json.sub === 'alice' && ui.json.preferred_username === 'alice');

    const t2 = await token(issuer, { grant_type: 'refresh_token', refresh_token: t1.json.refresh_token });
    check('refresh gives new tokens', t2.status === 200 && t2.json.access_token && t2.json.access_token !== t1.json.access_token &&
          t2.json.expires_in === 3600);
    check('refresh token rotated', t2.json.refresh_token && t2.json.refresh_token !== t1.json.refresh_token);
    const ui2 = await userinfo(issuer, t2.json.access_token);
    check('refreshed access token works', ui2.status === 200 && ui2.json.sub === 'alice');

    const t3 = await token(issuer, { grant_type: 'refresh_token', refresh_token: t2.json.refresh_token });
    check('the rotated refresh token works and rotates again', t3.status === 200 && t3.json.refresh_token !== t2.json.refresh_token);

    const old = await token(issuer, { grant_type: 'refresh_token', refresh_token: t1.json.refresh_token });
    check('an old refresh token is rejected with invalid_grant', old.status === 400 && old.json.error === 'invalid_grant');
    const after = await token(issuer, { grant_type: 'refresh_token', refresh_token: t3.json.refresh_token });
    check('reusing an old refresh token revokes the whole grant', after.status === 400 && after.json.error === 'invalid_grant');
    const uiAfter = await userinfo(issuer, t3.json.access_token);
    check('... including its access tokens', uiAfter.status === 401);
  }

  // A code works once; replaying it revokes what it gave.
  {
    const l = await login(issuer, 'relink-test', { user: 'alice' });
    const exchange = { grant_type: 'authorization_code', code: l.callback.searchParams.get('code'),
                       redirect_uri: REDIRECT_URI, code_verifier: l.verifier };
    const t = await token(issuer, exchange);
    const again = await token(issuer, exchange);
    check('a code works once', t.status === 200 && again.status === 400 && again.json.error === 'invalid_grant');
    const r = await token(issuer, { grant_type: 'refresh_token', refresh_token: t.json.refresh_token });
    check('replaying a code revokes its tokens', r.status === 400 && r.json.error === 'invalid_grant');
  }

  // offline_access stays in the granted scope only with prompt=consent.
  {
    const b = new Browser();
    const { verifier, challenge } = pkce();
    const p1 = await b.go(authUrl(issuer, 'relink-test', { state: 's', challenge, prompt: 'consent', loginHint: 'frank' }));
    check('login_hint fills in the username', /<input id="login" name="login" type="text" required value="frank"/.test(p1.text));
    const p2 = await b.go(formAction(p1.text, 'login-form', p1.url), { method: 'POST', form: { login: 'frank', password: 'secret' } });
    const done = await b.go(formAction(p2.text, 'consent-form', p2.url), { method: 'POST', form: {} });
    const t = await token(issuer, { grant_type: 'authorization_code', code: done.callback?.searchParams.get('code'),
                                    redirect_uri: REDIRECT_URI, code_verifier: verifier });
    check('prompt=consent keeps offline_access', t.status === 200 && t.json.scope?.split(' ').includes('offline_access'), t.json.scope);
  }

  // client_secret_post, no offline_access, revocation.
  {
    const l = await login(issuer, 'relink-test-post', { user: 'bob', scope: 'openid listings.read' });
    const t = await token(issuer, { grant_type: 'authorization_code', code: l.callback.searchParams.get('code'),
                                    redirect_uri: REDIRECT_URI, code_verifier: l.verifier },
                          { clientId: 'relink-test-post', auth: 'post' });
    check('code exchange (client_secret_post)', t.status === 200 && t.json.access_token);
    check('refresh token also without offline_access', !!t.json.refresh_token);
    const basic = await token(issuer, { grant_type: 'refresh_token', refresh_token: t.json.refresh_token },
                              { clientId: 'relink-test-post', auth: 'basic' });
    check('a client_secret_post client cannot use basic auth', basic.status === 401 && basic.json.error === 'invalid_client');
    const noSecret = await token(issuer, { grant_type: 'refresh_token', refresh_token: t.json.refresh_token },
                                 { clientId: 'relink-test-post', auth: 'none' });
    check('a confidential client cannot go without its secret', noSecret.status === 401 && noSecret.json.error === 'invalid_client');

    const post = { clientId: 'relink-test-post', auth: 'post' };
    check('revoking an access token', await revoke(issuer, t.json.access_token, 'access_token', post) === 200);
    check('a revoked access token is refused by userinfo', (await userinfo(issuer, t.json.access_token)).status === 401);
    const alsoGone = await token(issuer, { grant_type: 'refresh_token', refresh_token: t.json.refresh_token }, post);
    check('revoking an access token revokes the refresh token of its grant too',
          alsoGone.status === 400 && alsoGone.json.error === 'invalid_grant');

    const l2 = await login(issuer, 'relink-test-post', { user: 'bob' });
    const t2 = await token(issuer, { grant_type: 'authorization_code', code: l2.callback.searchParams.get('code'),
                                     redirect_uri: REDIRECT_URI, code_verifier: l2.verifier }, post);
    check('revoking a refresh token', t2.status === 200 && await revoke(issuer, t2.json.refresh_token, 'refresh_token', post) === 200);
    const gone = await token(issuer, { grant_type: 'refresh_token', refresh_token: t2.json.refresh_token }, post);
    check('a revoked refresh token is rejected with invalid_grant', gone.status === 400 && gone.json.error === 'invalid_grant');
    check('... and its access token is refused', (await userinfo(issuer, t2.json.access_token)).status === 401);
    check('revoking an unknown token still answers 200', await revoke(issuer, 'no-such-token', 'refresh_token', post) === 200);
  }

  // The public client, and PKCE being required.
  {
    const l = await login(issuer, 'relink-public', { user: 'carol' });
    const t = await token(issuer, { grant_type: 'authorization_code', code: l.callback.searchParams.get('code'),
                                    redirect_uri: REDIRECT_URI, code_verifier: l.verifier },
                          { clientId: 'relink-public', auth: 'none' });
    check('code exchange (public client)', t.status === 200 && t.json.refresh_token);
    const r = await token(issuer, { grant_type: 'refresh_token', refresh_token: t.json.refresh_token },
                          { clientId: 'relink-public', auth: 'none' });
    check('public client refresh rotates', r.status === 200 && r.json.refresh_token !== t.json.refresh_token);

    const b = new Browser();
    const noPkce = await b.go(authUrl(issuer, 'relink-test', { state: 'x' }));
    check('a request without PKCE is refused', noPkce.callback?.searchParams.get('error') === 'invalid_request');
  }

  // Saying no.
  {
    const b = new Browser();
    const state = 'deny-' + randomBytes(4).toString('hex');
    const p1 = await b.go(authUrl(issuer, 'relink-test', { state, challenge: pkce().challenge }));
    const p2 = await b.go(formAction(p1.text, 'login-form', p1.url), { method: 'POST', form: { login: 'dave', password: 'secret' } });
    const denied = await b.go(formAction(p2.text, 'deny-form', p2.url), { method: 'POST', form: {} });
    check('Deny redirects with error=access_denied and the state',
          denied.callback?.searchParams.get('error') === 'access_denied' && denied.callback.searchParams.get('state') === state &&
          !denied.callback.searchParams.get('code'));

    const b2 = new Browser();
    const q1 = await b2.go(authUrl(issuer, 'relink-test', { state, challenge: pkce().challenge }));
    const cancelled = await b2.go(formAction(q1.text, 'cancel-form', q1.url), { method: 'POST', form: {} });
    check('Cancel on the sign-in page gives access_denied', cancelled.callback?.searchParams.get('error') === 'access_denied');
  }

  check('nothing secret on stderr', !srv.stderr().includes(SECRET));
  if (process.env.SMOKE_DEBUG)
    console.error(srv.stderr());

  srv.child.kill('SIGTERM');
  check('exits on SIGTERM', await exited(srv.child));

  // A clients file, short lifetimes, and the stdin lifeline.
  {
    const dir = mkdtempSync(join(tmpdir(), 'relink-oidc-'));
    const file = join(dir, 'clients.json');
    writeFileSync(file, JSON.stringify([{ client_id: 'relink-test', client_secret: 'another-secret',
                                          token_endpoint_auth_method: 'client_secret_basic' }]));
    // Lifetimes count in whole seconds: the waits below keep a margin of
    // at least 0.2 s either side of every expiry.
    const s = await startServer(['--clients', file, '--access-ttl', '2', '--refresh-ttl', '4']);
    rmSync(dir, { recursive: true });
    const pub = await new Browser().go(authUrl(s.issuer, 'relink-public', { state: 's', challenge: pkce().challenge }));
    check('--clients replaces the built-in clients', pub.status === 400 && /id="error"/.test(pub.text));
    const own = { secret: 'another-secret' };
    const exchange = async (user) => {
      const l = await login(s.issuer, 'relink-test', { user });
      return token(s.issuer, { grant_type: 'authorization_code', code: l.callback.searchParams.get('code'),
                               redirect_uri: REDIRECT_URI, code_verifier: l.verifier }, own);
    };
    const t = await exchange('erin');
    const unused = await exchange('erin');
    check('--access-ttl sets expires_in', t.status === 200 && t.json.expires_in === 2 && unused.status === 200);
    // Waiting out a lifetime is the point here, not synchronisation.
    await sleep(2200);
    check('an expired access token is refused', (await userinfo(s.issuer, t.json.access_token)).status === 401);
    const r = await token(s.issuer, { grant_type: 'refresh_token', refresh_token: t.json.refresh_token }, own);
    check('a refresh token outlives the access token', r.status === 200 && r.json.expires_in === 2);
    await sleep(2300);
    const expired = await token(s.issuer, { grant_type: 'refresh_token', refresh_token: unused.json.refresh_token }, own);
    check('an expired refresh token is rejected with invalid_grant', expired.status === 400 && expired.json.error === 'invalid_grant');
    const slid = await token(s.issuer, { grant_type: 'refresh_token', refresh_token: r.json.refresh_token }, own);
    check('a rotated refresh token gets the full lifetime again', slid.status === 200);
    check('nothing secret on stderr (clients file)', !s.stderr().includes('another-secret'));

    s.child.stdin.end();
    check('exits when stdin closes', await exited(s.child));
  }

  const bad = spawn(process.execPath, [join(here, 'server.js'), '--port', '0', '--access-ttl', 'soon'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let badOut = '';
  bad.stdout.on('data', (d) => { badOut += d; });
  const [code] = await once(bad, 'exit');
  check('bad arguments: exit code 2 and no "listening" line', code === 2 && badOut === '');
}

try {
  await main();
} catch (e) {
  check('smoke test ran to the end', false, e.stack);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
