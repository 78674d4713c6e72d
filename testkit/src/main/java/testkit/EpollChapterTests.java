package testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every epoll chapter (3 to 6) must survive: many clients at once, and clients that misbehave. After each,
 * the server must still answer, hold no more sockets than before (no leak), and burn no CPU while idle (no spin).
 */
public abstract class EpollChapterTests extends ChapterTests {
    /** Enough for the tests' own bursts; the article's backlog of 1 is a lesson, not a test setting. */
    protected static final int BACKLOG = 128;
    /** CPU ticks (1/100 s) an idle server may use in {@link #IDLE_WINDOW}: a spinning loop uses about 100 a second. */
    private static final long IDLE_TICKS_ALLOWED = 30;
    private static final Duration IDLE_WINDOW = Duration.ofSeconds(1);
    private static final int IDLE_WINDOWS_TRIED = 3;

    private ChapterProcess chapter;
    private int socketsAtRest;

    /** Starts the chapter with a roomy backlog, serves one request, and notes its descriptors at rest. */
    protected ChapterProcess startServing() throws IOException {
        return startServing(ChapterProcess.Launcher.PLAIN);
    }

    /** As {@link #startServing()}, run by {@code launcher} (an open-file limit, strace...). */
    protected ChapterProcess startServing(ChapterProcess.Launcher launcher) throws IOException {
        chapter = start(launcher, BACKLOG);
        socketsAtRest = sockets(); // the listening socket, and any socket the JVM keeps for itself
        assertThat(Clients.exchange(chapter.port(), Article.REQUEST, REPLY_LIMIT)).isEqualTo(Article.RESPONSE);
        awaitNoConnections();
        return chapter;
    }

    /** Still answers, holds no connection, and is quiet while idle. */
    protected void assertHealthy() throws IOException {
        assertThat(chapter.isAlive()).as("server process alive").isTrue();
        assertThat(Clients.exchange(chapter.port(), Article.REQUEST, REPLY_LIMIT)).isEqualTo(Article.RESPONSE);
        awaitNoConnections();
        assertIdleWithoutSpinning();
    }

    /** Every connection closed: the sockets from before the first client (not all fds: the JVM opens files). */
    protected void awaitNoConnections() {
        Await.until(() -> sockets() == socketsAtRest, LIMIT,
                () -> "no connection left open: " + socketsAtRest + " sockets, as before the first client (now "
                        + sockets() + ")");
    }

    /**
     * The article's level-triggered loop spins on a half-closed connection; this catches that in up to three
     * one-second windows, passing if any stays under the allowance. A steady spin fails every window; the JVM's
     * own bursts (the JIT compiling what a test just made hot, a garbage collection) cannot fail them all.
     */
    protected void assertIdleWithoutSpinning() {
        List<Long> used = new ArrayList<>();
        while (used.size() < IDLE_WINDOWS_TRIED && (used.isEmpty() || used.get(used.size() - 1) > IDLE_TICKS_ALLOWED)) {
            long before = Proc.cpuTicks(chapter.pid());
            parkFor(IDLE_WINDOW);
            used.add(Proc.cpuTicks(chapter.pid()) - before);
        }
        assertThat(used).as("CPU ticks used in each window of %s while idle", IDLE_WINDOW)
                .anySatisfy(ticks -> assertThat(ticks).isLessThanOrEqualTo(IDLE_TICKS_ALLOWED));
    }

    @Test
    void aHundredConcurrentClientsAllGetTheExactReply() throws IOException {
        startServing();
        List<byte[]> replies = Clients.concurrent(chapter.port(), 100, Article.REQUEST, LIMIT);
        assertThat(replies).hasSize(100).allSatisfy(reply -> assertThat(reply).isEqualTo(Article.RESPONSE));
        chapter.awaitStdout(Article.DASHES, 101, LIMIT);
        assertHealthy();
    }

    @Test
    void silentClientsThatConnectAndCloseAreDropped() throws IOException {
        startServing();
        for (int i = 0; i < 20; i++) {
            Clients.connect(chapter.port(), REPLY_LIMIT).close(); // sends nothing: the server reads end of stream
        }
        assertHealthy();
    }

    @Test
    void aClientThatHalfClosesMidRequestIsHungUpOn() throws IOException {
        startServing();
        assertThat(Clients.halfClose(chapter.port(), Article.REQUEST_LINE, REPLY_LIMIT)).as("no reply to half a request")
                .isEmpty();
        assertHealthy();
    }

