"""TLS: ``serve --cert PEM --key PEM`` listens on wss://, a client that trusts the certificate
joins, one that does not (or speaks plain ws://) gets nothing; a reachable host without TLS
still warns, one with TLS does not."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import json
import signal
import ssl
import subprocess
import tomllib
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from test_serve_cli import CLI, _start
from websockets.asyncio.client import connect
from wire import Client

from detente.engine.commands import Start
from detente.engine.loader import load_scenario
from detente.engine.recorder import RecordedSession
from detente.net.codes import new_codes
from detente.net.host import Host, tls_context

STRAIT = Path(__file__).resolve().parents[2] / "scenarios" / "strait_standoff.toml"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for localhost and 127.0.0.1, signed by its own key: (cert.pem, key.pem)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_pem, key_pem = folder / "cert.pem", folder / "key.pem"
    cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return cert_pem, key_pem


def trusting(cert: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cert))


async def test_a_host_with_a_certificate_speaks_wss_to_clients_that_trust_it(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    codes = new_codes(["blue", "red", "green", "facilitator", "spectator"])
    with RecordedSession.create(load_scenario(STRAIT), tmp_path / "s.jsonl") as rec:
        async with Host(rec, codes).serving("127.0.0.1", 0, tls_context(str(cert), str(key))) as url:
            assert url.startswith("wss://127.0.0.1:")
            ws = await connect(url, ssl=trusting(cert))
            fac = Client(ws)
            await fac.send(type="hello", code=codes["facilitator"])
            assert (await fac.recv())["role"] == "facilitator"
            assert (await fac.command("s", Start()))["accepted"]
            await ws.close()
            with pytest.raises(ssl.SSLCertVerificationError):  # a client that trusts only the usual CAs
                await connect(url, ssl=ssl.create_default_context())
            with pytest.raises(Exception):  # noqa: B017 - plain ws:// to a TLS port: no handshake
                await asyncio.wait_for(Client.join(url.replace("wss://", "ws://"), codes["blue"]), 5)


def test_serve_with_cert_and_key_prints_a_wss_url_and_does_not_warn(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    proc, out = _start("strait_standoff", "--headless", "--port", "0", "--host", "127.0.0.1",
                       "--cert", str(cert), "--key", str(key), "--codes", "codes.toml", "--log", "s.jsonl",
                       cwd=tmp_path)
    try:
        written = tomllib.loads((tmp_path / "codes.toml").read_text())
        assert written["url"].startswith("wss://127.0.0.1:") and f"URL: {written['url']}" in out

        async def hello() -> dict:
            async with connect(written["url"], ssl=trusting(cert)) as ws:
                await ws.send(json.dumps({"v": 2, "type": "hello", "code": written["codes"]["red"]}))
                return json.loads(await ws.recv())

        assert asyncio.run(hello())["role"] == "red"
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0 and "not encrypted" not in err


def test_serve_refuses_half_of_tls_or_a_key_that_is_not_one(tmp_path: Path) -> None:
    cert, _ = self_signed(tmp_path)
    for extra, said in ((["--cert", str(cert)], "both --cert PEM and --key PEM"),
                        (["--cert", str(cert), "--key", str(cert)], "cannot use them for TLS")):
        done = subprocess.run([*CLI, "serve", "strait_standoff", "--headless", "--port", "0", *extra],
                              cwd=tmp_path, capture_output=True, text=True, timeout=30)
        assert done.returncode == 1 and said in done.stderr, done.stderr
        assert not (tmp_path / "sessions").exists()
