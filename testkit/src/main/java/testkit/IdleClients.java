package testkit;

import java.io.IOException;
import java.net.Socket;
import java.util.List;

/** Idle connections from {@link Clients#openIdle} (reads time out); close sends a FIN on each, even if one fails. */
public record IdleClients(List<Socket> sockets) implements AutoCloseable {

    public int size() {
        return sockets.size();
    }

    @Override
    public void close() throws IOException {
        IOException failure = new IOException("closing idle connections");
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
        if (failure.getSuppressed().length > 0) throw failure;
    }
}
