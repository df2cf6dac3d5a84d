#!/usr/bin/python3
"""sign_in_link: prints the newest organiser-console sign-in link e-mailed to an address.

For a local run (./scripts/run): the mail sink keeps every e-mail in .run/mail/, and the
console's sign-in link is in the newest "Sign in" e-mail to you. Rather than open the .eml:

  tools/mailsink/sign_in_link.py organiser@demo.example            # reads .run/mail/
  tools/mailsink/sign_in_link.py organiser@demo.example --dir DIR

Exits 1, saying so, when no such e-mail is there. Open the link in the browser where you
asked for it: links work only there, once, for 15 minutes.
"""

import argparse
import email
import email.policy
import pathlib
import re
import sys

LINK = re.compile(r"https?://[^\s\"<>]*/manage/sign-in/[A-Za-z0-9_.-]+")


def newest_link(directory: pathlib.Path, address: str):
    for path in sorted(directory.glob("*.eml"), reverse=True):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if address.lower() not in str(message.get("To", "")).lower():
            continue
        part = message.get_body(preferencelist=("plain",))
        if part is None:
            continue
        found = LINK.search(part.get_content())
        if found:
            return found.group(0)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("address", help="the e-mail address you signed in with")
    root = pathlib.Path(__file__).resolve().parents[2]
    parser.add_argument("--dir", default=str(root / ".run" / "mail"),
                        help="the mail sink's folder (default: .run/mail)")
    args = parser.parse_args()
    link = newest_link(pathlib.Path(args.dir), args.address)
    if link is None:
        print(f"sign_in_link: no sign-in e-mail to {args.address} in {args.dir} yet; ask for one "
              "at /manage/sign-in first", file=sys.stderr)
        return 1
    print(link)
    return 0


if __name__ == "__main__":
    sys.exit(main())
