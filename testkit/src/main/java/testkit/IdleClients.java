package testkit;

import java.io.IOException;
import java.net.Socket;
import java.util.List;

/** Connections opened by {@link Clients#openIdle} that send nothing (reads time out); closing this closes them all. */
public record IdleClients(List<Socket> sockets) implements AutoCloseable {

    public int size() {
        return sockets.size();
    }

    /** Closes every connection (an orderly FIN each), even if closing one fails. */
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
