package testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * What every chapter must do, like the article's servers: the exact reply, read to end of stream (so the server
 * closed), the printed request, one line and exit code 2 for bad arguments or a busy port. ServerITs extend it.
 */
@Timeout(120)
public abstract class ChapterTests {
    protected static final String MAIN = "workbook.Server"; // every chapter's: the module says which step it is
    protected static final Duration LIMIT = Await.patient(Duration.ofSeconds(30));
    protected static final Duration REPLY_LIMIT = Await.patient(Duration.ofSeconds(10)); // one client, connect to close
    ChapterProcess chapter; // the one start() started last

    /** A failing test's message gains what the chapter printed (testkit's waits have it), for `make test` to show. */
    @RegisterExtension
    final TestExecutionExceptionHandler chapterOutputOnFailure = (context, failure) -> {
        if (chapter == null || String.valueOf(failure.getMessage()).contains("--- stdout ---")) throw failure;
        throw new AssertionError(failure.getMessage() + "\nThe chapter: " + chapter.describe(), failure);
    };

    protected ChapterProcess start(int backlog) {
        return start(ChapterProcess.Launcher.PLAIN, backlog);
    }

    /** Starts the chapter on a free port with {@code backlog}, run by {@code launcher}; stopped after the test. */
    protected ChapterProcess start(ChapterProcess.Launcher launcher, int backlog) {
        return chapter = ChapterProcess.start(launcher, MAIN, "0", Integer.toString(backlog));
    }

    @AfterEach
    void stopServerAndCheckJni() {
        if (chapter == null) return;
        chapter.close();
        assertThat(chapter.jniWarnings()).as("JNI or native-access warnings from the chapter").isEmpty();
    }

    static void assertServedAndPrinted(ChapterProcess server, byte[] request, String firstLine) throws IOException {
        assertThat(Clients.exchange(server.port(), request, REPLY_LIMIT)).hasSize(114).isEqualTo(Article.RESPONSE);
        server.awaitStdout(Article.DASHES + "\n" + firstLine, LIMIT);
    }

    @Test
    void repliesWithTheArticlesExactResponseAndCloses() throws IOException {
        assertServedAndPrinted(start(1), Article.REQUEST, "GET / HTTP/1.0");
    }

    @Test
    void aRequestEndingInTwoLineFeedsIsComplete() throws IOException {
        assertServedAndPrinted(start(1), Article.REQUEST_LF, "GET / HTTP/1.0");
    }

    @Test
    void announcesWhereItListens() {
        assertThat(start(3).stdout()).startsWith("listening on 0.0.0.0:" + chapter.port() + " (backlog 3)");
    }

    @Test
    void undecodableBytesArePrintedNotFatal() throws IOException {
        assertServedAndPrinted(start(1), Article.undecodableRequest(), "GET /\uFFFD HTTP/1.0");
    }

    /** Ctrl-C: the JVM runs its shutdown hooks and halts with 128 + 2 (no finally); the kernel frees the port. */
    @Test
    void ctrlCEndsItAndTheKernelReleasesThePort() {
        int port = start(ChapterProcess.Launcher.DEFAULT_SIGINT, 1).port();
        chapter.signal("INT");
        assertThat(chapter.awaitExit(LIMIT)).as("exit code after SIGINT (128 + 2)").isEqualTo(130);
        assertThat(Proc.listeners()).as("listening sockets after the exit").noneMatch(l -> l.port() == port);
    }

    /** Closing first leaves the served connection in TIME_WAIT for a minute: SO_REUSEADDR lets a new server bind. */
    @Test
    void restartsOnTheSamePortRightAfterServing() throws IOException {
        int port = start(1).port();
        assertThat(Clients.exchange(port, Article.REQUEST, REPLY_LIMIT)).isEqualTo(Article.RESPONSE);
        chapter.close();
        assertThat(Proc.tcpStates(port)).as("sockets on port %d once the server is gone", port).contains("TIME_WAIT");
        try (var second = ChapterProcess.start(ChapterProcess.Launcher.PLAIN, MAIN, Integer.toString(port), "1")) {
            assertThat(Clients.exchange(second.port(), Article.REQUEST, REPLY_LIMIT)).isEqualTo(Article.RESPONSE);
            assertThat(second.jniWarnings()).as("JNI or native-access warnings from the second server").isEmpty();
        }
    }

    @Test
    void badArgumentsGiveOneLineAndExitCode2() {
        for (String[] args : new String[][] {{"port"}, {"70000"}, {"-1"}, {"8080", "many"}, {"1", "2", "3"}}) {
            assertOneLineError(String.join(" ", args), args);
        }
    }

    @Test
    void aBusyPortGivesOneLineAndExitCode2() throws IOException {
        try (ServerSocket occupant = new ServerSocket(0)) {
            String port = Integer.toString(occupant.getLocalPort());
            assertThat(assertOneLineError("busy port " + port, port)).contains(port);
        }
    }

    private static String assertOneLineError(String what, String... args) {
        ChapterProcess.Finished finished = ChapterProcess.run(LIMIT, MAIN, args);
        assertThat(finished.exitCode()).as("exit code for %s", what).isEqualTo(2);
        assertThat(finished.stderr().strip().lines()).as("stderr for %s", what).hasSize(1);
        assertThat(finished.stderr()).as("stderr for %s", what).startsWith("error: ").doesNotContain("Exception");
        return finished.stderr();
    }
}
