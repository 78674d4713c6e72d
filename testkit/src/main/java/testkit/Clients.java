package testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clients for a chapter's server on 127.0.0.1, polite and not: the whole
 * request at once, in pieces, silent, half-closed, reset, flooding, idle by
 * the hundred, many at once.
 *
 * <p>Every method takes a time limit that covers the whole call, connect
 * included. Running out of time throws an {@link AssertionError} saying what
 * did not happen and what had been received; other network errors (refused,
 * reset) are thrown as the {@link IOException} they are, so a test can expect them.
 *
 * <p>Requests must be at most {@link #MAX_REQUEST} bytes: the kernel's socket
 * buffers take that much at once, so writing it never blocks, even to a
 * server that does not read. Bigger payloads are {@link #flood}'s job.
 */
public final class Clients {

    /** The largest request the exchange methods accept (see the class comment). */
    public static final int MAX_REQUEST = 64 * 1024;

    private static final String HOST = "127.0.0.1";

    /** What {@link #flood} sends first; then only 'A's, never a line end. */
    private static final byte[] FLOOD_START = Article.ascii("GET /");

    private Clients() {
    }

    /** Sends {@code request} in one write and returns everything the server sends until it closes. */
    public static byte[] exchange(int port, byte[] request, Duration limit) throws IOException {
        return exchangeInSegments(port, request, 1, limit);
    }

    /**
     * As {@link #exchange}, in {@code pieces} writes of nearly equal size, with TCP_NODELAY so
     * that each leaves at once as its own segment ({@code request.length} pieces: one byte each).
     * The request's end ("\n\r\n") may be split between pieces: a server must look for it in
     * everything received so far, not in the last read. (A server slower than the client may
     * still find several pieces in one read.)
     */
    public static byte[] exchangeInSegments(int port, byte[] request, int pieces, Duration limit) throws IOException {
        if (pieces < 1 || pieces > Math.max(1, request.length)) {
            throw new IllegalArgumentException(pieces + " pieces of a " + request.length + "-byte request");
        }
        Deadline deadline = Deadline.after(limit);
        try (Socket socket = connect(new Socket(), port, deadline)) {
            socket.setTcpNoDelay(true);
            write(socket, request, pieces);
            return readToEnd(socket, deadline);
        }
    }

    /**
     * A connected socket, for tests that script the conversation themselves; the caller
     * closes it. Connecting waits at most {@code limit}, and so does each read (SO_TIMEOUT);
     * for a bound on a whole reply use {@link #readToEnd}.
     */
    public static Socket connect(int port, Duration limit) throws IOException {
        return connect(new Socket(), port, Deadline.after(limit));
    }

    /**
     * Reads until the server closes the connection, in {@code limit} in all (not per read: a
     * server dribbling a byte a second would keep SO_TIMEOUT from ever firing).
     *
     * @throws AssertionError on timeout, showing what had arrived
     */
    public static byte[] readToEnd(Socket socket, Duration limit) throws IOException {
        return readToEnd(socket, Deadline.after(limit));
    }

    /** Connects and closes without sending anything: the server's first read returns end of stream. */
    public static void silentConnectAndClose(int port, Duration limit) throws IOException {
        connect(port, limit).close();
    }

    /**
     * Sends {@code partial} (a request without its end), then shuts down the sending side (a
     * FIN: "nothing more is coming") and reads until the server closes. The server should give
     * up on the request and close: expect an empty result.
     */
    public static byte[] halfClose(int port, byte[] partial, Duration limit) throws IOException {
        Deadline deadline = Deadline.after(limit);
        try (Socket socket = connect(new Socket(), port, deadline)) {
            write(socket, partial, 1);
            socket.shutdownOutput();
            return readToEnd(socket, deadline);
        }
    }

    /**
     * Sends {@code bytes}, then closes with SO_LINGER 0, which makes the kernel abort the
     * connection with a RST instead of the orderly FIN. The server's next read or write fails
     * with ECONNRESET ("Connection reset by peer"), which must close that connection and nothing else.
     */
    public static void resetAfter(int port, byte[] bytes, Duration limit) throws IOException {
        try (Socket socket = connect(port, limit)) {
            write(socket, bytes, 1);
            socket.setSoLinger(true, 0);
        }
    }

    /**
     * Streams "GET /" and then 'A's, never a request end, until the server cuts the connection off
     * or {@code maxBytes} are sent; then listens for the server's verdict until {@code limit} (the
     * kernel's buffers hold megabytes: the last write goes out long before the server has read to its
     * cap). Non-blocking, since SO_TIMEOUT cannot bound a blocking write: its only wait is select.
     */
    public static FloodResult flood(int port, int maxBytes, Duration limit) throws IOException {
        Deadline deadline = Deadline.after(limit);
        try (SocketChannel channel = SocketChannel.open(); Selector selector = Selector.open()) {
            connect(channel.socket(), port, deadline);
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
            ByteBuffer out = ByteBuffer.allocate(64 * 1024).limit(0);
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            long sent = 0;
            long received = 0;
            while (!deadline.expired()) {
                if (!out.hasRemaining() && sent < maxBytes) {
                    fillFloodChunk(out, sent, maxBytes);
                }
                int interest = out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
                key.interestOps(interest);
                if (selector.select(deadline.remainingMillisAtLeastOne()) == 0) {
                    continue;
                }
                selector.selectedKeys().clear();
                try {
                    // Read first: a FIN from the server is the verdict, whatever a write would say.
                    if (key.isReadable()) {
                        int n = channel.read(in.clear());
                        if (n < 0) {
                            return new FloodResult(sent, received, FloodResult.CutOff.EOF);
                        }
                        received += n;
                    }
                    if (key.isWritable()) {
                        sent += channel.write(out);
                    }
                } catch (IOException resetOrBrokenPipe) {
                    return new FloodResult(sent, received, FloodResult.CutOff.RESET);
                }
            }
            return new FloodResult(sent, received, FloodResult.CutOff.NONE);
        }
    }

    /** Refills {@code out} with the flood's bytes from offset {@code sent} on. */
    private static void fillFloodChunk(ByteBuffer out, long sent, long maxBytes) {
        out.clear().limit((int) Math.min(out.capacity(), maxBytes - sent));
        for (long at = sent; out.hasRemaining(); at++) {
            out.put(at < FLOOD_START.length ? FLOOD_START[(int) at] : (byte) 'A');
        }
        out.flip();
    }

    /**
     * Opens {@code n} connections that send nothing and stay open until the result is closed, each
     * once the accept queue is empty again: all at once would overflow a small backlog, and the kernel
     * would retry the dropped handshakes only after 1, 3, 7... seconds. Fails if the server does not
     * accept them all within {@code limit}.
     */
    public static IdleClients openIdle(int port, int n, Duration limit) throws IOException {
        Deadline deadline = Deadline.after(limit);
        List<Socket> sockets = new ArrayList<>(n);
        try {
            while (sockets.size() < n) {
                // connect() returns once the handshake is done: the connection is now in the accept queue.
                sockets.add(connect(new Socket(), port, deadline));
                Await.until(() -> Proc.acceptQueueLength(port) == 0, deadline,
                        () -> "the server on port " + port + " to accept idle connection "
                                + sockets.size() + " of " + n);
            }
            return new IdleClients(sockets);
        } catch (IOException | RuntimeException | Error e) {
            try {
                new IdleClients(sockets).close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * The replies to {@code clients} exchanges of {@code request} started at the same moment, one
     * thread each released by a latch, so their connects overlap (the backlog must hold them all).
     * Fails if any client fails or they are not all done within {@code limit}.
     */
    public static List<byte[]> concurrent(int port, int clients, byte[] request, Duration limit) {
        Deadline deadline = Deadline.after(limit);
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients, task -> {
            Thread thread = new Thread(task, "client-" + threadNumber.incrementAndGet());
            thread.setDaemon(true); // a stuck client never keeps the test JVM alive
            return thread;
        });
        try {
            CountDownLatch allReady = new CountDownLatch(clients);
            List<Future<byte[]>> replies = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                replies.add(pool.submit(() -> {
                    allReady.countDown();
                    allReady.await(); // bounded: shutdownNow() below interrupts it
                    return exchange(port, request, limit);
                }));
            }
            Await.until(() -> replies.stream().allMatch(Future::isDone), deadline,
                    () -> replies.stream().filter(Future::isDone).count() + " of " + clients
                            + " concurrent clients were done, waiting for all");
            List<byte[]> result = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                try {
                    result.add(replies.get(i).get()); // done: does not wait
                } catch (ExecutionException e) {
                    throw new AssertionError("concurrent client " + (i + 1) + " of " + clients + " failed: "
                            + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
            return result;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Connects an unconnected {@code socket} (a plain one, or a channel's for flood); closes it on failure. */
    private static Socket connect(Socket socket, int port, Deadline deadline) throws IOException {
        try {
            socket.connect(new InetSocketAddress(HOST, port), deadline.remainingMillisAtLeastOne());
            socket.setSoTimeout(deadline.remainingMillisAtLeastOne());
            return socket;
        } catch (SocketTimeoutException e) {
            socket.close();
            throw deadline.timedOut("connecting to " + HOST + ":" + port
                    + " (accept queue full? the server not accepting?)", e);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Writes {@code bytes} in {@code pieces} write calls; an unbuffered socket stream sends each at once. */
    private static void write(Socket socket, byte[] bytes, int pieces) throws IOException {
        if (bytes.length > MAX_REQUEST) {
            throw new IllegalArgumentException(bytes.length + " bytes: more than MAX_REQUEST; use flood");
        }
        OutputStream out = socket.getOutputStream();
        for (int i = 0; i < pieces; i++) {
            int from = (int) ((long) i * bytes.length / pieces);
            int to = (int) ((long) (i + 1) * bytes.length / pieces);
            out.write(bytes, from, to - from);
        }
    }

    private static byte[] readToEnd(Socket socket, Deadline deadline) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            while (!deadline.expired()) {
                socket.setSoTimeout(deadline.remainingMillisAtLeastOne());
                int n = socket.getInputStream().read(buffer);
                if (n < 0) {
                    return received.toByteArray();
                }
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException timedOut) {
            // reported below
        }
        throw deadline.timedOut("waiting for port " + socket.getPort() + " to close the connection; received "
                + received.size() + " bytes: " + printable(received.toByteArray()), null);
    }

    /** Bytes for a message: ASCII as is, CR and LF escaped, anything else as \xNN; at most 300 bytes. */
    public static String printable(byte[] bytes) {
        StringBuilder text = new StringBuilder("\"");
        for (int i = 0; i < Math.min(bytes.length, 300); i++) {
            int b = bytes[i] & 0xff;
            if (b == '\r') {
                text.append("\\r");
            } else if (b == '\n') {
                text.append("\\n");
            } else if (b >= 0x20 && b < 0x7f && b != '\\') {
                text.append((char) b);
            } else {
                text.append(String.format("\\x%02x", b));
            }
        }
        return text.append(bytes.length > 300 ? "\"..." : "\"").toString();
    }
}
