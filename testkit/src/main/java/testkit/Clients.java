package testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Clients for a chapter's server on 127.0.0.1, polite and not. A time limit covers the whole call, connect included,
 * then an AssertionError says what did not happen and what arrived; refused or reset, a test gets the IOException.
 */
public final class Clients {

    private static final int MAX_REQUEST = 64 * 1024; // socket buffers take it at once, even unread (more: flood)

    private Clients() {}

    /** Sends {@code request} in one write and returns everything the server sends until it closes. */
    public static byte[] exchange(int port, byte[] request, Duration limit) throws IOException {
        return send(port, request, 1, Then.READ, Deadline.after(limit));
    }

    /**
     * As {@link #exchange}, in {@code pieces} writes with TCP_NODELAY, each its own segment: the request's end
     * ("\n\r\n") may be split between them, so a server must look for it in all it has, not in its last read.
     */
    public static byte[] exchangeInSegments(int port, byte[] request, int pieces, Duration limit) throws IOException {
        return send(port, request, pieces, Then.READ, Deadline.after(limit));
    }

    /** Sends {@code partial}, then a FIN ("nothing more is coming"): the server should close without a reply. */
    public static byte[] halfClose(int port, byte[] partial, Duration limit) throws IOException {
        return send(port, partial, 1, Then.FIN_AND_READ, Deadline.after(limit));
    }

    /** Sends {@code bytes}, then closes with SO_LINGER 0: a RST, so the server's next read or write gets ECONNRESET. */
    public static void resetAfter(int port, byte[] bytes, Duration limit) throws IOException {
        send(port, bytes, 1, Then.RESET, Deadline.after(limit));
    }

    private enum Then { READ, FIN_AND_READ, RESET }

    private static byte[] send(int port, byte[] bytes, int pieces, Then then, Deadline deadline) throws IOException {
        if (pieces < 1 || pieces > Math.max(1, bytes.length) || bytes.length > MAX_REQUEST) {
            throw new IllegalArgumentException(pieces + " pieces of a " + bytes.length + "-byte request (at most "
                    + MAX_REQUEST + " bytes: more is a flood)");
        }
        try (Socket socket = connect(new Socket(), port, deadline)) {
            socket.setTcpNoDelay(true);
            for (int i = 0; i < pieces; i++) { // an unbuffered stream: each write is sent at once
                int from = (int) ((long) i * bytes.length / pieces);
                socket.getOutputStream().write(bytes, from, (int) ((long) (i + 1) * bytes.length / pieces) - from);
            }
            if (then == Then.RESET) socket.setSoLinger(true, 0);
            if (then == Then.FIN_AND_READ) socket.shutdownOutput();
            return then == Then.RESET ? null : readToEnd(socket, deadline);
        }
    }

    /** A socket for a test that scripts the conversation (it closes it): connect and each read wait {@code limit}. */
    public static Socket connect(int port, Duration limit) throws IOException {
        return connect(new Socket(), port, Deadline.after(limit));
    }

    /** Reads until the server closes, in {@code limit} in all: SO_TIMEOUT alone would let a dribbling server on. */
    public static byte[] readToEnd(Socket socket, Duration limit) throws IOException {
        return readToEnd(socket, Deadline.after(limit));
    }

    /**
     * Streams "GET /" then 'A's, no request end, until the server cuts it off or {@code limit} passes (after
     * {@code maxBytes} it awaits the verdict: buffers hold megabytes). Non-blocking: SO_TIMEOUT can't bound a write.
     */
    public static FloodResult flood(int port, int maxBytes, Duration limit) throws IOException {
        Deadline deadline = Deadline.after(limit);
        byte[] chunk = Article.ascii("GET /" + "A".repeat(64 * 1024)); // "GET /" first, then only 'A's: from 5 on
        try (SocketChannel channel = SocketChannel.open(); Selector selector = Selector.open()) {
            connect(channel.socket(), port, deadline);
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
            ByteBuffer out = ByteBuffer.allocate(0);
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            long sent = 0;
            long received = 0;
            while (!deadline.expired()) {
                if (!out.hasRemaining() && sent < maxBytes) {
                    out = ByteBuffer.wrap(chunk, sent == 0 ? 0 : 5, (int) Math.min(64 * 1024, maxBytes - sent));
                }
                key.interestOps(SelectionKey.OP_READ | (out.hasRemaining() ? SelectionKey.OP_WRITE : 0));
                if (selector.select(deadline.remainingMillisAtLeastOne()) == 0) continue;
                selector.selectedKeys().clear();
                try {
                    // Read first: a FIN from the server is the verdict, whatever a write would say.
                    int n = key.isReadable() ? channel.read(in.clear()) : 0;
                    if (n < 0) return new FloodResult(sent, received, FloodResult.CutOff.EOF);
                    received += n;
                    sent += key.isWritable() ? channel.write(out) : 0;
                } catch (IOException resetOrBrokenPipe) {
                    return new FloodResult(sent, received, FloodResult.CutOff.RESET);
                }
            }
            return new FloodResult(sent, received, FloodResult.CutOff.NONE);
        }
    }

