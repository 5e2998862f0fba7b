#!/usr/bin/env python3
"""A stand-in for a marketplace's sign-in page, for the store screenshot only.

    build-aux/screenshot-marketplace.py ADDRESS CERT KEY READY-FILE

Serves one static page over HTTPS on ADDRESS (host:port, a loopback address)
with CERT/KEY (a certificate that a throw-away CA of build-aux/screenshot
signed for the marketplace's host name). Every GET answers with the page;
it never sees a password and never redirects anywhere. Writes READY-FILE
once it listens, and ends when its standard input closes.

The page is not eBay's: it is a plain form with the marketplace's name, so
that the screenshot shows what the dialog looks like on a marketplace's
https host, without a copy of anyone's page or logo.
"""

import http.server
import ssl
import sys
import threading

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in to eBay</title>
<style>
  body { font-family: Cantarell, sans-serif; margin: 0; color: #191919; background: #fff; }
  main { max-width: 360px; margin: 48px auto 0; padding: 0 24px; }
  h1 { font-size: 28px; margin: 0 0 8px; }
  p { margin: 0 0 24px; color: #555; }
  label { display: block; font-size: 14px; margin: 0 0 6px; }
  input { box-sizing: border-box; width: 100%; font: inherit; padding: 12px;
          border: 1px solid #8f8f8f; border-radius: 8px; margin: 0 0 16px; }
  button { width: 100%; font: inherit; font-weight: bold; padding: 12px; border: 0;
           border-radius: 24px; color: #fff; background: #3665f3; }
  .other { text-align: center; margin-top: 24px; font-size: 14px; }
  .other a { color: #3665f3; }
</style>
</head>
<body>
<main>
  <h1>Sign in to eBay</h1>
  <p>to continue to <strong>Shop Tool</strong></p>
  <form onsubmit="return false">
    <label for="user">Email or username</label>
    <input id="user" name="user" value="shop_a" autocomplete="username">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" value="••••••••••">
    <button type="submit">Sign in</button>
  </form>
  <p class="other"><a href="#">Use another account</a></p>
</main>
</body>
</html>
""".encode()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the http.server name)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, fmt, *args):
        sys.stderr.write("screenshot-marketplace: " + (fmt % args) + "\n")


def main() -> int:
    address, cert, key, ready = sys.argv[1:5]
    host, port = address.rsplit(":", 1)
    server = http.server.ThreadingHTTPServer((host, int(port)), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with open(ready, "w", encoding="utf-8") as f:
        f.write("ready\n")
    sys.stdin.read()
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
