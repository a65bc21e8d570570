#!/usr/bin/env python3
"""Fuzz Loupe's GDB stub over its TCP port with random and malformed packets.

Every item sent has an exact expected answer, so the fuzzer notices a stub
that stops answering, answers twice, or garbles a reply -- not only one
that crashes:

  well-formed packet        '+' (ack mode) then one reply packet
  bad checksum              '-' (ack mode), nothing (no-ack mode)
  oversized packet          '+' then an Exx reply
  junk between packets      nothing
  cut-off packet + packet   the second packet's answer only
  continue, then Ctrl-C     a stop reply (T02...)
  step                      a stop reply (T05...)

Console output ('O' packets, the stub's warnings) may come before a stop
reply, as GDB allows.

Writes only go to addresses that are never mapped, and register writes are
malformed on purpose, so the kernel keeps running normally underneath.

Usage: rsp_fuzz.py --port PORT [--count N] [--seed S]
"""
import argparse
import collections
import random
import re
import socket
import sys

PACKET_MAX = 0x1000
STOP_REPLY = re.compile(rb"^T[0-9a-f]{2}thread:[0-9a-f]+;core:[0-9a-f]+;")
# Addresses no access can succeed at: low memory (unmapped), a
# non-canonical address, the I/O window (Device memory, refused).
BAD_ADDRESSES = [0x0, 0x1000, 0x7ffffffff000, 0x0000800000000000, 0xdead00000000,
                 0xffff800009000000, 0xffff800008000000]
KERNEL_TEXT = 0xffffffff80000000


class ProtocolError(Exception):
    pass


def checksum(data):
    return sum(data) & 0xff


def frame(data, good=True):
    cs = checksum(data) if good else (checksum(data) + 1) & 0xff
    return b"$" + data + b"#" + b"%02x" % cs


def unescape(data):
    """Undo run-length encoding and '}' escapes, as GDB does."""
    out = bytearray()
    i = 0
    while i < len(data):
        c = data[i]
        if c == ord("}"):
            out.append(data[i + 1] ^ 0x20)
            i += 2
        elif c == ord("*"):
            out += bytes([out[-1]]) * (data[i + 1] - 29)
            i += 2
        else:
            out.append(c)
            i += 1
    return bytes(out)


class Client:
    def __init__(self, port, timeout=60):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.noack = False
        self.history = collections.deque(maxlen=8)  # for failure reports
        self.warnings = []

    def close(self):
        self.sock.close()

    def send(self, data):
        self.history.append(data[:120])
        self.sock.sendall(data)

    def byte(self):
        while not self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ProtocolError("connection closed")
            self.buf = chunk
        c, self.buf = self.buf[0], self.buf[1:]
        return c

    def expect_ack(self, ack=b"+"):
        if self.noack and ack == b"+":
            return
        c = self.byte()
        if c != ack[0]:
            raise ProtocolError("expected %r, got %r" % (ack, bytes([c])))

    def reply(self):
        """Read one packet, check its checksum, acknowledge it."""
        c = self.byte()
        if c != ord("$"):
            raise ProtocolError("expected a packet, got %r" % bytes([c]))
        data = bytearray()
        while (c := self.byte()) != ord("#"):
            data.append(c)
        cs = int(bytes([self.byte(), self.byte()]), 16)
        if cs != checksum(data):
            raise ProtocolError("bad checksum on reply %r" % bytes(data))
        if not self.noack:
            self.send(b"+")
        return unescape(bytes(data))

    def stop_reply(self):
        """The stop reply after a resume, past the console output ('O'
        packets: warnings such as a CPU that did not stop) that may come
        first, as GDB takes it; the warnings are kept."""
        r = self.reply()
        while r.startswith(b"O") and r != b"OK":
            self.warnings.append(bytes.fromhex(r[1:].decode()).decode(errors="replace"))
            r = self.reply()
        return r

    def command(self, data):
        """A well-formed packet and its reply (skipping monitor output)."""
        self.send(frame(data))
        self.expect_ack()
        r = self.reply()
        while data.startswith(b"qRcmd,") and r.startswith(b"O") and r != b"OK":
            r = self.reply()
        return r


def hexnum(rng):
    return b"%x" % rng.choice([0, 1, rng.getrandbits(8), rng.getrandbits(64),
                               rng.getrandbits(70)])


def address(rng, readable_too):
    if readable_too and rng.random() < 0.3:
        return KERNEL_TEXT + rng.randrange(0, 0x40000)
    return rng.choice(BAD_ADDRESSES) + rng.randrange(0, 0x100)


def junk(rng, n, exclude=b"$#\x03"):
    return bytes(b for b in rng.randbytes(n) if b not in exclude)


