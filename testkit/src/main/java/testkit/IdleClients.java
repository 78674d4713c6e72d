package testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.util.List;

/** Connections opened by {@link Clients#openIdle} that send nothing; closing this closes them all. */
public final class IdleClients implements AutoCloseable {

    private final List<Socket> sockets;

    IdleClients(List<Socket> sockets) {
        this.sockets = List.copyOf(sockets);
    }

    public int size() {
        return sockets.size();
    }

    /** The connections, for a test that wants to use or check one; reads time out (SO_TIMEOUT). */
    public List<Socket> sockets() {
        return sockets;
    }

    /** Closes every connection (an orderly FIN each), even if closing one fails. */
    @Override
    public void close() {
        UncheckedIOException failure = null;
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = new UncheckedIOException("closing idle connections", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
