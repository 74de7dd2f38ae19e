"""What the channel tests share: free loopback ports, a self-signed certificate, a Kannel
gateway (bearerbox + smsbox + fakesmsc) and an HTTP receiver for delivery reports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from urllib.parse import parse_qsl, urlsplit


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """(certificate, key) for 127.0.0.1, valid for a day, made with the openssl command."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return cert, key


# --- Kannel (Debian packages kannel + kannel-extras) --------------------------------------


BEARERBOX = "/usr/sbin/bearerbox"
SMSBOX = "/usr/sbin/smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"
DRIVE_SMPP = "/usr/lib/kannel/test/drive_smpp"


def kannel_missing() -> str | None:
    """Why the Kannel tests cannot run here, or None."""
    for path in (BEARERBOX, SMSBOX, FAKESMSC):
        if not os.access(path, os.X_OK):
            return f"{path} not found: install the Debian packages kannel and kannel-extras"
    return None


def _wait_port(port: int, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


class Kannel:
    """bearerbox + smsbox (+ fakesmsc) in ``directory``, every port on 127.0.0.1.

    ``queue_limit`` sets the core's sms-outgoing-queue-limit (503 beyond it);
    ``with_smsc=False`` leaves the fake SMSC disconnected, so messages queue.
    """

    def __init__(self, directory: Path, *, queue_limit: int | None = None, with_smsc: bool = True) -> None:
        self.dir = directory
        self.admin_port, self.box_port, self.smsc_port, self.sendsms_port = (free_port() for _ in range(4))
        self.username, self.password = "tester", "foobar"
        self.queue_limit, self.with_smsc = queue_limit, with_smsc
        self.procs: list[subprocess.Popen[bytes]] = []
        self.fakesmsc: subprocess.Popen[bytes] | None = None

    @property
    def sendsms_url(self) -> str:
        return f"http://127.0.0.1:{self.sendsms_port}/cgi-bin/sendsms"

    def config(self) -> str:
        limit = f"sms-outgoing-queue-limit = {self.queue_limit}\n" if self.queue_limit is not None else ""
        return f"""group = core
admin-port = {self.admin_port}
admin-interface = 127.0.0.1
admin-password = bar
status-password = bar
admin-allow-ip = "127.0.0.1"
smsbox-port = {self.box_port}
smsbox-interface = 127.0.0.1
box-deny-ip = "*.*.*.*"
box-allow-ip = "127.0.0.1"
log-file = "bearerbox.log"
log-level = 1
access-log = "access.log"
dlr-storage = internal
{limit}
group = smsc
smsc = fake
smsc-id = FAKE
port = {self.smsc_port}
our-host = 127.0.0.1
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {self.box_port}
sendsms-port = {self.sendsms_port}
sendsms-interface = 127.0.0.1
global-sender = 13013
log-file = "smsbox.log"
log-level = 1

group = sendsms-user
username = {self.username}
password = {self.password}
user-allow-ip = "127.0.0.1"

group = sms-service
keyword = default
text = "No service specified"
"""

    def _spawn(self, args: list[str], log: str) -> subprocess.Popen[bytes]:
        with open(self.dir / log, "wb") as out:
            proc = subprocess.Popen(args, cwd=self.dir, stdout=out, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def start(self) -> Kannel:
        (self.dir / "kannel.conf").write_text(self.config())
        try:
            self._spawn([BEARERBOX, "-v", "1", "kannel.conf"], "bb.out")
            _wait_port(self.admin_port)
            _wait_port(self.smsc_port)
            if self.with_smsc:
                self.start_smsc()
            self._spawn([SMSBOX, "-v", "1", "kannel.conf"], "sb.out")
            _wait_port(self.sendsms_port)
        except BaseException:
            self.stop()
            raise
        return self

    def start_smsc(self) -> None:
        # -m 0: inject no MO messages, only print the MT messages received.
        self.fakesmsc = self._spawn(
            [FAKESMSC, "-H", "127.0.0.1", "-r", str(self.smsc_port), "-m", "0", "123 234 text nop"], "fakesmsc.log"
        )
        deadline = time.monotonic() + 10
        while "online" not in self.status_smsc():
            if time.monotonic() > deadline:
                raise TimeoutError("the fake SMSC did not come online")
            time.sleep(0.05)

    def status(self) -> str:
        url = f"http://127.0.0.1:{self.admin_port}/status.txt?password=bar"
        with urllib.request.urlopen(url, timeout=5) as r:
            return str(r.read().decode())

    def status_smsc(self) -> str:
        return next((line for line in self.status().splitlines() if "FAKE" in line), "")

    def received(self) -> list[str]:
        """Bodies of the MT messages fakesmsc printed, in order ("<from to text body>")."""
        path = self.dir / "fakesmsc.log"
        out = []
        for line in path.read_text(errors="replace").splitlines() if path.exists() else []:
            if "Got message" in line and "<" in line:
                inner = line[line.index("<") + 1 : line.rindex(">")]
                _sender, receiver, _kind, body = inner.split(" ", 3)
                out.append(f"{receiver} {body}")
        return out

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        deadline = time.monotonic() + 6
        for proc in self.procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs.clear()


class DlrReceiver:
    """An HTTP server on 127.0.0.1 that records the query of every GET it receives."""

    def __init__(self) -> None:
        self.queries: list[dict[str, str]] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with outer._lock:
                    outer.queries.append(dict(parse_qsl(urlsplit(self.path).query)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/dlr"

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, seconds: float = 10.0) -> list[dict[str, str]]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.queries) >= count:
                    break
            time.sleep(0.05)
        with self._lock:
            return list(self.queries)

