"""Helper threads that leave the user's signals to the main thread.

The kernel may hand a process-wide signal such as Ctrl-C's SIGINT to any thread
that does not block it. Python's handler then only takes note, and a main thread
asleep in a read of the terminal is never woken: olenv would hang at a prompt.
A thread inherits its creator's signal mask, so helpers are started with these
signals blocked and every one of them reaches the main thread.
"""

import signal
import threading

USER_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT})


def start(target, *args) -> threading.Thread:
    """Start target(*args) in a daemon thread that never receives USER_SIGNALS."""
    thread = threading.Thread(target=target, args=args, daemon=True)
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, USER_SIGNALS)
    try:
        thread.start()
    finally:
        # A signal that came meanwhile was held, and is delivered here.
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    return thread
