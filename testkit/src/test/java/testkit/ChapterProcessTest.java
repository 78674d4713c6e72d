package testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ChapterProcess end to end, against FakeServer in a child JVM. */
class ChapterProcessTest {

    private static final String FAKE = FakeServer.class.getName();
    private static final Duration LIMIT = Duration.ofSeconds(10);

    /** One child shared by the tests that only talk to it: each JVM start costs half a second. */
    private static ChapterProcess shared;

    @BeforeAll
    static void startShared() {
        shared = ChapterProcess.start(ChapterProcess.Launcher.PLAIN, FAKE, "0", "7");
    }

    @AfterAll
    static void stopShared() {
        shared.close();
    }

    @Test
    void startParsesTheStartUpLineAndCapturesStdout() throws IOException {
        assertThat(shared.port()).isPositive();
        assertThat(shared.stdout()).startsWith("listening on 0.0.0.0:" + shared.port() + " (backlog 7)\n");

        byte[] request = Article.ascii("GET / HTTP/1.0\r\nHost: start-test\r\n\r\n");
        assertThat(Clients.exchange(shared.port(), request, LIMIT)).isEqualTo(Article.RESPONSE);
        String stdout = shared.awaitStdout("Host: start-test", LIMIT);
        assertThat(stdout).contains(Article.DASHES + "\nGET / HTTP/1.0\r\nHost: start-test\r\n");
        assertThat(shared.stderr()).isEmpty();
        assertThat(shared.jniWarnings()).isEmpty();
    }

    @Test
    void awaitStdoutCountsOccurrences() throws IOException {
        Clients.exchange(shared.port(), Article.ascii("GET / HTTP/1.0\nHost: twice\n\n"), LIMIT);
        Clients.exchange(shared.port(), Article.ascii("GET / HTTP/1.0\nHost: twice\n\n"), LIMIT);
        assertThat(shared.awaitStdout("Host: twice", 2, LIMIT)).contains("Host: twice");
    }

