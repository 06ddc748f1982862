#!/usr/bin/env python3
"""A real SMTP server for allo-collector's notification tests (aiosmtpd).

    smtp_server.py --port PORT --dir DIR [--user NAME --password SECRET]
                   [--tls-cert PEM --tls-key PEM [--implicit-tls]]

Listens on 127.0.0.1:PORT and stores every accepted message in DIR as two files written
atomically (temporary name, then rename): NNNN.eml, the raw message as received, and
NNNN.json, what Python's own email parser makes of it ({mail_from, rcpt_tos, subject,
headers, body}), so the Rust tests check the collector's MIME encoding against an
independent decoder instead of a mock. With --user/--password, AUTH (PLAIN and LOGIN) is
required before MAIL. With --tls-cert/--tls-key, STARTTLS is offered and required before
anything else; with --implicit-tls as well, TLS is spoken from the first byte instead
(SMTPS, what port 465 does). Prints "ready" on stdout once it accepts connections and runs until
stdin closes or it is killed.
"""
import argparse
import email
import email.policy
import json
import os
import ssl
import sys
import logging
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Saver:
    """Stores each message; numbering is per server, in arrival order."""

    def __init__(self, directory):
        self.directory = directory
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            n = self.count
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "subject": str(parsed["subject"] or ""),
            "headers": {k: str(v) for k, v in parsed.items()},
            # Line ends as text, not as the wire has them.
            "body": (parsed.get_content() if not parsed.is_multipart() else "").replace("\r\n", "\n"),
        }
        base = os.path.join(self.directory, f"{n:04d}")
        for ext, data in ((".eml", raw), (".json", json.dumps(record).encode())):
            with open(base + ext + ".tmp", "wb") as f:
                f.write(data)
            os.replace(base + ext + ".tmp", base + ext)
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--implicit-tls", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)

    kwargs = {}
    if args.user:
        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (auth_data.login.decode() == args.user
                  and auth_data.password.decode() == args.password)
            # handled=False: let aiosmtpd answer 535 itself on failure.
            return AuthResult(success=ok, handled=False)
        # Loopback test traffic: AUTH without TLS is allowed here, and required (aiosmtpd
        # warns about that combination; it is the point of the test).
        warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
        logging.getLogger("mail.log").setLevel(logging.ERROR)
        kwargs.update(authenticator=authenticator, auth_require_tls=False,
                      auth_required=True)

    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        if args.implicit_tls:
            kwargs.update(ssl_context=context)
        else:
            kwargs.update(tls_context=context, require_starttls=True)

    controller = Controller(Saver(args.dir), hostname="127.0.0.1", port=args.port,
                            **kwargs)
    controller.start()
    print("ready", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
