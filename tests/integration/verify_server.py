#!/usr/bin/env python3
"""A stand-in for Odoo and Keycloak behind their proxy, for tests/integration/verify.sh.

usage: verify_server.py PORTFILE [--tls CERT KEY] [--delay-ms N] [--issuer-base URL] [--no-websocket]
       [--discovery-entries N]   (a discovery document padded with a list of N numbers)
Prints nothing; writes the port it listens on (127.0.0.1) to PORTFILE.
"""
import base64, hashlib, http.server, json, socket, ssl, sys, time

args = sys.argv[1:]
portfile = args.pop(0)
tls = None
delay = 0.0
issuer_base = None
websocket = True
padding = 0
while args:
    a = args.pop(0)
    if a == "--tls":
        tls = (args.pop(0), args.pop(0))
    elif a == "--delay-ms":
        delay = int(args.pop(0)) / 1000.0
    elif a == "--issuer-base":
        issuer_base = args.pop(0)
    elif a == "--no-websocket":
        websocket = False
    elif a == "--discovery-entries":
        padding = int(args.pop(0))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def setup(self):
        super().setup()
        # headers and body go out in two writes: without this, Nagle and
        # delayed ACKs add 40 ms to every keep-alive request
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send(self, status, body, ctype="application/json"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        if delay:
            time.sleep(delay)
        path = self.path.split("?")[0]
        if path == "/web/health":
            return self.send(200, json.dumps({"status": "pass"}))
        if path == "/web/login":
            return self.send(200, "<html><body><form method='post' action='/web/login'></form></body></html>", "text/html")
        if path == "/websocket":
            key = self.headers.get("Sec-WebSocket-Key")
            if websocket and key and self.headers.get("Upgrade", "").lower() == "websocket":
                accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
                self.send_response(101)
                self.send_header("Upgrade", "websocket")
                self.send_header("Connection", "Upgrade")
                self.send_header("Sec-WebSocket-Accept", accept)
                self.end_headers()
                self.close_connection = True
                return
            return self.send(400, json.dumps({"error": "not a websocket upgrade"}))
        if path.startswith("/realms/") and path.endswith("/.well-known/openid-configuration"):
            realm = path.split("/")[2]
            base = issuer_base or ("%s://%s" % ("https" if tls else "http", self.headers.get("Host")))
            doc = {"issuer": "%s/realms/%s" % (base, realm),
                   "authorization_endpoint": "%s/realms/%s/protocol/openid-connect/auth" % (base, realm)}
            if padding:
                doc["padding"] = [1] * padding
            return self.send(200, json.dumps(doc, separators=(",", ":")))
        if path == "/health/ready":
            return self.send(200, json.dumps({"status": "UP", "checks": []}))
        return self.send(404, json.dumps({"error": "not found"}))


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
if tls:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(tls[0], tls[1])
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
