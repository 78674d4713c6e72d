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
 * What every chapter must do, as the article's servers do it: the exact reply, the printed request, the closed
 * connection, and one clear line with exit code 2 for bad arguments or a busy port. A chapter's {@code ServerIT}
 * extends this (or {@link EpollChapterTests}) and adds what its step teaches.
 */
@Timeout(120)
public abstract class ChapterTests {
    /** Every chapter's main class: the module says which step it is. */
    protected static final String MAIN = "workbook.Server";
    protected static final Duration LIMIT = Await.patient(Duration.ofSeconds(30));
    /** One client's exchange with the chapter, connect to close. */
    protected static final Duration REPLY_LIMIT = Await.patient(Duration.ofSeconds(10));

    private ChapterProcess server;

    /** A failing test's message gains what the chapter printed (testkit's waits have it), for `make test` to show. */
    @RegisterExtension
    final TestExecutionExceptionHandler chapterOutputOnFailure = (context, failure) -> {
        String message = String.valueOf(failure.getMessage());
        if (server == null || message.contains("--- stdout ---")) {
            throw failure;
        }
        throw new AssertionError(message + "\nThe chapter: " + server.describe(), failure);
    };

    /** Starts the chapter on a free port with the given listen backlog; stopped after the test. */
    protected ChapterProcess start(int backlog) {
        return start(ChapterProcess.Launcher.PLAIN, backlog);
    }

    /** As {@link #start(int)}, run by {@code launcher}: under strace, an open-file limit, a working Ctrl-C. */
    protected ChapterProcess start(ChapterProcess.Launcher launcher, int backlog) {
        server = ChapterProcess.start(launcher, MAIN, "0", Integer.toString(backlog));
        return server;
    }

    @AfterEach
    void stopServerAndCheckJni() {
        if (server != null) {
            server.close();
            assertThat(server.jniWarnings()).as("JNI or native-access warnings from the chapter").isEmpty();
        }
    }

    @Test
    void repliesWithTheArticlesExactResponseAndCloses() throws IOException {
        ChapterProcess chapter = start(1);
        // exchange() reads to end of stream: it returns only once the server has closed the connection.
        byte[] reply = Clients.exchange(chapter.port(), Article.REQUEST, REPLY_LIMIT);
        assertThat(reply).hasSize(114).isEqualTo(Article.RESPONSE);
        chapter.awaitStdout(Article.DASHES + "\nGET / HTTP/1.0", LIMIT);
    }

    @Test
    void aRequestEndingInTwoLineFeedsIsComplete() throws IOException {
        ChapterProcess chapter = start(1);
        assertThat(Clients.exchange(chapter.port(), Article.REQUEST_LF, REPLY_LIMIT)).isEqualTo(Article.RESPONSE);
        chapter.awaitStdout(Article.DASHES + "\nGET / HTTP/1.0", LIMIT);
    }

    @Test
    void announcesWhereItListens() {
        ChapterProcess chapter = start(3);
        assertThat(chapter.stdout()).startsWith("listening on 0.0.0.0:" + chapter.port() + " (backlog 3)");
    }

    @Test
    void undecodableBytesArePrintedNotFatal() throws IOException {
        ChapterProcess chapter = start(1);
        assertThat(Clients.exchange(chapter.port(), Article.undecodableRequest(), REPLY_LIMIT))
                .isEqualTo(Article.RESPONSE);
        chapter.awaitStdout(Article.DASHES + "\nGET /\uFFFD HTTP/1.0", LIMIT);
    }

    /**
     * Ctrl-C sends SIGINT: the JVM runs its shutdown hooks and halts with 128 + 2, so
     * main's finally does not run. The kernel closes every descriptor of a process that
     * ends, so the port is free at once all the same.
     */
    @Test
    void ctrlCEndsItAndTheKernelReleasesThePort() {
        ChapterProcess chapter = start(ChapterProcess.Launcher.DEFAULT_SIGINT, 1);
        chapter.signal("INT");
        assertThat(chapter.awaitExit(LIMIT)).as("exit code after SIGINT (128 + 2)").isEqualTo(130);
        assertThat(Proc.listeners()).as("listening sockets after the exit").noneMatch(l -> l.port() == chapter.port());
    }

    /**
     * The chapter closes each connection first, so the connection it served waits in
     * TIME_WAIT on the server's side for a minute; SO_REUSEADDR is what lets a new server
     * bind the port meanwhile.
     */
    @Test
    void restartsOnTheSamePortRightAfterServing() throws IOException {
        ChapterProcess first = start(1);
        int port = first.port();
        assertThat(Clients.exchange(port, Article.REQUEST, REPLY_LIMIT)).isEqualTo(Article.RESPONSE);
        first.close();
        assertThat(Proc.tcpStates(port)).as("sockets on port %d once the server is gone", port).contains("TIME_WAIT");
        try (ChapterProcess second =
                ChapterProcess.start(ChapterProcess.Launcher.PLAIN, MAIN, Integer.toString(port), "1")) {
            assertThat(Clients.exchange(second.port(), Article.REQUEST, REPLY_LIMIT)).isEqualTo(Article.RESPONSE);
            assertThat(second.jniWarnings()).as("JNI or native-access warnings from the second server").isEmpty();
        }
    }

    @Test
    void badArgumentsGiveOneLineAndExitCode2() {
        for (String[] args : new String[][] {{"port"}, {"70000"}, {"-1"}, {"8080", "many"}, {"1", "2", "3"}}) {
            ChapterProcess.Finished finished = ChapterProcess.run(LIMIT, MAIN, args);
            assertOneLineError(finished, String.join(" ", args));
        }
    }

    @Test
    void aBusyPortGivesOneLineAndExitCode2() throws IOException {
        try (ServerSocket occupant = new ServerSocket(0)) {
            String port = Integer.toString(occupant.getLocalPort());
            ChapterProcess.Finished finished = ChapterProcess.run(LIMIT, MAIN, port);
            assertOneLineError(finished, "busy port " + occupant.getLocalPort());
            assertThat(finished.stderr()).contains(Integer.toString(occupant.getLocalPort()));
        }
    }

    private static void assertOneLineError(ChapterProcess.Finished finished, String what) {
        assertThat(finished.exitCode()).as("exit code for %s", what).isEqualTo(2);
        assertThat(finished.stderr().strip().lines()).as("stderr for %s", what).hasSize(1);
        assertThat(finished.stderr()).as("stderr for %s", what).startsWith("error: ").doesNotContain("Exception");
    }
}
