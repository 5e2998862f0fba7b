#!/usr/bin/python3
"""The OAuth part of the sandbox test, against the project's test server.

    tests/flatpak/oidc.py setup     start tests/oidc/server.js, add a custom
                                    provider, keyset and account to the
                                    sandboxed app's data; prints the issuer
    tests/flatpak/oidc.py ...       (see the subcommands below)

Used by tests/flatpak/checks; runs on the host, in the private session.
The server (node, tests/oidc) listens on 127.0.0.1; the sandbox shares the
host's network (--share=network), so the sandboxed Relink reaches it.

State between subcommands is kept in $RELINK_FLATPAK_ROOT/oidc.json. The
server runs as long as the `serve` process does (it exits when its stdin
closes, see tests/oidc/README.md).
"""

import base64
import hashlib
import html
import http.cookiejar
import json
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

APP = "io.github.relink.Relink"
CLIENT_ID = "relink-test"
CLIENT_SECRET = "relink-test-client-secret"  # tests/oidc/README.md: a test value
REDIRECT = "https://relink.invalid/callback"
PROVIDER = "test-oidc"
KEYSET = "keyset-flatpak-oidc"
ACCOUNT = "account-flatpak-oidc"
USER = "alice"

ROOT = os.environ["RELINK_FLATPAK_ROOT"]
STATE = os.path.join(ROOT, "oidc.json")
VAR_APP = os.path.join(os.environ["HOME"], ".var", "app", APP)


def profile(issuer):
    """The profile, as tests/relink-test-oidc.c writes it for the C tests."""
    return {
        "format_version": 1, "id": PROVIDER, "name": "Test OIDC",
        "client_auth": "basic", "pkce": "required",
        "scopes": ["openid", "offline_access", "listings.read"],
        "refresh_lifetime": 90 * 24 * 3600,
        "identity": {"source": "id_token"},
        "environments": [{
            "id": "test", "name": "Test", "production": False,
            "authorize_url": issuer + "/auth", "token_url": issuer + "/token",
            "revoke_url": issuer + "/token/revocation", "identity_url": issuer + "/me",
        }],
    }


def setup(issuer):
    """The provider, a keyset (secret in the keyring) and an account that
    has never been connected, in the sandboxed app's own data."""
    providers = os.path.join(VAR_APP, "config", "relink", "providers")
    os.makedirs(providers, exist_ok=True)
    with open(os.path.join(providers, "test-oidc.json"), "w", encoding="utf-8") as f:
        json.dump(profile(issuer), f)

    now = int(time.time())
    db = sqlite3.connect(os.path.join(VAR_APP, "data", "relink", "relink.db"))
    with db:
        db.execute("DELETE FROM accounts WHERE id = ?", (ACCOUNT,))
        db.execute("DELETE FROM keysets WHERE id = ?", (KEYSET,))
        db.execute("INSERT INTO keysets (id, provider_id, environment, label, client_id, redirect,"
                   " created_at) VALUES (?, ?, 'test', 'Test OIDC keys', ?, ?, ?)",
                   (KEYSET, PROVIDER, CLIENT_ID, REDIRECT, now))
        db.execute("INSERT INTO accounts (id, keyset_id, nickname, expected_identity, status,"
                   " created_at) VALUES (?, ?, 'Test OIDC shop', ?, 0, ?)",
                   (ACCOUNT, KEYSET, USER, now))
    db.close()
    subprocess.run(["secret-tool", "store", "--label=Relink flatpak test keyset",
                    "xdg:schema", "io.github.relink.Relink.KeysetSecret",
                    "keyset", KEYSET, "field", "client_secret"],
                   input=CLIENT_SECRET.encode(), check=True)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(issuer):
    """A browser's part of the authorization code flow (sign-in and consent
    pages posted as the test server's README describes); returns the code
    exchange's token response. Used for the relinkctl import route."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    state = secrets.token_urlsafe(16)
    url = issuer + "/auth?" + urllib.parse.urlencode({
        "client_id": CLIENT_ID, "redirect_uri": REDIRECT, "response_type": "code",
        "scope": "openid offline_access listings.read", "state": state, "prompt": "consent",
        "code_challenge": challenge, "code_challenge_method": "S256"})

    def browse(url, form=None):
        for _ in range(10):
            data = urllib.parse.urlencode(form).encode() if form is not None else None
            form = None
            try:
                resp = opener.open(urllib.request.Request(url, data=data), timeout=20)
                return url, resp.read().decode()
            except urllib.error.HTTPError as e:
                if e.code not in (301, 302, 303, 307, 308):
                    raise
                url = urllib.parse.urljoin(url, e.headers["Location"])
                if url.startswith(REDIRECT):
                    return url, None
        raise RuntimeError("too many redirects")

    def action(page_url, text, form_id):
        m = re.search(r'<form id="%s"[^>]*action="([^"]*)"' % form_id, text)
        if not m:
            raise RuntimeError(f"no form {form_id} on {page_url}")
        return urllib.parse.urljoin(page_url, html.unescape(m.group(1)))

    page, text = browse(url)
    page, text = browse(action(page, text, "login-form"), {"login": USER, "password": "secret"})
    callback, _ = browse(action(page, text, "consent-form"), {})
    query = urllib.parse.parse_qs(urllib.parse.urlparse(callback).query)
    if query.get("state") != [state] or "code" not in query:
        raise RuntimeError(f"unexpected callback {callback.split('?')[0]} {sorted(query)}")
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    req = urllib.request.Request(issuer + "/token", data=urllib.parse.urlencode({
        "grant_type": "authorization_code", "code": query["code"][0], "redirect_uri": REDIRECT,
        "code_verifier": verifier}).encode(), headers={"Authorization": "Basic " + basic})
    return json.loads(urllib.request.urlopen(req, timeout=20).read())


def stored_tokens():
    p = subprocess.run(["secret-tool", "lookup", "xdg:schema", "io.github.relink.Relink.Tokens",
                        "account", ACCOUNT], capture_output=True, check=False)
    return json.loads(p.stdout) if p.returncode == 0 and p.stdout else None


def userinfo_sub(issuer, access_token):
    req = urllib.request.Request(issuer + "/me", headers={"Authorization": "Bearer " + access_token})
    try:
        return json.loads(urllib.request.urlopen(req, timeout=20).read()).get("sub")
    except urllib.error.HTTPError as e:
        return f"HTTP {e.code}"


def main():
    cmd = sys.argv[1]
    issuer = sys.argv[2] if len(sys.argv) > 2 else None
    if cmd == "setup":
        setup(issuer)
    elif cmd == "refresh-token":
        # A refresh token of USER's, from a sign-in done outside Relink.
        print(sign_in(issuer)["refresh_token"])
    elif cmd == "verify":
        # The keyring holds a token set for the account (written from inside
        # the sandbox) whose access token the server accepts as USER's.
        tokens = stored_tokens()
        if not tokens:
            print("no token set for the account in the keyring")
            return 1
        sub = userinfo_sub(issuer, tokens.get("access_token") or "")
        if sub != USER:
            print(f"the stored access token is not {USER}'s at the server: {sub}")
            return 1
        print(f"token set in the keyring; its access token is {USER}'s at the server;"
              f" access expires in {tokens['access_expires_at'] - int(time.time())} s")
        print("access:" + tokens["access_token"], file=sys.stderr)
    elif cmd == "forget":
        subprocess.run(["secret-tool", "clear", "xdg:schema", "io.github.relink.Relink.Tokens",
                        "account", ACCOUNT], check=False)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