    @Test
    void awaitStderrWaitsForALineOnStderr() throws IOException {
        // A child of its own: the shared one's stderr must stay empty for another test.
        try (ChapterProcess child = ChapterProcess.start(ChapterProcess.Launcher.PLAIN, FAKE, "0", "1")) {
            assertThat(Clients.halfClose(child.port(), Article.ascii("GET /"), LIMIT)).isEmpty();
            assertThat(child.awaitStderr("hung up on after 5 bytes", LIMIT)).contains("no complete request");
            assertThatThrownBy(() -> child.awaitStderr("never printed", Duration.ofMillis(200)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("timed out after 200 ms")
                    .hasMessageContaining("\"never printed\" on stderr");
        }
    }

    @Test
    void awaitStdoutTimesOutShowingTheOutput() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> shared.awaitStdout("never printed", Duration.ofMillis(200)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("timed out after 200 ms")
                .hasMessageContaining("\"never printed\"")
                .hasMessageContaining("(running): " + FAKE + " 0 7")
                .hasMessageContaining("--- stdout ---\nlistening on 0.0.0.0:" + shared.port());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void procProbesSeeTheChild() throws IOException {
        // A child of its own: another test may hold the shared one's sockets.
        try (ChapterProcess child = ChapterProcess.start(ChapterProcess.Launcher.PLAIN, FAKE, "0", "1")) {
            Clients.exchange(child.port(), Article.REQUEST, LIMIT);
            // Socket inodes, not a count taken once: java.net.Socket.close() sends
            // FIN before it closes the descriptor, so the served connection may
            // still be open here, and the JVM opens a socket of its own on its
            // first accept. Only sockets: it may open a file at any moment.
            Set<Long> before = Proc.socketInodes(child.pid());
            try (Socket held = Clients.connect(child.port(), LIMIT)) {
                // FakeServer accepts it and waits for its request: a new socket.
                Await.until(() -> !before.containsAll(Proc.socketInodes(child.pid())), LIMIT,
                        "the accepted connection's socket");
                // The first connection was closed after its reply.
                Set<Long> holding = Proc.socketInodes(child.pid());
                assertThat(Proc.openSockets(child.pid())).isEqualTo(holding.size());
                Set<Long> accepted = new HashSet<>(holding);
                accepted.removeAll(before);
                assertThat(accepted).hasSize(1);
                held.close();
                Await.until(() -> Proc.openSockets(child.pid()) == holding.size() - 1, LIMIT, "the socket to be closed");
                assertThat(Proc.socketInodes(child.pid())).doesNotContainAnyElementsOf(accepted);
            }
            assertThat(Proc.cpuTicks(child.pid())).isPositive(); // starting a JVM takes well over 10 ms of CPU
            assertThat(Proc.rssKiB(child.pid())).isGreaterThan(10_000);
        }
    }

    @Test
    void anOpenFileLimitReachesTheChildJvm() throws IOException {
        try (ChapterProcess child = ChapterProcess.start(ChapterProcess.Launcher.openFileLimit(200), FAKE, "0", "1")) {
            // /proc/PID/limits: "Max open files   200   200   files" (soft, hard, unit).
            assertThat(Files.readAllLines(Path.of("/proc", Long.toString(child.pid()), "limits")))
                    .anySatisfy(line -> assertThat(line).matches("Max open files +200 +200 +files *"));
            assertThat(Clients.exchange(child.port(), Article.REQUEST, LIMIT)).isEqualTo(Article.RESPONSE);
            assertThat(child.toString()).contains("[ulimit -n 200] " + FAKE + " 0 1");
        }
        assertThatThrownBy(() -> ChapterProcess.start(ChapterProcess.Launcher.openFileLimit(-1), FAKE, "0"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closeKillsTheChildAndCanBeRepeated() {
        ChapterProcess child = ChapterProcess.start(ChapterProcess.Launcher.PLAIN, FAKE, "0", "1");
        long pid = child.pid();
        child.close();
        assertThat(child.isAlive()).isFalse();
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        child.close();
        assertThat(child.stdout()).startsWith("listening on");
    }

    @Test
    void runReportsExitCodeAndOutputOfBadArguments() {
        ChapterProcess.Finished finished = ChapterProcess.run(LIMIT, FAKE, "not-a-port");
        assertThat(finished.exitCode()).isEqualTo(2);
        assertThat(finished.stdout()).isEmpty();
        assertThat(finished.stderr().lines()).singleElement().asString().contains("not-a-port");
        assertThat(ChapterProcess.jniWarnings(finished.stdout() + finished.stderr())).isEmpty();
    }

    @Test
    void runReportsABusyPort() throws IOException {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            String port = Integer.toString(busy.getLocalPort());
            ChapterProcess.Finished finished = ChapterProcess.run(LIMIT, FAKE, port);
            assertThat(finished.exitCode()).isEqualTo(2);
            assertThat(finished.stderr()).startsWith("cannot listen on port " + port);
        }
    }

    @Test
    void startFailsAtOnceWhenTheChildExitsWithoutTheStartUpLine() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> ChapterProcess.start(ChapterProcess.Launcher.PLAIN, FAKE, "0", "1", "extra"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("exited without the start-up line")
                .hasMessageContaining("(exit code 2)")
                .hasMessageContaining("too many arguments");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(ChapterProcess.START_LIMIT);
    }

    @Test
    void runKillsAChildThatDoesNotExitInTime() {
        Set<Long> before = childPids();
        assertThatThrownBy(() -> ChapterProcess.run(Duration.ofMillis(300), FAKE, "0"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("timed out after 300 ms waiting for the process to exit");
        assertThat(childPids()).isSubsetOf(before);
    }

    @Test
    void startQuietFindsThePortInProcAndSendsStdoutToDevNull() throws IOException {
        try (ChapterProcess child = ChapterProcess.startQuiet(javaCommand(FAKE, "0", "5"))) {
            assertThat(child.port()).isPositive();
            assertThat(Clients.exchange(child.port(), Article.REQUEST, LIMIT)).isEqualTo(Article.RESPONSE);
            assertThat(Clients.halfClose(child.port(), Article.ascii("GET /"), LIMIT)).isEmpty();
            child.awaitStderr("hung up on after 5 bytes", LIMIT); // stderr is still captured
            assertThat(child.stdout()).isEmpty();
            assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(child.pid()), "fd", "1")))
                    .isEqualTo(Path.of("/dev/null"));
        }
    }

    @Test
    void startQuietReportsAServerThatExitsBeforeListening() {
        assertThatThrownBy(() -> ChapterProcess.startQuiet(javaCommand(FAKE, "not-a-port")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("exited without a listening socket")
                .hasMessageContaining("(exit code 2)")
                .hasMessageContaining("not-a-port");
    }

    @Test
    void runTakesAnyCommand() {
        ChapterProcess.Finished finished = ChapterProcess.run(LIMIT, List.of("/bin/sh", "-c", "echo out; echo err >&2; exit 3"));
        assertThat(finished.exitCode()).isEqualTo(3);
        assertThat(finished.stdout()).isEqualTo("out\n");
        assertThat(finished.stderr()).isEqualTo("err\n");
    }

    private static List<String> javaCommand(String... program) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        command.addAll(List.of(program));
        return command;
    }

    @Test
    void heapHistogramFiguresComeFromTheChild() {
        long bytes = shared.liveByteArrayBytes();
        long all = shared.liveHeapBytes();
        assertThat(bytes).isPositive(); // a JVM always holds byte arrays (strings are made of them)
        assertThat(all).isGreaterThan(bytes);
    }

    @Test
    void jniWarningsPicksOnlyWarningLines() {
        String output = "listening on 0.0.0.0:1 (backlog 1)\n"
                + "WARNING in native method: JNI call made without checking exceptions\n"
                + "WARNING: A restricted method in java.lang.System has been called\n"
                + "WARNING: Use --enable-native-access=ALL-UNNAMED to avoid a warning\n"
                + "WARNING: something else\n";
        assertThat(ChapterProcess.jniWarnings(output)).hasSize(3).noneMatch(line -> line.contains("something else"));
    }

    private static Set<Long> childPids() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .map(ProcessHandle::pid).collect(Collectors.toSet());
    }
}