    /**
     * Opens {@code n} connections that send nothing, each once the accept queue is empty again: all at once would
     * overflow a small backlog, and the kernel would retry the dropped handshakes only after 1, 3, 7... seconds.
     */
    public static IdleClients openIdle(int port, int n, Duration limit) throws IOException {
        Deadline deadline = Deadline.after(limit);
        IdleClients idle = new IdleClients(new ArrayList<>(n));
        try {
            while (idle.size() < n) {
                idle.sockets().add(connect(new Socket(), port, deadline)); // handshake done: now in the accept queue
                Await.until(() -> Proc.acceptQueueLength(port) == 0, deadline,
                        () -> "the server on port " + port + " to accept idle connection " + idle.size() + " of " + n);
            }
            return new IdleClients(List.copyOf(idle.sockets()));
        } catch (Throwable e) {
            try (idle) { // closes those opened; a failure to close one is added to e as suppressed
                throw e;
            }
        }
    }

    /** The replies to {@code clients} exchanges released together by a latch: their connects overlap in the backlog. */
    public static List<byte[]> concurrent(int port, int clients, byte[] request, Duration limit) {
        Deadline deadline = Deadline.after(limit);
        CountDownLatch allReady = new CountDownLatch(clients);
        var pool = Executors.newFixedThreadPool(clients); // a thread each: the latch opens at once
        try {
            // Every wait of every client shares the deadline, so all are done within it (and no thread outlives us).
            var futures = IntStream.rangeClosed(1, clients).mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                try {
                    allReady.countDown();
                    allReady.await(deadline.remainingNanos(), TimeUnit.NANOSECONDS); // late? send times out
                    return send(port, request, 1, Then.READ, deadline);
                } catch (Throwable e) {
                    throw new AssertionError("concurrent client " + i + " of " + clients + " failed: " + e, e);
                }
            }, pool)).toList(); // all submitted before the first join: each waits for all at the latch
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).exceptionally(failed -> null).join();
            return futures.stream().map(CompletableFuture::join).toList();
        } catch (CompletionException e) {
            throw (AssertionError) e.getCause(); // the first client's failure, in order
        } finally {
            pool.shutdownNow();
        }
    }

    /** Connects an unconnected {@code socket} (a plain one, or a channel's for flood); closes it on failure. */
    private static Socket connect(Socket socket, int port, Deadline deadline) throws IOException {
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), deadline.remainingMillisAtLeastOne());
            socket.setSoTimeout(deadline.remainingMillisAtLeastOne());
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            if (!(e instanceof SocketTimeoutException)) throw e;
            throw deadline.timedOut("connecting to port " + port + " (accept queue full? server not accepting?)", e);
        }
    }

    private static byte[] readToEnd(Socket socket, Deadline deadline) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            while (!deadline.expired()) {
                socket.setSoTimeout(deadline.remainingMillisAtLeastOne());
                int n = socket.getInputStream().read(buffer);
                if (n < 0) return received.toByteArray();
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException reportedBelow) {
        }
        throw deadline.timedOut("waiting for port " + socket.getPort() + " to close the connection; received "
                + received.size() + " bytes: " + printable(received.toByteArray()), null);
    }

    /** Bytes for a message: ASCII as is, CR and LF escaped, anything else as \xNN; at most 300 bytes. */
    public static String printable(byte[] bytes) {
        return IntStream.range(0, Math.min(bytes.length, 300)).map(i -> bytes[i] & 0xff)
                .mapToObj(b -> b == '\r' ? "\\r" : b == '\n' ? "\\n"
                        : b >= 0x20 && b < 0x7f && b != '\\' ? String.valueOf((char) b) : String.format("\\x%02x", b))
                .collect(Collectors.joining("", "\"", bytes.length > 300 ? "\"..." : "\""));
    }
}
