"""``outpace send`` end to end: a contact CSV to an SMTP server and to the test SMSC,
with the final report and the per-contact CSV; bad arguments as one clear line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

pytest.importorskip("aiosmtplib", reason="the channels extra is not installed")
pytest.importorskip("smpplib", reason="the channels extra is not installed")
pytest.importorskip("aiosmtpd", reason="aiosmtpd (test extra) is not installed")
from smsc import Smsc
from test_channels_smtp import Mailbox, start

from outpace.cli import main


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=sorted({k for r in rows for k in r}))
        w.writeheader()
        w.writerows(rows)
    return path


def read_report(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="") as f:
        return {r["contact_id"]: r for r in csv.DictReader(f)}


def test_send_email_campaign(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [{"id": f"c{i}", "email": f"u{i}@example.org", "name": f"U{i}"} for i in range(8)]
    rows += [{"id": "bad", "email": "nope", "name": "x"}, {"id": "blank", "email": "b@example.org", "name": ""}]
    contacts = write_csv(tmp_path / "contacts.csv", rows)
    mailbox = Mailbox(reject={"u3@example.org"}, defer={"u4@example.org": 1})
    controller, port = start(mailbox)
    try:
        code = main(["send", str(contacts), "--transport", f"smtp://127.0.0.1:{port}?tls=none",
                     "--from", "news@shop.example", "--template", "Hello {name}", "--subject", "News for {name}",
                     "--to-column", "email", "--mode", "rate", "--rate", "3000", "--connections", "2",
                     "--backoff", "0.05", "--report", str(tmp_path / "report.csv"), "--no-progress"])
    finally:
        controller.stop()
    out = capsys.readouterr().out
    assert code == 0
    assert "10 contacts, mode rate" in out and "accepted" in out and "not accepted" in out
    report = read_report(tmp_path / "report.csv")
    assert {k: v["outcome"] for k, v in report.items()} == {
        **{f"c{i}": "accepted" for i in range(8) if i != 3}, "c3": "rejected", "bad": "invalid", "blank": "invalid"}
    assert report["c4"]["attempts"] == "2" and report["c3"]["detail"].startswith("550")
    assert "template field 'name'" in report["blank"]["detail"]
    assert len(mailbox.delivered) == 7


def test_send_sms_over_smpp_broadcast(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [{"phone": f"+44 7700 900{i:03d}", "first": f"P{i}"} for i in range(12)]
    contacts = write_csv(tmp_path / "c.csv", rows)
    template = tmp_path / "t.txt"
    template.write_text("Hi {first}, see you at 10:00", encoding="utf-8")
    with Smsc(system_id="acme", password="pw") as smsc:
        code = main(["send", str(contacts), "--transport", f"smpp://acme:pw@127.0.0.1:{smsc.port}",
                     "--from", "ACME", "--template-file", str(template), "--to-column", "phone",
                     "--mode", "broadcast", "--per-second", "50", "--connections", "2", "--no-progress"])
    assert code == 0
    assert len(smsc.accepted) == 12
    assert sorted(d for d, *_ in smsc.accepted) == sorted(f"44770090{i:04d}" for i in range(12))
    assert "12 contacts, mode broadcast" in capsys.readouterr().out


CONFIG = str(Path(__file__).resolve().parents[1] / "examples" / "dialing-config.toml")


def test_send_takes_mode_and_rate_from_a_configured_group(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """payment-reminders in the example configuration: SMS, Rate per Minute at 120/min."""
    rows = [{"phone": f"+44 7700 900{i:03d}", "first": f"P{i}"} for i in range(3)]
    contacts = write_csv(tmp_path / "c.csv", rows)
    with Smsc(system_id="acme", password="pw") as smsc:
        code = main(["send", str(contacts), "--transport", f"smpp://acme:pw@127.0.0.1:{smsc.port}", "--from", "ACME",
                     "--template", "Hi {first}", "--to-column", "phone", "--config", CONFIG, "--group",
                     "payment-reminders", "--no-progress"])
    assert code == 0 and len(smsc.accepted) == 3
    assert "3 contacts, mode rate" in capsys.readouterr().out


def test_send_refuses_a_transport_of_another_channel(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "mail.toml"
    config.write_text('[profiles.mail]\nchannel = "email"\nmode = "broadcast"\n[templates.t]\nprofile = "mail"\n'
                      '[groups.news]\ntemplate = "t"\n')
    contacts = write_csv(tmp_path / "c.csv", [{"to": "+4915100000001", "name": "A"}])
    code = main(["send", str(contacts), "--transport", "smpp://a:b@127.0.0.1:9", "--template", "Hi {name}",
                 "--config", str(config), "--group", "news"])
    assert code == 2
    assert "on the email channel but --transport sends sms" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--config", CONFIG], "--config and --group go together"),
        (["--config", CONFIG, "--group", "sales-east"], "is a voice group"),
        (["--config", CONFIG, "--group", "payment-reminders", "--mode", "broadcast"], "come from the configured group"),
        (["--mode", "rate", "--rate", "0"], r"--rate must be in (0, 600000] messages per minute (got 0)"),
        (["--mode", "rate"], "--rate (messages per minute, in (0, 600000]) is required"),
        (["--mode", "auto"], "--window-end is required for --mode auto"),
        (["--mode", "auto", "--window-end", "tomorrow"], "--window-end must be an ISO 8601 time"),
        (["--mode", "broadcast", "--per-second", "0"], r"--per-second must be a whole number in [1, 100000]"),
        (["--mode", "broadcast", "--max-attempts", "0"], r"--max-attempts must be a whole number in [1, 100]"),
        (["--mode", "broadcast", "--to-column", "mobile"], "--to-column 'mobile' is not a column"),
        (["--mode", "auto", "--window-start", "2024-01-01T10:00", "--window-end", "2024-01-01T09:00",
          "--timezone", "Europe/Berlin"], "window end must be after window start"),
    ],
)
def test_bad_arguments_are_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str],
                                          message: str) -> None:
    contacts = write_csv(tmp_path / "c.csv", [{"to": "+4915100000001", "name": "A"}])
    code = main(["send", str(contacts), "--transport", "smpp://a:b@127.0.0.1:9", "--template", "Hi {name}", *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err


def test_unknown_transport_scheme(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    contacts = write_csv(tmp_path / "c.csv", [{"to": "+4915100000001"}])
    code = main(["send", str(contacts), "--transport", "ftp://x", "--template", "Hi", "--mode", "broadcast"])
    assert code == 2
    assert "transport URL must start with smtp://" in capsys.readouterr().err


def test_unreachable_transport_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from channel_servers import free_port

    contacts = write_csv(tmp_path / "c.csv", [{"to": "a@example.org"}])
    code = main(["send", str(contacts), "--transport", f"smtp://127.0.0.1:{free_port()}?tls=none", "--from",
                 "n@shop.example", "--template", "Hi", "--mode", "broadcast", "--no-progress"])
    assert code == 1
    assert "cannot use the transport" in capsys.readouterr().out
