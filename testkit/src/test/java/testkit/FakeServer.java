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
import java.util.function.Consumer;

/**
 * A chapter-like server to test the testkit against: one thread per
 * connection reads until the end of a request ("\n\n" or "\n\r\n"), replies
 * with the article's response and closes; it gives up at end of stream, on a
 * reset, or at a cap. In the test JVM it records what each connection sent
 * and how it ended (for the clients' tests); run as a program (for
 * ChapterProcess's tests) it stands in for a chapter's {@code workbook.Server}:
 * the same arguments, start-up line, printed requests, and exit code 2 on bad
 * arguments or a busy port.
 */
public final class FakeServer implements AutoCloseable {

    enum End { REQUEST, EOF, RESET, CAP }

    record Seen(byte[] bytes, End end) {
        String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    private final ServerSocketChannel server;
    private final int cap;
    private final Consumer<Seen> report;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    /** On 127.0.0.1, a free port. */
    FakeServer(int backlog, int cap) throws IOException {
        this(new InetSocketAddress("127.0.0.1", 0), backlog, cap, seen -> { });
    }

    private FakeServer(InetSocketAddress address, int backlog, int cap, Consumer<Seen> report) throws IOException {
        // IPv4 like the chapters (a plain ServerSocket would be an IPv6 dual-stack one).
        this.server = ServerSocketChannel.open(StandardProtocolFamily.INET).bind(address, backlog);
        this.cap = cap;
        this.report = report;
        daemon(this::acceptLoop);
    }

    /** {@code FakeServer [port [backlog]]}, as a chapter; prints each request as a chapter does. */
    public static void main(String[] args) throws IOException, InterruptedException {
        int port;
        int backlog;
        try {
            if (args.length > 2) {
                throw new IllegalArgumentException("too many arguments");
            }
            port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
            backlog = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        } catch (IllegalArgumentException e) {
            System.err.println("usage: FakeServer [port [backlog]]: " + e.getMessage());
            System.exit(2);
            return;
        }
        FakeServer fake = null;
        try {
            fake = new FakeServer(new InetSocketAddress("0.0.0.0", port), backlog, 64 * 1024, FakeServer::print);
        } catch (IOException e) {
            System.err.println("cannot listen on port " + port + ": " + e.getMessage());
            System.exit(2);
        }
        System.out.println("listening on 0.0.0.0:" + fake.port() + " (backlog " + backlog + ")");
        Thread.currentThread().join(); // serves on daemon threads until killed
    }

    private static void print(Seen seen) {
        if (seen.end() == End.REQUEST) {
            System.out.println(Article.DASHES + "\n" + new String(seen.bytes(), StandardCharsets.UTF_8));
        } else {
            System.err.println("hung up on after " + seen.bytes().length + " bytes, no complete request");
        }
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
        End end;
        try (connection) {
            end = read(connection.getInputStream(), request);
            if (end == End.REQUEST) {
                connection.getOutputStream().write(Article.RESPONSE);
            } // at the cap, closing with unread bytes queued makes the kernel send a RST
        } catch (IOException e) {
            end = End.RESET;
        }
        Seen s = new Seen(request.toByteArray(), end);
        seen.add(s);
        report.accept(s);
    }

    private End read(InputStream in, ByteArrayOutputStream request) throws IOException {
        byte[] buffer = new byte[4096];
        while (true) {
            int n = in.read(buffer, 0, Math.min(buffer.length, cap - request.size()));
            if (n < 0) {
                return End.EOF;
            }
            request.write(buffer, 0, n);
            String text = request.toString(StandardCharsets.ISO_8859_1);
            if (text.contains("\n\n") || text.contains("\n\r\n")) {
                return End.REQUEST;
            }
            if (request.size() >= cap) {
                return End.CAP;
            }
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
