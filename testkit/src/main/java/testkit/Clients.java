package testkit;

import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;

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
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Clients for a chapter's server on 127.0.0.1, polite and not. Each time limit covers the whole call,
 * connect included; running out of it throws an {@link AssertionError} saying what did not happen and
 * what had been received, while other network errors (refused, reset) are thrown as the
 * {@link IOException} they are, so that a test can expect them.
 */
public final class Clients {

    /** The largest request: socket buffers take it at once, even for a server that does not read (more: flood). */
    public static final int MAX_REQUEST = 64 * 1024;

    private static final String HOST = "127.0.0.1";

    private Clients() {
    }

    /** Sends {@code request} in one write and returns everything the server sends until it closes. */
    public static byte[] exchange(int port, byte[] request, Duration limit) throws IOException {
        return exchangeInSegments(port, request, 1, limit);
    }

    /**
     * As {@link #exchange}, in {@code pieces} writes with TCP_NODELAY, each its own segment: the request's end
     * ("\n\r\n") may be split between them, so a server must look for it in all it has, not in its last read.
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

    /** A socket for a test that scripts the conversation (it closes it): connect and each read wait {@code limit}. */
    public static Socket connect(int port, Duration limit) throws IOException {
        return connect(new Socket(), port, Deadline.after(limit));
    }

    /** Reads until the server closes, in {@code limit} in all: SO_TIMEOUT alone would let a dribbling server on. */
    public static byte[] readToEnd(Socket socket, Duration limit) throws IOException {
        return readToEnd(socket, Deadline.after(limit));
    }

    /** Sends {@code partial}, then a FIN ("nothing more is coming"): the server should close without a reply. */
    public static byte[] halfClose(int port, byte[] partial, Duration limit) throws IOException {
        Deadline deadline = Deadline.after(limit);
        try (Socket socket = connect(new Socket(), port, deadline)) {
            write(socket, partial, 1);
            socket.shutdownOutput();
            return readToEnd(socket, deadline);
        }
    }

    /** Sends {@code bytes}, then closes with SO_LINGER 0: a RST, so the server's next read or write gets ECONNRESET. */
    public static void resetAfter(int port, byte[] bytes, Duration limit) throws IOException {
        try (Socket socket = connect(port, limit)) {
            write(socket, bytes, 1);
            socket.setSoLinger(true, 0);
        }
    }

    /**
     * Streams "GET /" and then 'A's, never a request end, until the server cuts the connection off or
     * {@code maxBytes} are sent; then listens for the server's verdict until {@code limit} (the kernel's buffers
     * hold megabytes). Non-blocking, since SO_TIMEOUT cannot bound a blocking write: its only wait is select.
     */
    public static FloodResult flood(int port, int maxBytes, Duration limit) throws IOException {
        Deadline deadline = Deadline.after(limit);
        byte[] first = Article.ascii("GET /" + "A".repeat(64 * 1024 - 5));
        byte[] more = Article.ascii("A".repeat(64 * 1024));
        try (SocketChannel channel = SocketChannel.open(); Selector selector = Selector.open()) {
            connect(channel.socket(), port, deadline);
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, OP_READ);
            ByteBuffer out = ByteBuffer.allocate(0);
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            long sent = 0;
            long received = 0;
            while (!deadline.expired()) {
                if (!out.hasRemaining() && sent < maxBytes) {
                    out = ByteBuffer.wrap(sent == 0 ? first : more, 0, (int) Math.min(more.length, maxBytes - sent));
                }
                key.interestOps(out.hasRemaining() ? OP_READ | OP_WRITE : OP_READ);
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

    /**
     * Opens {@code n} connections that send nothing, each once the accept queue is empty again: all at once
     * would overflow a small backlog, and the kernel would retry the dropped handshakes only after 1, 3, 7...
     * seconds. Fails if the server does not accept them all within {@code limit}.
     */
    public static IdleClients openIdle(int port, int n, Duration limit) throws IOException {
        Deadline deadline = Deadline.after(limit);
        List<Socket> sockets = new ArrayList<>(n);
        try {
            while (sockets.size() < n) {
                // connect() returns once the handshake is done: the connection is now in the accept queue.
                sockets.add(connect(new Socket(), port, deadline));
                Await.until(() -> Proc.acceptQueueLength(port) == 0, deadline,
                        () -> "the server on port " + port + " to accept idle connection " + sockets.size()
                                + " of " + n);
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

    /** The replies to {@code clients} exchanges released together by a latch: their connects overlap in the backlog. */
    public static List<byte[]> concurrent(int port, int clients, byte[] request, Duration limit) {
        Deadline deadline = Deadline.after(limit);
        ExecutorService pool = Executors.newFixedThreadPool(clients, task -> {
            Thread thread = new Thread(task);
            thread.setDaemon(true); // a stuck client never keeps the test JVM alive
            return thread;
        });
        try {
            CountDownLatch allReady = new CountDownLatch(clients);
            Callable<byte[]> client = () -> {
                allReady.countDown();
                allReady.await(); // bounded: invokeAll cancels, so interrupts, what outlasts the limit
                return exchange(port, request, limit);
            };
            List<Future<byte[]>> replies = pool.invokeAll(Collections.nCopies(clients, client), limit.toNanos(),
                    TimeUnit.NANOSECONDS);
            long done = replies.stream().filter(reply -> !reply.isCancelled()).count();
            if (done < clients) {
                throw deadline.timedOut("waiting for " + done + " of " + clients
                        + " concurrent clients were done, waiting for all", null);
            }
            List<byte[]> result = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                try {
                    result.add(replies.get(i).get()); // done: does not wait
                } catch (ExecutionException e) {
                    throw new AssertionError("concurrent client " + (i + 1) + " of " + clients + " failed: "
                            + e.getCause(), e.getCause());
                }
            }
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
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
            text.append(b == '\r' ? "\\r" : b == '\n' ? "\\n"
                    : b >= 0x20 && b < 0x7f && b != '\\' ? String.valueOf((char) b) : String.format("\\x%02x", b));
        }
        return text.append(bytes.length > 300 ? "\"..." : "\"").toString();
    }
}
