#!/usr/bin/python3
"""A real SMTP server for the tests: aiosmtpd (Debian's python3-aiosmtpd).

Listens on 127.0.0.1 on a free port, prints `READY <port>` on stdout, then
one JSON line `{"mail": "<message as received>"}` per delivered message.
Exits when its standard input closes (the test that started it is gone).
"""
import json
import socket
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    async def handle_DATA(self, server, session, envelope):
        text = envelope.original_content or envelope.content
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="replace")
        sys.stdout.write(json.dumps({"mail": text}) + "\n")
        sys.stdout.flush()
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    sys.stdout.write(f"READY {port}\n")
    sys.stdout.flush()
    done = threading.Event()

    def watch_stdin():
        sys.stdin.read()
        done.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    done.wait()
    controller.stop()


if __name__ == "__main__":
    main()
