#!/usr/bin/python3
"""mailsink: a local SMTP server that keeps every message it accepts as an .eml file.

For development (./scripts/run starts one on 127.0.0.1:2525, saving to .run/mail/) and for
tests (common/testing/own_smtp_server.h starts one per test on a free port). It never relays
anything anywhere: a message it accepts is only written to --dir.

  tools/mailsink/mailsink.py --port 0 --dir /tmp/mail     # prints "port=<n>" first
  tools/mailsink/mailsink.py --port 2525 --dir .run/mail --auth user:secret
  tools/mailsink/mailsink.py --port 2525 --dir .run/mail \\
      --starttls-cert cert.pem --starttls-key key.pem

Each accepted message becomes DIR/<6-digit sequence>-<UTC time>.eml: the bytes received
after DATA, preceded by a Return-Path line (the envelope sender) and an X-Original-To line
(the envelope recipients), as a mailbox would store them. It is written under a hidden
temporary name and renamed, so a reader never sees half a file; the sequence continues after
the highest one already in DIR, so names sort in the order messages arrived.

Behaviours for tests, chosen by the recipient address alone (the product knows nothing of
them):
  tempfail-<n>-...@...   RCPT is answered "451 4.3.0 try again later" for the first n
                         attempts for that address (counted in memory), then accepted.
  reject-...@...         RCPT is answered "550 5.1.1 mailbox unavailable".

It listens on a loopback address only. With --auth, AUTH PLAIN or LOGIN is required before
MAIL; without STARTTLS it is allowed in the clear (loopback only), with STARTTLS only after
it, as a real submission server would. SIGTERM or SIGINT stops it cleanly (exit 0).

The shebang names Debian's python3 on purpose: aiosmtpd comes from the python3-aiosmtpd
package (scripts/install-deps), which another python3 earlier in PATH would not see.
"""

import argparse
import asyncio
import datetime
import hmac
import ipaddress
import logging
import os
import re
import signal
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

LOG = logging.getLogger("mailsink")
TEMPFAIL_PREFIX = re.compile(r"^tempfail-(\d{1,6})-", re.IGNORECASE)
SAVED_NAME = re.compile(r"^(\d+)-.*\.eml$")
DEFAULT_MAX_SIZE = 10 * 1024 * 1024
KNOWN_WARNINGS = ("auth_require_tls == False", "login_data is deprecated")


