#!/usr/bin/python3
"""A fake container engine on a unix socket, for the fault tests.

Usage: fake-engine.py SOCKET MODE LOG FIXTURE_DIR [API_VERSION] [SERVER]

It answers like the Docker Engine API from the replies captured in
FIXTURE_DIR (tests/fixtures/engine/...), or misbehaves as MODE says:

  good        the captured replies (API_VERSION in the Api-Version header)
  noheader    no Api-Version header anywhere; /_ping is not found either,
              only /version tells the version
  refuse      the socket exists but nobody listens
  hang        accepts, reads the request, never answers
  slow        answers after 3 seconds
  close       accepts and closes without a word
  http500     every request fails with 500 and a hostile message
  http404     every request is not found
  truncated   announces 5000 bytes, sends 100 and closes
  malformed   200 application/json "{not json"
  huge        announces a 100 MB body and starts sending it
  hugechunked sends a 100 MB chunked body
  wrongtype   200 text/html
  lying       the container reply describes another container
  deep        the container reply is JSON nested 100000 levels deep
  hostile     the container and image replies carry terminal escapes, bidi
              overrides, newlines and invalid UTF-8 in the name, image,
              labels, user and command

Every request line is appended to LOG, so tests can check the order and
the number of requests. Only this socket is used: nothing else is touched.
"""
import json
import os
import re
import socket
import sys
import threading
import time

SOCK, MODE, LOG, FIXTURES = sys.argv[1:5]
API = sys.argv[5] if len(sys.argv) > 5 else "1.41"
SERVER = sys.argv[6] if len(sys.argv) > 6 else "Docker/20.10.24+dfsg1 (linux)"
LOG_LOCK = threading.Lock()


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


CONTAINER = json.loads(fixture("container.json"))
CID = CONTAINER["Id"]


def log(line):
    with LOG_LOCK, open(LOG, "a") as f:
        f.write(line + "\n")


def headers(status, ctype, length, extra=""):
    reason = {200: "OK", 404: "Not Found", 500: "Internal Server Error"}.get(status, "X")
    h = f"HTTP/1.1 {status} {reason}\r\n"
    if MODE != "noheader":
        h += f"Api-Version: {API}\r\nServer: {SERVER}\r\nOstype: linux\r\n"
    h += f"Content-Type: {ctype}\r\n"
    if length is not None:
        h += f"Content-Length: {length}\r\n"
    h += extra + "\r\n"
    return h.encode()


def reply(conn, status, body, ctype="application/json"):
    conn.sendall(headers(status, ctype, len(body)) + body)


def route(path):
    """The captured reply for path: (status, body, content type)."""
    if path == "/_ping":
        if MODE == "noheader":
            return 404, b'{"message":"page not found"}', "application/json"
        return 200, b"OK", "text/plain; charset=utf-8"
    if path == "/version":
        return 200, json.dumps({"ApiVersion": API, "Version": "fake-1.0", "Os": "linux"}).encode(), \
            "application/json"
    if path.startswith("/events"):
        return 200, fixture("events.json"), "application/json"
    m = re.match(r"^(?:/v[0-9.]+)?/containers/([^/]+)/(json|changes)$", path)
    if m:
        if m.group(1) != CID:
            return 404, json.dumps({"message": "No such container: " + m.group(1)}).encode(), \
                "application/json"
        if m.group(2) == "changes":
            return 200, fixture("changes.json"), "application/json"
        if MODE == "lying":
            other = dict(CONTAINER, Id="f" * 64)
            return 200, json.dumps(other).encode(), "application/json"
        if MODE == "deep":
            return 200, b"[" * 100000 + b"]" * 100000, "application/json"
        if MODE == "hostile":
            return 200, hostile_container(), "application/json"
        return 200, fixture("container.json"), "application/json"
    m = re.match(r"^(?:/v[0-9.]+)?/images/([^/]+)/json$", path)
    if m:
        if MODE == "hostile":
            image = json.loads(fixture("image.json"))
            image["RepoTags"] = [HOSTILE + ":latest"]
            return 200, with_invalid_utf8(image), "application/json"
        return 200, fixture("image.json"), "application/json"
    m = re.match(r"^(?:/v[0-9.]+)?/exec/([0-9a-f]{64})/json$", path)
    if m and os.path.exists(os.path.join(FIXTURES, f"exec-{m.group(1)}.json")):
        return 200, fixture(f"exec-{m.group(1)}.json"), "application/json"
    return 404, b'{"message":"page not found"}', "application/json"


