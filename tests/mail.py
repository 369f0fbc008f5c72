"""A real SMTP server (aiosmtpd) on loopback that keeps what it receives, for tests."""

import email
import email.policy
import re
import socket
import threading
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    # aiosmtpd cannot bind port 0 (NOTES.md): ask the kernel for a free one first.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Handler:
    def __init__(self, box: "Mailbox"):
        self.box = box

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's name)
        if self.box.refuse or self.box.refuse_next > 0:
            self.box.refuse_next = max(0, self.box.refuse_next - 1)
            self.box.refused += 1
            return "451 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.box.lock:
            self.box.messages.append(message)
        return "250 Message accepted"


class Mailbox:
    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()
        self.refuse = False  # refuse every message
        self.refuse_next = 0  # refuse only the next N messages
        self.refused = 0
        self.port = free_port()
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()

    def stop(self):
        self.controller.stop()

    def clear(self):
        with self.lock:
            self.messages.clear()
        self.refuse = False
        self.refuse_next = 0
        self.refused = 0

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in m["To"].lower()]

    def wait_for(self, address: str, timeout: float = 10.0) -> EmailMessage:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address)
            if found:
                return found[-1]
            time.sleep(0.05)
        raise AssertionError(
            f"no email to {address} arrived; got {[m['To'] for m in self.messages]}"
        )


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def first_link(message: EmailMessage, contains: str = "") -> str:
    for url in re.findall(r"https?://\S+", text_of(message)):
        if contains in url:
            return url.rstrip(".,)")
    raise AssertionError(f"no link containing {contains!r} in:\n{text_of(message)}")
