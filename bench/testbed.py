"""moto's STS server on 127.0.0.1 for the benchmarks, as the tests start it."""

import contextlib
import logging


@contextlib.contextmanager
def moto_sts():
    """Yields the server's base URL, for AWS_ENDPOINT_URL_STS."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # a line per STS request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()
