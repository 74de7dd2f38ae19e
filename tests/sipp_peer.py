"""Run SIPp as the far end of a SIP test: free ports, scenario templates, final statistics.

Tests skip when ``sipp`` is not on PATH (Debian package ``sip-tester``; ``.ci/run``
installs it).
"""

from __future__ import annotations

import csv
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Self

import pytest

SCENARIOS = Path(__file__).parent / "sipp"

requires_sipp = pytest.mark.skipif(
    shutil.which("sipp") is None, reason="sipp not on PATH (install the Debian package sip-tester)"
)


def free_port() -> int:
    """A port free on 127.0.0.1 for both UDP and TCP (SIPp binds the one it is told)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind(("127.0.0.1", 0))
            port = int(u.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                try:
                    t.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    raise RuntimeError("no free port")


def render(name: str, directory: Path, **values: object) -> Path:
    """``tests/sipp/NAME.in`` with each ``{{key}}`` replaced, written to ``directory``.

    (Not string.Template: SIPp scenarios use ``$`` for their own variables.)
    """
    text = (SCENARIOS / f"{name}.in").read_text()
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", str(value))
    if "{{" in text:
        raise ValueError(f"{name}: placeholder left unfilled: {text[text.index('{{'):][:40]}")
    path = directory / name
    path.write_text(text)
    return path


def _listening(port: int, transport: str) -> bool:
    table = "/proc/net/udp" if transport == "udp" else "/proc/net/tcp"
    needle = f"0100007F:{port:04X}"
    try:
        lines = Path(table).read_text().splitlines()[1:]
    except OSError:
        time.sleep(0.3)
        return True
    for line in lines:
        fields = line.split()
        if fields[1] == needle and (transport == "udp" or fields[3] == "0A"):  # 0A = LISTEN
            return True
    return False


class SippPeer:
    """One SIPp UAS on 127.0.0.1, started on a free port, for ``calls`` calls."""

    def __init__(
        self,
        scenario: Path | str,
        workdir: Path,
        *,
        transport: str = "udp",
        calls: int = 1,
        timeout: float = 60.0,
        extra: tuple[str, ...] = (),
    ) -> None:
        self.scenario = scenario if isinstance(scenario, Path) else SCENARIOS / scenario
        self.workdir = workdir
        self.transport = transport
        self.calls = calls
        self.timeout = timeout
        self.extra = extra
        self.port = free_port()
        self.stat_file = workdir / f"sipp_{self.port}_stat.csv"
        self.message_file = workdir / f"sipp_{self.port}_messages.log"
        self.error_file = workdir / f"sipp_{self.port}_errors.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.returncode: int | None = None

    @property
    def uri(self) -> str:
        return f"sip:127.0.0.1:{self.port};transport={self.transport}"

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        cmd = [
            "sipp",
            "-sf", str(self.scenario),
            "-i", "127.0.0.1",
            "-p", str(self.port),
            "-t", "u1" if self.transport == "udp" else "t1",
            "-m", str(self.calls),
            "-nostdin",
            "-ci", "127.0.0.1",
            "-cp", str(free_port()),
            "-mp", str(free_port()),
            "-timeout", f"{int(self.timeout)}s",
            "-timeout_error",
            "-trace_stat", "-stf", str(self.stat_file), "-fd", "1",
            "-trace_msg", "-message_file", str(self.message_file),
            "-trace_err", "-error_file", str(self.error_file),
            *self.extra,
        ]  # fmt: skip
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.workdir)
        deadline = time.monotonic() + 10.0
        while not _listening(self.port, self.transport):
            if self.proc.poll() is not None:
                raise RuntimeError(f"sipp exited at start: {self.proc.stderr.read().decode() if self.proc.stderr else ''}")
            if time.monotonic() > deadline:
                raise RuntimeError("sipp did not start listening in 10 s")
            time.sleep(0.02)

    def wait(self, timeout: float | None = None) -> int:
        """Wait for SIPp to finish its calls; its exit code (0 = every call succeeded)."""
        assert self.proc is not None
        try:
            self.returncode = self.proc.wait(timeout if timeout is not None else self.timeout + 10)
        except subprocess.TimeoutExpired:
            self.stop()
            raise
        return self.returncode

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None and self.proc.stderr is not None:
            self.proc.stderr.close()

    def stats(self) -> dict[str, str]:
        """The last row of SIPp's statistics CSV."""
        with self.stat_file.open(newline="") as f:
            rows = list(csv.reader(f, delimiter=";"))
        return dict(zip(rows[0], rows[-1], strict=False))

    def counter(self, name: str) -> int:
        return int(self.stats()[name])

    def messages(self) -> str:
        return self.message_file.read_text(errors="replace") if self.message_file.exists() else ""

    def errors(self) -> str:
        return self.error_file.read_text(errors="replace") if self.error_file.exists() else ""
