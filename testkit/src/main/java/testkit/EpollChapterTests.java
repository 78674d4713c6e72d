package testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/**
 * What every epoll chapter (3 to 6) must survive: many clients at once, and clients that misbehave. After each, it is
 * {@link #assertHealthy}: still answers, holds no more sockets than before (no leak), burns no CPU idle (no spin).
 */
public abstract class EpollChapterTests extends ChapterTests {
    protected static final int BACKLOG = 128; // for the tests' bursts; the article's 1 is a lesson, not a setting
    private static final long IDLE_TICKS_ALLOWED = 30; // per IDLE_WINDOW, in 1/100 s: a spinning loop uses 100
    private static final Duration IDLE_WINDOW = Duration.ofSeconds(1);
    private int socketsAtRest;

    protected ChapterProcess startServing() throws IOException {
        return startServing(ChapterProcess.Launcher.PLAIN);
    }

    /** Starts the chapter (roomy backlog) run by {@code launcher}, serves one request, notes its sockets at rest. */
    protected ChapterProcess startServing(ChapterProcess.Launcher launcher) throws IOException {
        start(launcher, BACKLOG);
        socketsAtRest = sockets(); // the listening socket, and any socket the JVM keeps for itself
        assertThat(Clients.exchange(chapter.port(), Article.REQUEST, REPLY_LIMIT)).isEqualTo(Article.RESPONSE);
        awaitNoConnections();
        return chapter;
    }

    protected void assertHealthy() throws IOException {
        assertThat(chapter.isAlive()).as("server process alive").isTrue();
        assertThat(Clients.exchange(chapter.port(), Article.REQUEST, REPLY_LIMIT)).isEqualTo(Article.RESPONSE);
        awaitNoConnections();
        assertIdleWithoutSpinning();
    }

    /** Every connection closed: the sockets from before the first client (not all fds: the JVM opens files). */
    protected void awaitNoConnections() {
        Await.until(() -> sockets() == socketsAtRest, LIMIT, () -> "no connection left open: " + socketsAtRest
                + " sockets, as before the first client (now " + sockets() + ")");
    }

    /** Passes if one of up to three windows stays under the allowance: a spin fails all, the JVM's JIT or GC cannot. */
    protected void assertIdleWithoutSpinning() {
        var used = new ArrayList<Long>();
        do {
            long before = Proc.cpuTicks(chapter.pid());
            for (long end = System.nanoTime() + IDLE_WINDOW.toNanos(); System.nanoTime() < end; ) {
                java.util.concurrent.locks.LockSupport.parkNanos(end - System.nanoTime());
            }
            used.add(Proc.cpuTicks(chapter.pid()) - before);
        } while (used.size() < 3 && used.get(used.size() - 1) > IDLE_TICKS_ALLOWED);
        assertThat(used).as("CPU ticks used in each window of %s while idle", IDLE_WINDOW)
                .anySatisfy(ticks -> assertThat(ticks).isLessThanOrEqualTo(IDLE_TICKS_ALLOWED));
    }

    @Test
    void aHundredConcurrentClientsAllGetTheExactReply() throws IOException {
        int port = startServing().port();
        assertThat(Clients.concurrent(port, 100, Article.REQUEST, LIMIT)).hasSize(100).containsOnly(Article.RESPONSE);
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
        int port = startServing().port();
        assertThat(Clients.halfClose(port, Article.REQUEST_LINE, REPLY_LIMIT)).as("half a request: no reply").isEmpty();
        assertHealthy();
    }

