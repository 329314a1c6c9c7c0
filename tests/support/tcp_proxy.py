"""A TCP proxy on loopback between a process under test and a real server, which a test can cut.

Real sockets both ways: the process connects to the proxy's port, the proxy to the server.
`cut` severs every open connection and turns new ones away until `restore` (the server went
away for a while, as the process sees it); `drop_connections` only severs what is open (a blip:
reconnecting works at once).
"""

from __future__ import annotations

import socket
import threading

# Bytes moved per read: the size of a typical socket buffer.
CHUNK_SIZE = 65536


class TcpProxy:
    def __init__(self, target_host: str, target_port: int):
        self._target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._refusing = threading.Event()
        self._closed = False
        threading.Thread(
            target=self._accept_forever, daemon=True, name=f"tcp-proxy-{self.port}"
        ).start()

    def __enter__(self) -> "TcpProxy":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def cut(self) -> None:
        """Sever every open connection and turn new ones away until `restore`."""
        with self._lock:
            self._refusing.set()
        self.drop_connections()

    def restore(self) -> None:
        """Let connections through again."""
        self._refusing.clear()

    def drop_connections(self) -> None:
        """Sever every open connection; new ones still go through."""
        with self._lock:
            sockets, self._open = self._open, set()
        for sock in sockets:
            _shut(sock)

    def close(self) -> None:
        self._closed = True
        _shut(self._listener)
        self.drop_connections()

    def _accept_forever(self) -> None:
        while not self._closed:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            if self._refusing.is_set():
                _shut(client)
                continue
            try:
                upstream = socket.create_connection(self._target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _shut(client)
                continue
            with self._lock:
                # A connection accepted while `cut` ran would otherwise outlive the cut.
                admitted = not self._refusing.is_set()
                if admitted:
                    self._open.update((client, upstream))
            if not admitted:
                _shut(client)
                _shut(upstream)
                continue
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(CHUNK_SIZE):
                sink.sendall(data)
        except OSError:
            pass
        with self._lock:
            self._open.difference_update((source, sink))
        _shut(source)
        _shut(sink)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