# ESC-sequences that clear the screen and set the window title, BEL, CR/LF,
# a right-to-left override; INVALID is replaced by bytes that are not UTF-8.
HOSTILE = "evil\u001b[2J\u001b]0;owned\u0007\r\nline2\u202eexe.txt INVALID"


def with_invalid_utf8(obj):
    return json.dumps(obj, ensure_ascii=False).encode().replace(b"INVALID", b"\xff\xfe\xc3(")


def hostile_container():
    c = json.loads(json.dumps(CONTAINER))
    c["Name"] = "/" + HOSTILE
    c["Config"]["Image"] = HOSTILE
    c["Config"]["User"] = HOSTILE
    c["Config"]["Labels"] = {HOSTILE: HOSTILE, "com.example.ok": "plain"}
    c["Path"] = HOSTILE
    c["Args"] = [HOSTILE, "-o", "stratum+tcp://x\u001b[31m"]
    return with_invalid_utf8(c)


def read_request(conn, buf):
    while b"\r\n\r\n" not in buf:
        data = conn.recv(65536)
        if not data:
            return None, b""
        buf += data
    head, rest = buf.split(b"\r\n\r\n", 1)
    line = head.split(b"\r\n", 1)[0].decode("latin-1")
    return line, rest


def serve(conn):
    buf = b""
    try:
        while True:
            line, buf = read_request(conn, buf)
            if line is None:
                return
            log(line)
            path = line.split(" ")[1] if " " in line else "/"
            if MODE == "hang":
                time.sleep(3600)
            if MODE == "close":
                return
            if MODE == "slow":
                time.sleep(3)
            if MODE == "http500":
                reply(conn, 500, json.dumps(
                    {"message": "server exploded \u001b[31m\u0007 (and lies)"}).encode())
                continue
            if MODE == "http404":
                reply(conn, 404, b'{"message":"No such container"}')
                continue
            if MODE == "truncated":
                conn.sendall(headers(200, "application/json", 5000) + b'{"Id":"' + b"a" * 93)
                return
            if MODE == "malformed":
                reply(conn, 200, b"{not json")
                continue
            if MODE == "wrongtype":
                reply(conn, 200, b"<html><body>hello</body></html>", "text/html")
                continue
            if MODE == "huge":
                conn.sendall(headers(200, "application/json", 100 * 1024 * 1024))
                block = b" " * 65536
                for _ in range(1600):
                    conn.sendall(block)
                return
            if MODE == "hugechunked":
                conn.sendall(headers(200, "application/json", None, "Transfer-Encoding: chunked\r\n"))
                block = b"%x\r\n%s\r\n" % (65536, b" " * 65536)
                for _ in range(1600):
                    conn.sendall(block)
                conn.sendall(b"0\r\n\r\n")
                continue
            status, body, ctype = route(path)
            reply(conn, status, body, ctype)
    except (BrokenPipeError, ConnectionResetError):
        pass
    finally:
        conn.close()


def main():
    try:
        os.unlink(SOCK)
    except FileNotFoundError:
        pass
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(SOCK)
    if MODE == "refuse":
        open(SOCK + ".ready", "w").close()
        time.sleep(3600)
        return
    srv.listen(16)
    open(SOCK + ".ready", "w").close()
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