    @Test
    void halfClosedConnectionsLeftOpenDoNotMakeTheServerSpin() throws IOException {
        startServing();
        try (IdleClients halfClosed = Clients.openIdle(chapter.port(), 5, LIMIT)) {
            for (Socket socket : halfClosed.sockets()) {
                socket.getOutputStream().write(Article.REQUEST_LINE);
                socket.shutdownOutput();
            }
            assertThat(halfClosed.sockets()).as("hung up on: the server answers end of stream by closing")
                    .allSatisfy(s -> assertThat(Clients.readToEnd(s, LIMIT)).isEmpty());
            assertIdleWithoutSpinning();
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
        assertThat(Clients.exchangeInSegments(chapter.port(), Article.REQUEST, Article.REQUEST.length, REPLY_LIMIT))
                .isEqualTo(Article.RESPONSE);
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
        assertServedAndPrinted(startServing(), Article.undecodableRequest(), "GET /\uFFFD HTTP/1.0");
        assertHealthy();
    }

    @Test
    void aRequestLongerThanOneRecvIsServed() throws IOException {
        startServing();
        // 5 KiB in one segment takes several recv(1024): level-triggered epoll reports it again, ET needs a drain loop
        byte[] request = Article.ascii("GET / HTTP/1.0\r\nX-Padding: " + "p".repeat(5000) + "\r\n\r\n");
        assertThat(Clients.exchange(chapter.port(), request, REPLY_LIMIT)).as("the reply to a 5 KiB request")
                .isEqualTo(Article.RESPONSE);
        assertHealthy();
    }

    /** The article keeps a closed connection's request until its fd is reused: measured as bytes live after a GC. */
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
        assertThat(chapter.liveByteArrayBytes() - before).as("bytes still held after %d closed connections each left"
                + " a %d-byte request; the state of a closed connection must go with it", crowd, unfinished.length)
                .isLessThan((long) crowd * unfinished.length / 2);
        assertHealthy();
    }

    /** Whether every registration (the listening socket's, an idle connection's once accepted) has EPOLLET. */
    protected void assertEveryRegistration(boolean edgeTriggered, String lesson) throws IOException {
        try (Socket idle = Clients.connect(chapter.port(), REPLY_LIMIT)) {
            Await.until(() -> sockets() == socketsAtRest + 1, LIMIT, "the server to accept a connection");
            assertThat(Proc.epollRegistrations(chapter.pid())).as("the listening socket and one connection")
                    .hasSizeGreaterThanOrEqualTo(2).as(lesson).allMatch(r -> r.edgeTriggered() == edgeTriggered);
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
     * Out of descriptors, accept fails (EMFILE) and the connection stays queued: a level-triggered server retrying at
     * once spins, and one that rests its listening socket must retry by itself, as freeing a descriptor need not wake
     * it (its last wake-up may have failed its accept just before): hence the event loop's timeout.
     */
    @Test
    void outOfDescriptorsTheServerRestsThenServesTheQueuedClient() throws IOException {
        int openFiles = 128; // a JVM opens a few dozen files of its own (jars, libraries): room for some connections
        startServing(ChapterProcess.Launcher.openFileLimit(openFiles));
        var held = new ArrayList<Socket>();
        try {
            while (!chapter.stderr().contains("EMFILE")) {
                assertThat(held.size()).as("connections made before accept failed with EMFILE").isLessThan(openFiles);
                held.add(Clients.connect(chapter.port(), REPLY_LIMIT));
                Await.until(() -> Proc.acceptQueueLength(chapter.port()) == 0 || chapter.stderr().contains("EMFILE"),
                        LIMIT, () -> "connection " + held.size() + " to be accepted, or accept to fail");
            }
            Socket queued = held.get(held.size() - 1); // each accepted before the next: only the last is queued
            queued.getOutputStream().write(Article.REQUEST); // waits in the kernel until accepted
            long failuresBefore = stderrLines("EMFILE"); // a loop retrying accept at once prints a line per try
            assertIdleWithoutSpinning();
            assertThat(stderrLines("EMFILE") - failuresBefore).as("accept failures reported during the idle check")
                    .isLessThanOrEqualTo(5);
            Await.until(() -> stderrLines("EMFILE") > failuresBefore, LIMIT,
                    () -> "the server to try accept again by itself (it rests the listening socket and re-arms it"
                            + " at its next wake-up, at most a second later)");
            held.remove(0).close(); // the server closes its end: one descriptor free for the queued client
            assertThat(Clients.readToEnd(queued, LIMIT)).as("the reply to the client that waited in the queue")
                    .isEqualTo(Article.RESPONSE);
        } finally {
            new IdleClients(held).close();
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
}
