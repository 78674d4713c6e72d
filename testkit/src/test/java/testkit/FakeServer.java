package testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A chapter-like server inside the test JVM, to test the clients against:
 * one thread per connection reads until the end of a request ("\n\n" or
 * "\n\r\n"), replies with the article's response and closes; it gives up
 * at end of stream, on a reset, or at a cap. It records what each connection
 * sent and how it ended.
 */
final class FakeServer implements AutoCloseable {

    enum End { REQUEST, EOF, RESET, CAP }

    record Seen(byte[] bytes, End end) {
        String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    private final ServerSocketChannel server;
    private final int cap;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    FakeServer(int backlog, int cap) throws IOException {
        // IPv4 like the chapters (a plain ServerSocket would be an IPv6 dual-stack one).
        this.server = ServerSocketChannel.open(StandardProtocolFamily.INET)
                .bind(new InetSocketAddress("127.0.0.1", 0), backlog);
        this.cap = cap;
        daemon(this::acceptLoop);
    }

    int port() {
        return server.socket().getLocalPort();
    }

    int accepted() {
        return connections.size();
    }

    /** Waits until {@code n} connections have ended, and returns the n-th. */
    Seen awaitSeen(int n) {
        Await.until(() -> seen.size() >= n, Duration.ofSeconds(5), () -> n + " connections to end; saw " + seen);
        return seen.get(n - 1);
    }

    List<Seen> seen() {
        return seen;
    }

    private void acceptLoop() {
        while (true) {
            Socket connection;
            try {
                connection = server.accept().socket();
            } catch (IOException closed) {
                return;
            }
            connections.add(connection);
            daemon(() -> serve(connection));
        }
    }

    private void serve(Socket connection) {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        try (connection) {
            InputStream in = connection.getInputStream();
            byte[] buffer = new byte[4096];
            while (true) {
                int n = in.read(buffer, 0, Math.min(buffer.length, cap - request.size()));
                if (n < 0) {
                    seen.add(new Seen(request.toByteArray(), End.EOF));
                    return;
                }
                request.write(buffer, 0, n);
                String text = request.toString(StandardCharsets.ISO_8859_1);
                if (text.contains("\n\n") || text.contains("\n\r\n")) {
                    connection.getOutputStream().write(Article.RESPONSE);
                    seen.add(new Seen(request.toByteArray(), End.REQUEST));
                    return;
                }
                if (request.size() >= cap) {
                    seen.add(new Seen(request.toByteArray(), End.CAP));
                    return; // closing with unread bytes queued makes the kernel send a RST
                }
            }
        } catch (IOException e) {
            seen.add(new Seen(request.toByteArray(), End.RESET));
        }
    }

    private static void daemon(Runnable task) {
        Thread thread = new Thread(task, "fake-server");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        try {
            server.close();
            for (Socket connection : connections) {
                connection.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
