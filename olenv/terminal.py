"""Prompts, menus and notices: on the controlling terminal, never on stdout.

stdout belongs to `eval "$(olenv export)"` and to credential_process JSON, so
everything a person reads or answers goes through /dev/tty. Without a
terminal, notices go to stderr and any question is a UsageError (exit 2):
olenv never waits for an answer nobody can give.
"""

import contextlib
import io
import itertools
import os
import sys
import threading

from olenv import background
from olenv.errors import UsageError


class Terminal:
    def __init__(self, path: str = "/dev/tty"):
        self._tty = None
        try:
            fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        except OSError:
            pass
        else:
            # Unbuffered bytes underneath: a tty cannot seek, which a buffered "r+" file needs.
            self._tty = io.TextIOWrapper(open(fd, "r+b", buffering=0), encoding="utf-8",
                                         errors="replace", line_buffering=True, write_through=True)
        self._lock = threading.Lock()

    @property
    def interactive(self) -> bool:
        return self._tty is not None

    @property
    def _out(self):
        return self._tty or sys.stderr

    def say(self, text: str = "") -> None:
        with self._lock:
            self._out.write(text + "\n")
            self._out.flush()

    def _need(self, what: str) -> None:
        if not self.interactive:
            raise UsageError(f"{what} is needed and there is no terminal to ask for it")

    def _readline(self, what: str) -> str:
        _wait_for_input(self._tty)
        line = self._tty.readline()
        if not line:
            raise UsageError(f"no answer for {what}: the terminal reached end of input")
        return line.rstrip("\r\n")

    def ask(self, prompt: str, what: str) -> str:
        """Ask a question; the answer is echoed."""
        self._need(what)
        with self._lock:
            self._tty.write(prompt)
            self._tty.flush()
            return self._readline(what).strip()

    def ask_secret(self, prompt: str, what: str) -> str:
        """Ask without echo; echo comes back even on Ctrl-C."""
        import termios

        self._need(what)
        fd = self._tty.fileno()
        with self._lock:
            old = termios.tcgetattr(fd)
            new = termios.tcgetattr(fd)
            new[3] &= ~termios.ECHO
            self._tty.write(prompt)
            self._tty.flush()
            try:
                termios.tcsetattr(fd, termios.TCSAFLUSH, new)
                return self._readline(what)
            finally:
                termios.tcsetattr(fd, termios.TCSAFLUSH, old)
                self._tty.write("\n")
                self._tty.flush()

    def choose(self, title: str, rows: list[str], what: str) -> int:
        """Show a numbered menu (1..n) and return the 0-based index chosen."""
        self._need(what)
        self.say(title)
        width = len(str(len(rows)))
        for number, row in enumerate(rows, 1):
            self.say(f"  {number:>{width}}) {row}")
        while True:
            answer = self.ask(f"Choose {what} [1-{len(rows)}]: ", what)
            if answer.isdigit() and 1 <= int(answer) <= len(rows):
                return int(answer) - 1
            self.say(f"Please type a number from 1 to {len(rows)}.")

    @contextlib.contextmanager
    def spinner(self, message: str):
        """A spinner on the terminal (or stderr) while the body waits."""
        out = self._out
        live = out.isatty()
        stop = threading.Event()

        def spin():
            for frame in itertools.cycle("|/-\\"):
                with self._lock:
                    out.write(f"\r{message} {frame}")
                    out.flush()
                if stop.wait(0.2):
                    break

        if live:
            thread = background.start(spin)
        else:
            self.say(message)
        try:
            yield
        finally:
            if live:
                stop.set()
                thread.join()
                with self._lock:
                    out.write("\r" + " " * (len(message) + 2) + "\r")
                    out.flush()

    def close(self) -> None:
        if self._tty is not None:
            self._tty.close()
            self._tty = None


def _wait_for_input(tty) -> None:
    """Wait for a line on the terminal in a way a Ctrl-C always ends.

    A signal that lands after Python's last check but before read() blocks is only
    noted, and read() sleeps on until Enter. With a wakeup pipe, select() sees such a
    signal either way, and its handler (KeyboardInterrupt) runs as select() returns.
    Only the main thread runs signal handlers and may set the pipe.
    """
    import select
    import signal

    if threading.current_thread() is not threading.main_thread() or not tty.isatty():
        return
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    previous = signal.set_wakeup_fd(wake_write, warn_on_full_buffer=False)
    try:
        while tty not in select.select([tty, wake_read], [], [])[0]:
            os.read(wake_read, 64)  # a signal whose handler did not raise: wait on
    finally:
        signal.set_wakeup_fd(previous)
        os.close(wake_read)
        os.close(wake_write)