def random_command(rng):
    """A packet for the stub to parse: known commands with random,
    often malformed arguments, and unknown ones."""
    choices = [
        lambda: b"?",
        lambda: b"g",
        # Never a valid register set: odd, non-hex, or longer than all.
        lambda: b"G" + rng.choice([b"0", b"zz", b"0" * (2 * rng.randrange(1, 100) + 1)]),
        lambda: b"p" + hexnum(rng),
        lambda: b"P" + hexnum(rng) + b"=" + junk(rng, rng.randrange(0, 40)),
        lambda: b"m%x,%x" % (address(rng, True), rng.choice([0, 1, 4, 0x40, 0x100])),
        lambda: b"m%x,%x" % (address(rng, True), rng.getrandbits(64)),
        lambda: b"m" + junk(rng, rng.randrange(0, 30)),
        lambda: b"M%x,%x:" % (address(rng, False), 4) + b"00" * 4,
        lambda: b"M%x,%x:" % (address(rng, False), 8) + junk(rng, 10),
        lambda: b"X%x,%x:" % (address(rng, False), 3) + b"}\x03}\x04*",
        lambda: b"X" + junk(rng, rng.randrange(0, 30)),
        lambda: b"Z%d,%x,%s" % (rng.randrange(0, 9), address(rng, False), hexnum(rng)),
        lambda: b"z%d,%x,4" % (rng.randrange(0, 9), address(rng, False)),
        lambda: b"Z0," + junk(rng, 12),
        lambda: b"H" + rng.choice([b"g", b"c", b"x", b""]) + hexnum(rng),
        lambda: b"Hg-1",
        lambda: b"T" + hexnum(rng),
        lambda: b"qC",
        lambda: b"qfThreadInfo",
        lambda: b"qsThreadInfo",
        lambda: b"qThreadExtraInfo," + hexnum(rng),
        lambda: b"qXfer:features:read:target.xml:%x,%x" % (rng.randrange(0, 9000),
                                                          rng.randrange(0, 0x100)),
        lambda: b"qXfer:threads:read::%x,%x" % (rng.randrange(0, 400), rng.randrange(0, 64)),
        lambda: b"qXfer:" + junk(rng, rng.randrange(0, 40)),
        lambda: b"qAttached",
        lambda: b"qSymbol::",
        lambda: b"qRcmd," + rng.choice([b"", b"7073", b"68656c70", b"zz", b"1"]),
        lambda: b"vCont?",
        lambda: b"vCont;x" + junk(rng, rng.randrange(0, 10)),
        lambda: b"vMustReplyEmpty",
        lambda: bytes([rng.choice(b"abefijlnortuwxyABFIJKLNORUVWY")]) + junk(rng, 8),
        lambda: junk(rng, rng.randrange(1, 60)),
    ]
    pkt = rng.choice(choices)()
    # Resume commands are sent deliberately (fuzz_one), never by chance.
    return b"x" + pkt if pkt[:1] in (b"c", b"s", b"C", b"S", b"k", b"D", b"v") else pkt


def fuzz_one(client, rng):
    """Send one random item and check the answer; returns packets sent."""
    kind = rng.random()
    if kind < 0.70:
        client.command(random_command(rng))
    elif kind < 0.80:
        client.send(frame(random_command(rng), good=False))
        if not client.noack:
            client.expect_ack(b"-")
    elif kind < 0.85:
        # Cut off (no '#'), then a good packet: the '$' restarts.
        client.send(b"$" + junk(rng, rng.randrange(0, 50)))
        client.command(b"qC")
        return 2
    elif kind < 0.90:
        client.send(junk(rng, rng.randrange(1, 100), exclude=b"$#\x03+"))
        client.command(b"?")
        return 2
    elif kind < 0.902:
        # Rare: input through an emulated UART is slow (tens of us a byte).
        client.send(b"$" + b"m" * (PACKET_MAX + rng.randrange(1, 100)) + b"#00")
        # Its checksum is almost surely wrong: either answer is correct,
        # then make sure the stream is in step again.
        if not client.noack:
            c = client.byte()
            if c == ord("+"):
                client.reply()
            elif c != ord("-"):
                raise ProtocolError("oversized packet answered with %r" % bytes([c]))
        client.command(b"qC")
        return 2
    elif kind < 0.95:
        client.send(b"$m" + b"f*%c" % rng.randrange(30, 126) + b"#zz")  # non-hex checksum
        if not client.noack:
            client.expect_ack(b"-")
    elif kind < 0.98:
        client.send(frame(b"s"))  # one step of the stopped CPU
        client.expect_ack()
        r = client.stop_reply()
        if not STOP_REPLY.match(r):
            raise ProtocolError("step answered %r" % r)
    else:
        client.send(frame(b"c"))
        client.expect_ack()
        client.send(b"\x03")
        r = client.stop_reply()
        if not r.startswith(b"T02"):
            raise ProtocolError("Ctrl-C answered %r" % r)
        return 2
    return 1


def check_alive(client):
    r = client.command(b"?")
    if not STOP_REPLY.match(r):
        raise ProtocolError("'?' answered %r" % r)
    return r


def run(port, count, seed):
    rng = random.Random(seed)
    client = Client(port)
    sent = 0
    try:
        client.send(b"+")
        client.command(b"qSupported:swbreak+;hwbreak+")
        check_alive(client)
        while sent < count:
            # Mostly ack mode; every 2,000 packets a stretch without acks.
            if sent % 2000 < 1500 and client.noack:
                client.send(b"+")  # a '+' tells the stub a new GDB uses acks
                client.noack = False
                client.command(b"qC")
            elif sent % 2000 >= 1500 and not client.noack:
                if client.command(b"QStartNoAckMode") != b"OK":
                    raise ProtocolError("QStartNoAckMode refused")
                client.noack = True
            try:
                sent += fuzz_one(client, rng)
            except (ProtocolError, OSError) as e:
                raise ProtocolError("%s after %d packets; last sent: %r; console output: %r" %
                                    (e, sent, list(client.history), client.warnings)) from e
        reply = check_alive(client)
        client.send(frame(b"D"))
        client.expect_ack()
        if client.reply() != b"OK":
            raise ProtocolError("detach refused")
    finally:
        client.close()
    return sent, reply


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    sent, reply = run(args.port, args.count, args.seed)
    print("sent %d packets; '?' still answers %s" % (sent, reply.decode()))


if __name__ == "__main__":
    sys.exit(main())