class MailSink:
    """The aiosmtpd handler: recipient behaviours and saving. Runs on the one event loop."""

    def __init__(self, directory, offer_auth):
        self.directory = directory
        self.offer_auth = offer_auth
        self.sequence = highest_sequence(directory)
        self.rcpt_attempts = {}  # lower-cased address -> RCPT answered 451 so far

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # aiosmtpd advertises AUTH (failing every attempt) even with no authenticator; a
        # client with credentials configured must see that this server takes none.
        session.host_name = hostname
        if self.offer_auth:
            return responses
        return [line for line in responses if not line.startswith("250-AUTH")]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local_part = address.rpartition("@")[0] or address
        if local_part.lower().startswith("reject-"):
            LOG.info("RCPT %s: rejected (550), as its reject- prefix asks", address)
            return "550 5.1.1 mailbox unavailable"
        tempfail = TEMPFAIL_PREFIX.match(local_part)
        if tempfail:
            key = address.lower()
            failed = self.rcpt_attempts.get(key, 0)
            if failed < int(tempfail.group(1)):
                self.rcpt_attempts[key] = failed + 1
                LOG.info("RCPT %s: try again later (451), attempt %d", address, failed + 1)
                return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.sequence += 1
        now = datetime.datetime.now(datetime.timezone.utc)
        name = "%06d-%s.%03dZ.eml" % (
            self.sequence, now.strftime("%Y%m%dT%H%M%S"), now.microsecond // 1000)
        envelope_lines = "Return-Path: <%s>\r\nX-Original-To: %s\r\n" % (
            envelope.mail_from, ", ".join(envelope.rcpt_tos))
        try:
            save_atomically(self.directory, name,
                            envelope_lines.encode("utf-8") + envelope.original_content)
        except OSError as error:
            LOG.error("could not save %s: %s", name, error)
            return "451 4.3.0 could not save the message, try again later"
        LOG.info("saved %s (from <%s> to %s, %d bytes)", name, envelope.mail_from,
                 ", ".join(envelope.rcpt_tos), len(envelope.original_content))
        return "250 2.0.0 OK saved as " + name


def highest_sequence(directory):
    """The largest sequence number among the .eml files already in directory (0: none)."""
    numbers = [int(m.group(1)) for m in map(SAVED_NAME.match, os.listdir(directory)) if m]
    return max(numbers, default=0)


def save_atomically(directory, name, data):
    temporary = os.path.join(directory, "." + name + ".part")
    with open(temporary, "xb") as file:
        file.write(data)
    os.rename(temporary, os.path.join(directory, name))


def make_authenticator(user, password):
    user, password = user.encode("utf-8"), password.encode("utf-8")

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and hmac.compare_digest(auth_data.login, user)
              and hmac.compare_digest(auth_data.password, password))
        LOG.info("AUTH %s: %s", mechanism, "accepted" if ok else "refused")
        # handled=False: aiosmtpd then answers a refusal with 535 itself (by default it
        # would leave the client waiting for an answer nobody sends).
        return AuthResult(success=ok, handled=False)

    return authenticate


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="A local SMTP server that saves each message as an .eml file.")
    parser.add_argument("--host", default="127.0.0.1",
                        help="a loopback IP address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=2525,
                        help="port; 0 picks a free one (default 2525)")
    parser.add_argument("--dir", required=True, help="where to save the messages")
    parser.add_argument("--max-size", type=int, default=DEFAULT_MAX_SIZE,
                        help="largest message accepted, in bytes (default 10 MiB)")
    parser.add_argument("--auth", metavar="USER:PASSWORD",
                        help="require AUTH PLAIN or LOGIN with these credentials")
    parser.add_argument("--starttls-cert", help="certificate (PEM) to offer STARTTLS with")
    parser.add_argument("--starttls-key", help="its private key (PEM)")
    args = parser.parse_args(argv)
    try:
        host = ipaddress.ip_address(args.host)
    except ValueError:
        parser.error("--host must be an IP address such as 127.0.0.1, not %r" % args.host)
    if not host.is_loopback:
        parser.error("--host must be a loopback address (127.0.0.1 or ::1): mailsink "
                     "accepts any message and is for one machine only")
    if not 0 <= args.port <= 65535:
        parser.error("--port must be between 0 and 65535")
    if args.max_size < 1024:
        parser.error("--max-size must be at least 1024 bytes")
    if bool(args.starttls_cert) != bool(args.starttls_key):
        parser.error("--starttls-cert and --starttls-key go together")
    if args.auth is not None and (":" not in args.auth or args.auth.startswith(":")):
        parser.error("--auth must be USER:PASSWORD with a non-empty user")
    return args


async def serve(args):
    os.makedirs(args.dir, exist_ok=True)
    handler = MailSink(args.dir, offer_auth=args.auth is not None)
    tls_context = None
    if args.starttls_cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.starttls_cert, args.starttls_key)
    authenticator = None
    if args.auth is not None:
        user, _, password = args.auth.partition(":")
        authenticator = make_authenticator(user, password)
    loop = asyncio.get_running_loop()

    def new_connection():
        return SMTP(handler, hostname="mailsink.localhost", ident="mailsink",
                    data_size_limit=args.max_size, enable_SMTPUTF8=True,
                    tls_context=tls_context, authenticator=authenticator,
                    auth_required=authenticator is not None,
                    auth_require_tls=tls_context is not None, loop=loop)

    server = await loop.create_server(new_connection, host=args.host, port=args.port)
    port = server.sockets[0].getsockname()[1]
    print("port=%d" % port, flush=True)
    LOG.info("listening on %s port %d, saving to %s%s%s", args.host, port, args.dir,
             ", STARTTLS offered" if tls_context else "",
             ", AUTH required" if authenticator else "")
    stop = asyncio.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()
    LOG.info("stopped")


def main(argv):
    args = parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # aiosmtpd logs every command at INFO; keep its warnings only, less two that are about
    # itself: AUTH without TLS (intended here, loopback only) and a deprecation inside it.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    logging.getLogger("mail.log").addFilter(
        lambda record: not any(known in record.getMessage() for known in KNOWN_WARNINGS))
    try:
        asyncio.run(serve(args))
    except OSError as error:  # the port is taken, the folder cannot be made...
        LOG.error("%s", error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
