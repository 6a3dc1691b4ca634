#!/usr/bin/env python3
"""The SQL client of scripts/lib/pmtest.sh where psql cannot say enough.

psql prints no SQLSTATE for a refused connection and cannot keep a session
open while a script does other things, so pm_sql_fails and pm_session_* use
this: protocol 3.0 over a socket, simple queries only, trust or cleartext
password authentication (PGPASSWORD).

  pmsession.py once HOST PORT USER DB SQL
      one connection, one Query message; prints one result line and exits
      0 for "ok", 1 otherwise
  pmsession.py session HOST PORT USER DB
      a session kept open: reads one statement per line on stdin ("close"
      ends it) and prints one result line per statement; also prints what
      arrives while it is idle (an error the server sends before closing,
      then "lost"). The first line is "connected PID" or the failure.

Result lines: "ok", "error SQLSTATE MESSAGE" (the first error of the
statement, or a refusal at connection), "lost MESSAGE" (the server closed
the connection without an error, or could not be reached).
HOST is a directory (Unix socket) or an address.
"""
import os
import select
import socket
import struct
import sys


class Lost(Exception):
    pass


class Conn:
    def __init__(self, host, port, user, db):
        if host.startswith("/"):
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            target = os.path.join(host, ".s.PGSQL.%d" % port)
        else:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            target = (host, port)
        self.sock.settimeout(30)
        try:
            self.sock.connect(target)
        except OSError as e:
            raise Lost("could not connect: %s" % e)
        self.buf = b""
        params = b"".join(k.encode() + b"\0" + v.encode() + b"\0"
                          for k, v in (("user", user), ("database", db), ("application_name", "pmtest")))
        body = struct.pack("!I", 196608) + params + b"\0"
        self.send(struct.pack("!I", len(body) + 4) + body)
        self.pid = 0

    def send(self, data):
        try:
            self.sock.sendall(data)
        except OSError as e:
            raise Lost("send failed: %s" % e)

    def readable(self):
        return bool(self.buf)

    def message(self):
        """(type, body) of the next message; raises Lost at end of stream."""
        while True:
            if len(self.buf) >= 5:
                mtype = self.buf[0:1]
                length = struct.unpack("!I", self.buf[1:5])[0]
                if len(self.buf) >= 1 + length:
                    body = self.buf[5:1 + length]
                    self.buf = self.buf[1 + length:]
                    return mtype, body
            try:
                chunk = self.sock.recv(65536)
            except OSError as e:
                raise Lost("receive failed: %s" % e)
            if not chunk:
                raise Lost("server closed the connection")
            self.buf += chunk


def error_line(body):
    fields = {}
    for part in body.split(b"\0"):
        if part:
            fields[chr(part[0])] = part[1:].decode("utf-8", "replace")
    return "error %s %s" % (fields.get("C", "?????"), fields.get("M", ""))


def startup(conn):
    """None when the session is ready, else the failure's result line."""
    while True:
        mtype, body = conn.message()
        if mtype == b"E":
            return error_line(body)
        if mtype == b"R":
            code = struct.unpack("!I", body[:4])[0]
            if code == 3:
                pw = os.environ.get("PGPASSWORD", "").encode() + b"\0"
                conn.send(b"p" + struct.pack("!I", len(pw) + 4) + pw)
            elif code != 0:
                return "error 28000 authentication method %d is not supported by pmsession.py" % code
        elif mtype == b"K":
            conn.pid = struct.unpack("!I", body[:4])[0]
        elif mtype == b"Z":
            return None


def run_query(conn, sql):
    """The statement's result line, its rows, and why the connection was lost
    (None while it lives): a FATAL error comes before the close."""
    data = sql.encode() + b"\0"
    conn.send(b"Q" + struct.pack("!I", len(data) + 4) + data)
    first_error = None
    rows = []
    while True:
        try:
            mtype, body = conn.message()
        except Lost as e:
            return (first_error or "lost %s" % e), rows, str(e)
        if mtype == b"E" and first_error is None:
            first_error = error_line(body)
        elif mtype == b"D":
            n = struct.unpack("!H", body[:2])[0]
            at, values = 2, []
            for _ in range(n):
                size = struct.unpack("!i", body[at:at + 4])[0]
                at += 4
                values.append("" if size < 0 else body[at:at + size].decode("utf-8", "replace"))
                at += max(size, 0)
            rows.append("|".join(values))
        elif mtype == b"Z":
            return (first_error or "ok"), rows, None


def say(line):
    sys.stdout.write(line.replace("\n", " ") + "\n")
    sys.stdout.flush()


def once(host, port, user, db, sql):
    try:
        conn = Conn(host, port, user, db)
        failure = startup(conn)
        if failure:
            say(failure)
            return 1
        result, rows, _ = run_query(conn, sql)
    except Lost as e:
        say("lost %s" % e)
        return 1
    for r in rows:
        say(r)
    say(result)
    return 0 if result == "ok" else 1


def session(host, port, user, db):
    try:
        conn = Conn(host, port, user, db)
        failure = startup(conn)
    except Lost as e:
        failure = "lost %s" % e
    if failure:
        say(failure)
        conn = None
    else:
        say("connected %d" % conn.pid)
    stdin = sys.stdin.buffer
    pending = b""
    while True:
        watch = [stdin] + ([conn.sock] if conn else [])
        ready, _, _ = select.select(watch, [], [])
        if conn and conn.sock in ready:
            # Idle, and the server speaks: an error before it closes, or the close.
            try:
                mtype, body = conn.message()
                if mtype == b"E":
                    say(error_line(body))
            except Lost as e:
                say("lost %s" % e)
                conn = None
            continue
        chunk = os.read(stdin.fileno(), 65536)
        if not chunk:
            break
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            sql = line.decode("utf-8", "replace").strip()
            if sql == "close":
                if conn:
                    conn.send(b"X" + struct.pack("!I", 4))
                return 0
            if not conn:
                say("lost the session is not connected")
                continue
            try:
                result, _, lost = run_query(conn, sql)
            except Lost as e:
                result, lost = "lost %s" % e, str(e)
            say(result)
            if lost:
                if not result.startswith("lost"):
                    say("lost %s" % lost)
                conn = None
    return 0


def main(argv):
    if len(argv) == 7 and argv[1] == "once":
        return once(argv[2], int(argv[3]), argv[4], argv[5], argv[6])
    if len(argv) == 6 and argv[1] == "session":
        return session(argv[2], int(argv[3]), argv[4], argv[5])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
