package workbook.epoll;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random sequences of calls, many with bad arguments, thrown at the binding
 * on a thread with a small stack, under -Xcheck:jni (Surefire's argLine):
 * closed and never-opened descriptors, negative and huge sizes, unknown
 * options and masks, use after close, calls in the wrong socket state, odd
 * timeouts and event counts. Every call must succeed or throw what the
 * binding documents (an {@link ErrnoException}, an IllegalArgumentException
 * for a bad argument, a NullPointerException for a null one); the JVM must
 * survive; no socket or epoll descriptor may leak. Fixed seed, bounded count.
 *
 * <p>Raw descriptor numbers go only to calls that look (epoll_ctl, poll,
 * select): a raw number may be one the JVM owns, and closing or
 * changing it would break the JVM, not the binding. (LinuxSocket cannot be
 * made from a raw number, so its calls only ever see its own descriptor.)
 *
 * <p>Nothing may block: every socket is made non-blocking before anything
 * else is done with it, positive timeouts are tiny, and a negative ("wait
 * forever") timeout is used only while an always-ready descriptor, the
 * doorbell, is watched.
 */
@Timeout(60)
class BindingFuzzTest {
    private static final long SEED = 20_251_011L;
    private static final int CALLS = 20_000;
    /** Small, but enough for the JVM's own frames: HotSpot's minimum on x86_64 is about 136 KiB. */
    private static final long SMALL_STACK = 256 * 1024;
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @Test
    void randomCallsWithBadArgumentsEitherWorkOrThrowWhatTheyDocument() throws Exception {
        // The JDK keeps a descriptor for itself from its first network call on (a socket pair, one end
        // closed, that it uses to close sockets under other threads): a first exchange opens it before counting.
        try (Connection warmUp = Connection.open(); SocketChannel channel = SocketChannel.open()) {
            warmUp.clientSends(1);
        }
        Map<Integer, String> before = socketAndEpollDescriptors();
        Fuzz fuzz = new Fuzz(new Random(SEED));
        AtomicReference<Throwable> broke = new AtomicReference<>();
        Thread thread = new Thread(null, () -> {
            try {
                fuzz.run(CALLS);
            } catch (Throwable t) {
                broke.set(t);
            }
        }, "fuzz", SMALL_STACK);
        thread.setDaemon(true); // a call stuck in the kernel must not keep the test JVM alive
        thread.start();
        thread.join(LIMIT.toMillis());
        assertThat(thread.isAlive()).as("the fuzz is done within %s (a call blocked?); last calls:\n%s",
                LIMIT, fuzz.recent()).isFalse();
        if (broke.get() != null) {
            throw new AssertionError("the fuzz could not go on; last calls:\n" + fuzz.recent(), broke.get());
        }
        assertThat(fuzz.undocumented()).as("calls that threw what they do not document").isEmpty();
        assertThat(fuzz.outcomes()).as("outcomes per call").containsKey("recv ok").containsKey("poll ok");
        assertThat(socketAndEpollDescriptors()).as("sockets and epoll instances open, after as before")
                .isEqualTo(before);
    }

    /**
     * The descriptors the binding could leak: sockets and anonymous inodes
     * (epoll instances), with what they point at. Files the JVM opens for
     * itself (jars, say) do not count.
     */
    static Map<Integer, String> socketAndEpollDescriptors() throws IOException {
        Map<Integer, String> open = new TreeMap<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:") || target.startsWith("anon_inode:")) {
                        open.put(Integer.parseInt(fd.getFileName().toString()), target);
                    }
                } catch (IOException closedMeanwhile) {
                    // the listing's own descriptor, gone by now
                }
            }
        }
        return open;
    }

    /** The calls and the state they act on. Runs on the small-stack thread. */
    static final class Fuzz {
        private static final int[] SIZES = {-5, -1, 0, 1, 1024, 65_536, 65_537, 1 << 20, Integer.MAX_VALUE,
            Integer.MIN_VALUE};
        private static final int[] RAW_FDS = {-1, -5, 0, 1, 2, 1023, 1024, 65_535, 1 << 20, Integer.MAX_VALUE,
            Integer.MIN_VALUE};
        private static final double[] TIMEOUTS = {0, -0.0, 1e-9, 0.001, Double.MIN_VALUE, Double.NaN,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1, -Double.MAX_VALUE, 1e10, Double.MAX_VALUE};
        private static final int[] MAX_EVENTS = {1, 2, 1023, 65_536, 0, -1, 65_537, Integer.MAX_VALUE,
            Integer.MIN_VALUE};
        private static final int[] MASKS = {0, Epoll.EPOLLIN, Epoll.EPOLLOUT, Epoll.EPOLLIN | Epoll.EPOLLET,
            Epoll.EPOLLIN | Epoll.EPOLLONESHOT, -1, 1 << 28, 1 << 29, Integer.MAX_VALUE, 0x40_0000};
        private static final int[][] OPTIONS = {
            {LinuxSocket.SOL_SOCKET, LinuxSocket.SO_REUSEADDR}, {LinuxSocket.SOL_SOCKET, LinuxSocket.SO_RCVBUF},
            {LinuxSocket.SOL_SOCKET, LinuxSocket.SO_SNDBUF}, {LinuxSocket.SOL_SOCKET, LinuxSocket.SO_KEEPALIVE},
            {LinuxSocket.IPPROTO_TCP, LinuxSocket.TCP_NODELAY}, {LinuxSocket.IPPROTO_TCP, LinuxSocket.TCP_CORK},
            {LinuxSocket.SOL_SOCKET, 9999}, {LinuxSocket.IPPROTO_TCP, 9999}, {-1, -1},
            {Integer.MAX_VALUE, Integer.MIN_VALUE}};
        private static final int[] VALUES = {0, 1, -1, 4096, Integer.MAX_VALUE, Integer.MIN_VALUE};
        private static final String[] HOSTS = {"127.0.0.1", "127.0.0.1", "localhost", "1.2.3", "256.0.0.1", "",
            null, " 127.0.0.1", "127.0.0.01"};
        private static final int[] HOWS = {LinuxSocket.SHUT_RD, LinuxSocket.SHUT_WR, LinuxSocket.SHUT_RDWR, -1, 3,
            Integer.MAX_VALUE};
        private static final int[] BACKLOGS = {-1, 0, 1, 5, 128, Integer.MAX_VALUE, Integer.MIN_VALUE};
        private static final int[] BUFFER_SIZES = {-1, 0, 16, 100_000};
        private static final int[] POLL_MASKS = {0, Poll.POLLIN, Poll.POLLOUT, Poll.POLLIN | Poll.POLLRDHUP,
            Poll.DEFAULT_MASK, 0xffff, 0x10000, -1, Integer.MIN_VALUE};
        private static final int[] POLL_TIMEOUTS = {0, 1, 2, -1, Integer.MIN_VALUE, Integer.MAX_VALUE};

        private final Random random;
        private final List<LinuxSocket> sockets = new ArrayList<>();
        private final List<Epoll> epolls = new ArrayList<>();
        private final List<Poll> polls = new ArrayList<>();
        private final List<SocketChannel> clients = new ArrayList<>();
        private final Map<String, Integer> outcomes = new TreeMap<>();
        /** An example of each kind of undocumented outcome (call name and exception class). */
        private final Map<String, String> undocumented = new TreeMap<>();
        private final Deque<String> recent = new ArrayDeque<>();
        private Connection doorbell;

        Fuzz(Random random) {
            this.random = random;
        }

        void run(int calls) throws IOException {
            // Always readable: one byte that nobody reads.
            doorbell = Connection.open();
            try {
                doorbell.clientSends(1);
                for (int i = 0; i < calls; i++) {
                    step();
                }
            } finally {
                cleanUp();
            }
        }

        Map<String, Integer> outcomes() {
            return outcomes;
        }

        Map<String, String> undocumented() {
            return undocumented;
        }

        /** Read by the test's thread while the fuzz may still run: hence synchronized, here and in remember. */
        String recent() {
            synchronized (recent) {
                return String.join("\n", recent);
            }
        }

        private void step() {
            switch (random.nextInt(28)) {
                case 0 -> newSocket();
                case 1 -> {
                    LinuxSocket s = socket();
                    call("close(" + s + ")", false, s::close);
                    if (random.nextBoolean()) {
                        sockets.remove(s); // else it stays, for use after close
                    }
                }
                case 2 -> {
                    LinuxSocket s = socket();
                    String host = pick(HOSTS);
                    int port = random.nextBoolean() ? 0 : randomPort();
                    call("bind(" + s + ", " + host + ", " + port + ")", host == null, () -> s.bind(host, port));
                }
                case 3 -> {
                    LinuxSocket s = socket();
                    int backlog = pick(BACKLOGS);
                    call("listen(" + s + ", " + backlog + ")", false, () -> s.listen(backlog));
                }
                case 4 -> accept();
                case 5, 6 -> {
                    LinuxSocket s = socket();
                    int size = pick(SIZES);
                    call("recv(" + s + ", " + size + ")", false, () -> s.recv(size));
                }
                case 7, 8 -> {
                    LinuxSocket s = socket();
                    byte[] buffer = buffer();
                    int offset = offsetOrLength(buffer);
                    int length = offsetOrLength(buffer);
                    boolean sending = random.nextBoolean();
                    call((sending ? "send(" : "recv(") + s + ", " + describe(buffer) + ", " + offset + ", " + length + ")",
                            buffer == null, () -> {
                                if (sending) {
                                    s.send(buffer, offset, length);
                                } else {
                                    s.recv(buffer, offset, length);
                                }
                            });
                }
                case 9 -> {
                    LinuxSocket s = socket();
                    byte[] data = buffer();
                    call("send(" + s + ", " + describe(data) + ")", data == null, () -> s.send(data));
                }
                case 10 -> {
                    LinuxSocket s = socket();
                    int[] option = pick(OPTIONS);
                    int value = pick(VALUES);
                    call("setsockopt(" + s + ", " + option[0] + ", " + option[1] + ", " + value + ")", false,
                            () -> s.setsockopt(option[0], option[1], value));
                }
                case 11 -> {
                    LinuxSocket s = socket();
                    int[] option = pick(OPTIONS);
                    call("getsockopt(" + s + ", " + option[0] + ", " + option[1] + ")", false,
                            () -> s.getsockopt(option[0], option[1]));
                }
                case 12 -> {
                    LinuxSocket s = socket();
                    call("tcpInfo(" + s + ")", false, s::tcpInfo);
                    call("getsockname(" + s + ")", false, s::getsockname);
                    call("isBlocking(" + s + ")", false, s::isBlocking);
                    // Only ever non-blocking: a blocking socket could hang the fuzz.
                    call("setblocking(" + s + ", false)", false, () -> s.setblocking(false));
                }
                case 13 -> {
                    LinuxSocket s = socket();
                    int how = pick(HOWS);
                    call("shutdown(" + s + ", " + how + ")", false, () -> s.shutdown(how));
                }
                case 14 -> {
                    if (epolls.size() < 4 && random.nextBoolean()) {
                        call("epoll()", false, () -> epolls.add(new Epoll()));
                    } else {
                        Epoll e = epoll();
                        call("close(" + describe(e) + ")", false, e::close);
                        if (epolls.size() > 2) {
                            epolls.remove(e);
                        }
                    }
                }
                case 15, 16 -> {
                    Epoll e = epoll();
                    int fd = rawFd();
                    int mask = pick(MASKS);
                    switch (random.nextInt(3)) {
                        case 0 -> call("register(" + describe(e) + ", " + fd + ", " + mask + ")", false,
                                () -> e.register(fd, mask));
                        case 1 -> call("modify(" + describe(e) + ", " + fd + ", " + mask + ")", false,
                                () -> e.modify(fd, mask));
                        default -> call("unregister(" + describe(e) + ", " + fd + ")", false, () -> e.unregister(fd));
                    }
                }
                case 17, 18 -> {
                    Epoll e = epoll();
                    double timeout = pick(TIMEOUTS);
                    int maxEvents = pick(MAX_EVENTS);
                    if (timeout < 0 || timeout > 1) {
                        ringable(e); // a long wait, if the binding accepts it, ends at once
                    }
                    if (random.nextBoolean()) {
                        call("poll(" + describe(e) + ", " + timeout + ")", false, () -> e.poll(timeout));
                    } else {
                        call("poll(" + describe(e) + ", " + timeout + ", " + maxEvents + ")", false,
                                () -> e.poll(timeout, maxEvents));
                    }
                }
                case 19 -> clientConnects();
                case 20 -> clientActs();
                case 21, 22 -> pollObject();
                case 23, 24 -> select();
                default -> {
                    // Readiness that means something: an accepted connection, seen by an epoll.
                    accept();
                    Epoll e = epoll();
                    LinuxSocket s = socket();
                    call("register(" + describe(e) + ", " + s + ", EPOLLIN|EPOLLOUT)", false,
                            () -> e.register(s.fileno(), Epoll.EPOLLIN | Epoll.EPOLLOUT));
                }
            }
        }

        /** A poll object's calls: the interest set is Java's, poll(2) looks at it all. */
        private void pollObject() {
            if (polls.size() < 3) {
                polls.add(new Poll());
            }
            Poll poll = pick(polls);
            int fd = rawFd();
            int mask = pick(POLL_MASKS);
            switch (random.nextInt(4)) {
                case 0 -> call("register(poll, " + fd + ", " + mask + ")", false, () -> poll.register(fd, mask));
                case 1 -> call("modify(poll, " + fd + ", " + mask + ")", false, () -> poll.modify(fd, mask));
                case 2 -> call("unregister(poll, " + fd + ")", false, () -> poll.unregister(fd));
                default -> {
                    int timeout = pick(POLL_TIMEOUTS);
                    if (timeout < 0 || timeout > 2) {
                        poll.register(doorbell.server.fileno(), Poll.POLLIN); // a long wait ends at once
                    }
                    call("poll(poll, " + timeout + ")", false, () -> poll.poll(timeout));
                }
            }
        }

        /** select over lists of raw numbers, some out of range, some null. */
        private void select() {
            List<Integer> rlist = fds();
            List<Integer> wlist = fds();
            List<Integer> xlist = fds();
            boolean nullPassed = rlist == null || wlist == null || xlist == null
                    || rlist.contains(null) || wlist.contains(null) || xlist.contains(null);
            double timeout = pick(TIMEOUTS);
            boolean forever = random.nextInt(4) == 0;
            if (rlist != null && (forever || timeout > 1 || random.nextBoolean())) {
                rlist.add(doorbell.server.fileno()); // a long wait, or one without end, ends at once
            }
            if (forever) {
                call("select(" + rlist + ", " + wlist + ", " + xlist + ")", nullPassed,
                        () -> Select.select(rlist, wlist, xlist));
            } else {
                call("select(" + rlist + ", " + wlist + ", " + xlist + ", " + timeout + ")", nullPassed,
                        () -> Select.select(rlist, wlist, xlist, timeout));
            }
        }

        /** Up to three raw numbers, or null now and then, or a list holding null. */
        private List<Integer> fds() {
            if (random.nextInt(20) == 0) {
                return null;
            }
            List<Integer> fds = new ArrayList<>();
            for (int i = random.nextInt(4); i > 0; i--) {
                fds.add(random.nextInt(30) == 0 ? null : rawFd());
            }
            return fds;
        }

        private void newSocket() {
            if (sockets.size() >= 10) {
                return;
            }
            call("tcp()", false, () -> {
                LinuxSocket s = LinuxSocket.tcp();
                sockets.add(s);
                s.setblocking(false);
            });
        }

        private void accept() {
            LinuxSocket listener = socket();
            boolean nonBlocking = random.nextBoolean();
            call("accept(" + listener + ", " + nonBlocking + ")", false, () -> {
                LinuxSocket connection = listener.accept(nonBlocking).socket();
                if (sockets.size() >= 12) {
                    connection.close();
                    return;
                }
                sockets.add(connection);
                connection.setblocking(false); // before anything else may touch it
            });
        }

        /** A java.net client for a socket that has a port: non-blocking, so connecting never waits. */
        private void clientConnects() {
            LinuxSocket s = socket();
            int port;
            try {
                port = s.getsockname().getPort();
            } catch (ErrnoException closed) {
                return;
            }
            if (port == 0) {
                return;
            }
            if (clients.size() >= 16) {
                closeQuietly(clients.remove(0));
            }
            try {
                SocketChannel client = SocketChannel.open();
                clients.add(client);
                client.configureBlocking(false);
                client.connect(new InetSocketAddress("127.0.0.1", port));
                remember("client connects to " + port);
            } catch (IOException refused) {
                remember("client cannot connect to " + port + ": " + refused);
            }
        }

        /** A client writes, finishes connecting, resets or closes: the test's own calls, not the binding's. */
        private void clientActs() {
            if (clients.isEmpty()) {
                return;
            }
            SocketChannel client = pick(clients);
            try {
                switch (random.nextInt(4)) {
                    case 0 -> client.finishConnect();
                    case 1 -> {
                        if (client.isConnected()) {
                            client.write(ByteBuffer.wrap(new byte[random.nextInt(3000)]));
                        }
                    }
                    case 2 -> {
                        client.setOption(StandardSocketOptions.SO_LINGER, 0); // the close resets
                        clients.remove(client);
                        client.close();
                    }
                    default -> {
                        clients.remove(client);
                        client.close();
                    }
                }
            } catch (IOException | RuntimeException notOurs) {
                clients.remove(client);
                closeQuietly(client);
            }
        }

        /** Watches the doorbell, level-triggered, so that a wait without end ends at once. */
        private void ringable(Epoll e) {
            int bell = doorbell.server.fileno();
            try {
                e.register(bell, Epoll.EPOLLIN);
            } catch (ErrnoException registered) {
                try {
                    // Not modify: an EPOLLEXCLUSIVE registration (mask 1 << 28) refuses EPOLL_CTL_MOD.
                    e.unregister(bell);
                    e.register(bell, Epoll.EPOLLIN);
                } catch (ErrnoException closed) {
                    // a closed epoll: the poll fails with EBADF at once
                }
            }
        }

        /** Runs one binding call and files its outcome; anything undocumented is kept for the assertion. */
        private void call(String what, boolean nullPassed, Call call) {
            remember(what);
            String name = what.substring(0, what.indexOf('('));
            try {
                call.run();
                count(name + " ok");
            } catch (ErrnoException e) {
                count(name + " " + e.errnoName());
            } catch (IllegalArgumentException e) {
                count(name + " IllegalArgumentException");
            } catch (NullPointerException e) {
                if (nullPassed) {
                    count(name + " NullPointerException");
                } else {
                    undocumented.putIfAbsent(name + " " + e.getClass().getSimpleName(), what + " threw " + e);
                }
            } catch (Exception | Error e) {
                undocumented.putIfAbsent(name + " " + e.getClass().getSimpleName(), what + " threw " + e);
            }
        }

        private void count(String outcome) {
            outcomes.merge(outcome, 1, Integer::sum);
        }

        private void remember(String what) {
            synchronized (recent) {
                recent.addLast(what);
                if (recent.size() > 30) {
                    recent.removeFirst();
                }
            }
        }

        private void cleanUp() throws IOException {
            for (SocketChannel client : clients) {
                closeQuietly(client);
            }
            for (LinuxSocket s : sockets) {
                s.close();
            }
            for (Epoll e : epolls) {
                e.close();
            }
            doorbell.close();
        }

        private LinuxSocket socket() {
            if (sockets.size() < 3) {
                newSocket();
            }
            return pick(sockets);
        }

        private Epoll epoll() {
            if (epolls.isEmpty()) {
                call("epoll()", false, () -> epolls.add(new Epoll()));
            }
            return pick(epolls);
        }

        /** Another socket's port (perhaps in use), or an out-of-range one. */
        private int randomPort() {
            int[] odd = {-1, 65_536, Integer.MIN_VALUE, Integer.MAX_VALUE};
            if (random.nextBoolean()) {
                return pick(odd);
            }
            try {
                return socket().getsockname().getPort();
            } catch (ErrnoException closed) {
                return 0;
            }
        }

        /** A number that may be a descriptor of ours, of the JVM's, or of nobody. */
        private int rawFd() {
            return switch (random.nextInt(4)) {
                case 0 -> pick(RAW_FDS);
                case 1 -> random.nextInt(200);
                case 2 -> socket().fileno();
                default -> random.nextBoolean() ? epoll().fileno() : doorbell.server.fileno();
            };
        }

        private byte[] buffer() {
            int size = BUFFER_SIZES[random.nextInt(BUFFER_SIZES.length)];
            return size < 0 ? null : new byte[size];
        }

        private int offsetOrLength(byte[] buffer) {
            int length = buffer == null ? 0 : buffer.length;
            int[] choices = {0, 1, length, length + 1, length / 2, -1, Integer.MAX_VALUE, Integer.MIN_VALUE};
            return pick(choices);
        }

        private int pick(int[] choices) {
            return choices[random.nextInt(choices.length)];
        }

        private double pick(double[] choices) {
            return choices[random.nextInt(choices.length)];
        }

        private <T> T pick(T[] choices) {
            return choices[random.nextInt(choices.length)];
        }

        private <T> T pick(List<T> choices) {
            return choices.get(random.nextInt(choices.size()));
        }

        private static String describe(byte[] buffer) {
            return buffer == null ? "null" : "byte[" + buffer.length + "]";
        }

        private static String describe(Epoll e) {
            return "Epoll(fd " + e.fileno() + ")";
        }

        private static void closeQuietly(SocketChannel client) {
            try {
                client.close();
            } catch (IOException ignored) {
                // the test's own client: nothing to learn from its close
            }
        }
    }

    interface Call {
        void run() throws Exception;
    }
}