    @Test
    void halfClosedConnectionsLeftOpenDoNotMakeTheServerSpin() throws IOException {
        startServing();
        List<Socket> halfClosed = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                Socket socket = Clients.connect(chapter.port(), REPLY_LIMIT);
                halfClosed.add(socket);
                socket.getOutputStream().write(Article.REQUEST_LINE);
                socket.shutdownOutput();
            }
            for (Socket socket : halfClosed) {
                // The server answers end of stream by closing: we read end of stream in turn.
                assertThat(Clients.readToEnd(socket, LIMIT)).isEmpty();
            }
            assertIdleWithoutSpinning();
        } finally {
            for (Socket socket : halfClosed) {
                socket.close();
            }
        }
        assertHealthy();
    }

    @Test
    void aResetMidRequestOrAfterTheRequestCostsOnlyThatConnection() throws IOException {
        startServing();
        for (int i = 0; i < 10; i++) {
            Clients.resetAfter(chapter.port(), Article.REQUEST_LINE, REPLY_LIMIT);
            Clients.resetAfter(chapter.port(), Article.REQUEST, REPLY_LIMIT);
        }
        assertHealthy();
    }

    @Test
    void aRequestDribbledOneByteAtATimeIsServed() throws IOException {
        startServing();
        byte[] reply = Clients.exchangeInSegments(chapter.port(), Article.REQUEST, Article.REQUEST.length, REPLY_LIMIT);
        assertThat(reply).isEqualTo(Article.RESPONSE);
        assertHealthy();
    }

    @Test
    void aFloodWithoutATerminatorIsCutOff() throws IOException {
        startServing();
        int offered = 64 << 20;
        FloodResult flood = Clients.flood(chapter.port(), offered, LIMIT);
        assertThat(flood.wasCutOff()).as("cut off: %s", flood).isTrue();
        assertThat(flood.bytesSent()).as("the server stopped reading long before the end").isLessThan(offered);
        assertThat(flood.bytesReceived()).as("no reply to a request that never ended").isZero();
        chapter.awaitStderr("hung up on after", LIMIT); // the cut-off is reported
        assertHealthy();
    }

    @Test
    @Override
    void undecodableBytesArePrintedNotFatal() throws IOException {
        startServing();
        assertThat(Clients.exchange(chapter.port(), Article.undecodableRequest(), REPLY_LIMIT))
                .isEqualTo(Article.RESPONSE);
        chapter.awaitStdout(Article.DASHES + "\nGET /\uFFFD HTTP/1.0", LIMIT);
        assertHealthy();
    }

    @Test
    void aRequestLongerThanOneRecvIsServed() throws IOException {
        startServing();
        // 5 KiB of headers in one write: one segment on loopback, so one report of readiness. Reading it takes
        // several recv(1024): level-triggered, epoll reports the rest again; edge-triggered, only a drain loop
        // reads it.
        byte[] request = Article.ascii("GET / HTTP/1.0\r\nX-Padding: " + "p".repeat(5000) + "\r\n\r\n");
        assertThat(Clients.exchange(chapter.port(), request, REPLY_LIMIT)).as("the reply to a 5 KiB request")
                .isEqualTo(Article.RESPONSE);
        assertHealthy();
    }

    /**
     * The article deletes a closed connection's socket but keeps its request and response, until a later
     * connection gets the same fd number: after a crowd leaves, its requests stay in the heap. Measured as
     * byte arrays reachable after a full collection in the child, with requests big enough to stand out.
     */
    @Test
    void closedConnectionsLeaveNoStateBehind() throws IOException {
        startServing();
        int crowd = 200;
        byte[] unfinished = Article.ascii("GET /" + "x".repeat(7000)); // no blank line: the server keeps it
        long before = chapter.liveByteArrayBytes();
        socketsAtRest = sockets(); // jcmd's attach listener is a (Unix) socket of the JVM's own
        try (IdleClients clients = Clients.openIdle(chapter.port(), crowd, LIMIT)) {
            for (Socket socket : clients.sockets()) {
                socket.getOutputStream().write(unfinished);
            }
        } // each client closes: end of stream, the server hangs up and closes
        Await.until(() -> stderrLines("hung up on after") >= crowd, LIMIT,
                () -> crowd + " lines \"hung up on after\" (now " + stderrLines("hung up on after") + ")");
        awaitNoConnections();
        long kept = chapter.liveByteArrayBytes() - before;
        assertThat(kept).as("bytes still held after %d closed connections each left a %d-byte request;"
                + " the state of a closed connection must go with it", crowd, unfinished.length)
                .isLessThan((long) crowd * unfinished.length / 2);
        assertHealthy();
    }

    /** Whether every descriptor the chapter's epoll instance watches is registered with EPOLLET. */
    protected void assertEveryRegistration(boolean edgeTriggered, String lesson) throws IOException {
        try (Socket idle = Clients.connect(chapter.port(), REPLY_LIMIT)) {
            // The idle connection is registered once the server holds it.
            Await.until(() -> sockets() == socketsAtRest + 1, LIMIT, "the server to accept a connection");
            List<Proc.EpollRegistration> registrations = Proc.epollRegistrations(chapter.pid());
            assertThat(registrations).as("the listening socket and one connection").hasSizeGreaterThanOrEqualTo(2);
            assertThat(registrations).as(lesson).allMatch(r -> r.edgeTriggered() == edgeTriggered);
        }
    }

    @Test
    void fiveHundredIdleConnectionsDoNotStopAnotherClient() throws IOException {
        startServing();
        // Pacing 500 connects by the accept queue takes a while on a busy machine: a roomier bound.
        try (IdleClients idle = Clients.openIdle(chapter.port(), 500, LIMIT.multipliedBy(3))) {
            assertThat(Clients.exchange(chapter.port(), Article.REQUEST, REPLY_LIMIT)).isEqualTo(Article.RESPONSE);
            Await.until(() -> sockets() == socketsAtRest + idle.size(), LIMIT,
                    () -> "the server holds all " + idle.size() + " idle connections (sockets now " + sockets() + ")");
        }
        assertHealthy();
    }

    /**
     * Out of descriptors, accept fails with EMFILE and the connection stays queued. A level-triggered
     * server that retried at once would spin; one that rests its listening socket must look again by
     * itself: freeing a descriptor need not wake it (the last wake-up may have failed its accept just
     * before the descriptor was freed), which is why the event loop's timeout matters.
     */
    @Test
    void outOfDescriptorsTheServerRestsThenServesTheQueuedClient() throws IOException {
        // A JVM opens a few dozen files of its own (jars, its libraries); 128 leaves room for some connections.
        int openFiles = 128;
        startServing(ChapterProcess.Launcher.openFileLimit(openFiles));
        List<Socket> held = new ArrayList<>();
        try {
            // One at a time, each accepted before the next, until an accept fails: then exactly one is queued.
            while (!chapter.stderr().contains("EMFILE")) {
                assertThat(held.size()).as("connections made without the server running out of descriptors")
                        .isLessThan(openFiles);
                held.add(Clients.connect(chapter.port(), REPLY_LIMIT));
                Await.until(() -> Proc.acceptQueueLength(chapter.port()) == 0 || chapter.stderr().contains("EMFILE"),
                        LIMIT, () -> "connection " + held.size() + " to be accepted, or accept to fail");
            }
            Socket queued = held.get(held.size() - 1);
            queued.getOutputStream().write(Article.REQUEST); // waits in the kernel until accepted
            // A listening socket with a queued connection is ready at once, again and again: retrying accept in
            // a loop would burn a core and print a line per try.
            long failuresBefore = stderrLines("EMFILE");
            parkFor(IDLE_WINDOW);
            assertThat(stderrLines("EMFILE") - failuresBefore).as("accept failures reported during %s", IDLE_WINDOW)
                    .isLessThanOrEqualTo(5);
            assertIdleWithoutSpinning();
            // Resting is not giving up: nothing else happens, yet the server must try accept again by itself.
            Await.until(() -> stderrLines("EMFILE") > failuresBefore, LIMIT,
                    () -> "the server to try accept again by itself (it rests the listening socket and re-arms it"
                            + " at its next wake-up, at most a second later)");
            // One client leaves: the server closes its end, and one descriptor is free for the queued client.
            held.remove(0).close();
            assertThat(Clients.readToEnd(queued, LIMIT)).as("the reply to the client that waited in the queue")
                    .isEqualTo(Article.RESPONSE);
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
        Await.until(() -> Proc.acceptQueueLength(chapter.port()) == 0, LIMIT,
                () -> "the accept queue to empty (now " + Proc.acceptQueueLength(chapter.port()) + ")");
        assertHealthy();
    }

    private long stderrLines(String containing) {
        return chapter.stderr().lines().filter(line -> line.contains(containing)).count();
    }

    private int sockets() {
        return Proc.openSockets(chapter.pid());
    }

    private static void parkFor(Duration window) {
        long deadline = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(deadline - System.nanoTime());
        }
    }
}
