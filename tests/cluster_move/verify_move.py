#!/usr/bin/env python3
"""Checks that every key of a single Redis arrived in a Redis Cluster (tests/cluster_move).

For each key of the source (SCAN): the cluster node that owns the key's slot holds it, with
the same type, the same DUMP (the serialised value: contents, and for streams their consumer
groups, consumers and pending entries; for a hash or set stored as a hash table, whose DUMP
follows the table's order, the same contents), the same TTL (within a second), and for
streams the same groups (XINFO GROUPS) and pending entries (XPENDING). The slot is computed
here (CRC16 of the hash tag, as Redis Cluster does) and must equal CLUSTER KEYSLOT, and the
owner must be the node CLUSTER SLOTS names for it. No primary holds a key the source does
not. Keys that expire on their own within 2 s are left out (rate limits, leases).

  verify_move.py --source HOST:PORT --cluster HOST:PORT[,HOST:PORT...]

Prints what it checked; exits 1 naming every key that differs. Python's standard library
only (a RESP client of a few lines), so it runs wherever redis-cli does.
"""
import argparse
import collections
import socket
import sys


class RedisError(Exception):
    pass


class Conn:
    def __init__(self, address):
        host, port = address.rsplit(':', 1)
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        self.buf = b''
        self.address = address

    def _line(self):
        while b'\r\n' not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError(f'{self.address} closed the connection')
            self.buf += chunk
        line, self.buf = self.buf.split(b'\r\n', 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError(f'{self.address} closed the connection')
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def _reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b'+':
            return rest
        if kind == b'-':
            return RedisError(rest.decode(errors='replace'))
        if kind == b':':
            return int(rest)
        if kind == b'$':
            n = int(rest)
            return None if n < 0 else self._exact(n)
        if kind == b'*':
            n = int(rest)
            return None if n < 0 else [self._reply() for _ in range(n)]
        raise ValueError(f'unexpected reply from {self.address}: {line!r}')

    def call(self, *args):
        out = [b'*%d\r\n' % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b'$%d\r\n%s\r\n' % (len(a), a))
        self.sock.sendall(b''.join(out))
        reply = self._reply()
        if isinstance(reply, RedisError):
            raise reply
        return reply


def crc16(data):
    # CRC16-XMODEM (polynomial 0x1021), Redis Cluster's key hash.
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def hash_tag(key):
    start = key.find(b'{')
    if start >= 0:
        end = key.find(b'}', start + 1)
        if end > start + 1:
            return key[start + 1:end]
    return None


def slot_of(key):
    tag = hash_tag(key)
    return crc16(tag if tag is not None else key) % 16384


def scan(conn):
    keys = set()
    cursor = b'0'
    while True:
        cursor, batch = conn.call('SCAN', cursor, 'COUNT', 1000)
        keys.update(batch)
        if cursor == b'0':
            return keys


def pairs(flat):
    return {flat[i]: flat[i + 1] for i in range(0, len(flat), 2)}


def contents(conn, key, kind):
    """The value of a key, in a form that does not depend on its encoding's order."""
    if kind == b'string':
        return conn.call('GET', key)
    if kind == b'hash':
        return pairs(conn.call('HGETALL', key))
    if kind == b'set':
        return set(conn.call('SMEMBERS', key))
    if kind == b'zset':
        return conn.call('ZRANGE', key, 0, -1, 'WITHSCORES')
    if kind == b'list':
        return conn.call('LRANGE', key, 0, -1)
    if kind == b'stream':
        return conn.call('XRANGE', key, '-', '+')
    raise ValueError(f'a key of type {kind!r}')


def stream_groups(conn, key):
    groups = []
    for info in conn.call('XINFO', 'GROUPS', key):
        g = pairs(info)
        name = g[b'name']
        pending = conn.call('XPENDING', key, name, '-', '+', 100000)
        groups.append((name, g[b'consumers'], g[b'pending'], g[b'last-delivered-id'],
                       [(p[0], p[1], p[3]) for p in pending]))  # id, consumer, deliveries
    return sorted(groups)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--source', required=True)
    parser.add_argument('--cluster', required=True)
    args = parser.parse_args()

    source = Conn(args.source)
    nodes = {a: Conn(a) for a in args.cluster.split(',')}
    any_node = next(iter(nodes.values()))
    owner = [None] * 16384
    for start, end, primary, *_ in any_node.call('CLUSTER', 'SLOTS'):
        address = f'{primary[0].decode()}:{primary[1]}'
        if address not in nodes:
            nodes[address] = Conn(address)
        for s in range(start, end + 1):
            owner[s] = address

    keys = sorted(scan(source))

    problems = []
    by_type = collections.Counter()
    by_node = collections.Counter()
    tagged_slots = set()
    streams_with_groups = 0
    groups_total = 0
    pending_total = 0
    expiring = 0
    same_dump = 0
    same_contents = 0
    for key in keys:
        shown = key.decode(errors='replace')
        slot = slot_of(key)
        if any_node.call('CLUSTER', 'KEYSLOT', key) != slot:
            problems.append(f'{shown}: CLUSTER KEYSLOT disagrees with the hash tag\'s slot {slot}')
        tag = hash_tag(key)
        if tag is not None and tag.startswith(b'p'):
            tagged_slots.add(slot)
        ttl_source = source.call('PTTL', key)
        if ttl_source == -2 or 0 <= ttl_source < 2000:
            # Gone, or about to go, by its own expiry (rate limits, leases): on both sides
            # alike, since MIGRATE carries the TTL; nothing to compare.
            expiring += 1
            continue
        address = owner[slot]
        if address is None:
            problems.append(f'{shown}: slot {slot} has no owner')
            continue
        node = nodes[address]
        kind = source.call('TYPE', key)
        by_type[kind.decode()] += 1
        by_node[address] += 1
        if node.call('EXISTS', key) != 1:
            problems.append(f'{shown}: not on {address}, the owner of its slot {slot}')
            continue
        if node.call('TYPE', key) != kind:
            problems.append(f'{shown}: type {node.call("TYPE", key)!r}, was {kind!r}')
        # The same DUMP (serialised value) is the strongest check. A hash or set stored as a
        # hash table serialises in the table's order, which RESTORE does not keep: for those
        # the contents are compared instead.
        if node.call('DUMP', key) == source.call('DUMP', key):
            same_dump += 1
        elif contents(node, key, kind) == contents(source, key, kind):
            same_contents += 1
        else:
            problems.append(f'{shown}: its contents differ from the source\'s')
        ttl_target = node.call('PTTL', key)
        # MIGRATE sends the time left, so the copy may expire a moment (the transfer) later.
        if (ttl_source < 0) != (ttl_target < 0) or abs(ttl_target - ttl_source) > 1000:
            problems.append(f'{shown}: TTL {ttl_target} ms, the source has {ttl_source} ms')
        if kind == b'stream':
            before, after = stream_groups(source, key), stream_groups(node, key)
            if before != after:
                problems.append(f'{shown}: consumer groups or pending entries differ')
            if before:
                streams_with_groups += 1
                groups_total += len(before)
                pending_total += sum(len(g[4]) for g in before)

    # Nothing else arrived: every key on a primary is one of the source's (or is expiring).
    source_keys = set(keys)
    for address in sorted(set(a for a in owner if a)):
        for key in scan(nodes[address]):
            if key not in source_keys and not 0 <= nodes[address].call('PTTL', key) < 2000:
                problems.append(f'{key.decode(errors="replace")}: on {address}, not in the source')

    print(f'{len(keys) - expiring} keys checked ({expiring} expiring on their own left out): ' +
          ', '.join(f'{n} {t}' for t, n in sorted(by_type.items())))
    print(f'the same DUMP: {same_dump}; the same contents in another order (hash tables): '
          f'{same_contents}')
    print(f'streams with consumer groups: {streams_with_groups} ({groups_total} groups, '
          f'{pending_total} pending entries)')
    print(f'partition hash tags in {len(tagged_slots)} slots; keys per primary: ' +
          ', '.join(f'{a} {n}' for a, n in sorted(by_node.items())))
    if problems:
        for p in problems[:50]:
            print('DIFFERS: ' + p, file=sys.stderr)
        print(f'{len(problems)} problem(s)', file=sys.stderr)
        return 1
    print('every key arrived, in the slot its hash tag says, with the same contents')
    return 0


if __name__ == '__main__':
    sys.exit(main())
