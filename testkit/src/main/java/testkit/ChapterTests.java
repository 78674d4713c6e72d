package testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every chapter must do, as the article's servers do it: the exact
 * reply, the printed request, the closed connection, and one clear line
 * with exit code 2 for bad arguments or a busy port. A chapter's
 * {@code ServerIT} extends this (or {@link EpollChapterTests}) and adds what
 * its step teaches.
 */
@Timeout(120)
public abstract class ChapterTests {
    /** Every chapter's main class: the module says which step it is. */
    protected static final String MAIN = "workbook.Server";
    protected static final Duration LIMIT = Duration.ofSeconds(30);

    private ChapterProcess server;

    /** Starts the chapter on a free port with the given listen backlog; stopped after the test. */
    protected ChapterProcess start(int backlog) {
        return startWithOpenFileLimit(backlog, 0);
    }

    /** As {@link #start(int)}, with a limit on the chapter's open files (0: inherited). */
    protected ChapterProcess startWithOpenFileLimit(int backlog, int openFiles) {
        server = ChapterProcess.startWithOpenFileLimit(openFiles, MAIN, "0", Integer.toString(backlog));
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
        byte[] reply = Clients.exchange(chapter.port(), Article.REQUEST);
        assertThat(reply).hasSize(114).isEqualTo(Article.RESPONSE);
        chapter.awaitStdout(Article.DASHES + "\nGET / HTTP/1.0", LIMIT);
    }

    @Test
    void aRequestEndingInTwoLineFeedsIsComplete() throws IOException {
        ChapterProcess chapter = start(1);
        assertThat(Clients.exchange(chapter.port(), Article.REQUEST_LF)).isEqualTo(Article.RESPONSE);
        chapter.awaitStdout(Article.DASHES + "\nGET / HTTP/1.0", LIMIT);
    }

    @Test
    void announcesWhereItListens() {
        ChapterProcess chapter = start(3);
        assertThat(chapter.stdout()).startsWith("listening on 0.0.0.0:" + chapter.port() + " (backlog 3)");
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
            ChapterProcess.Finished finished = ChapterProcess.run(LIMIT, MAIN, Integer.toString(occupant.getLocalPort()));
            assertOneLineError(finished, "busy port " + occupant.getLocalPort());
            assertThat(finished.stderr()).contains(Integer.toString(occupant.getLocalPort()));
        }
    }

    private static void assertOneLineError(ChapterProcess.Finished finished, String what) {
        assertThat(finished.exitCode()).as("exit code for %s", what).isEqualTo(2);
        assertThat(finished.stderr().strip().lines()).as("stderr for %s", what).hasSize(1);
        assertThat(finished.stderr()).as("stderr for %s", what).startsWith("error: ").doesNotContain("Exception");
    }

    /** Bytes that are not UTF-8, then a complete request's end. */
    protected static byte[] undecodableRequest() {
        byte[] head = "GET /\u00ff HTTP/1.0\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] bad = {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, (byte) 0x28, '\r', '\n', '\r', '\n'};
        byte[] both = new byte[head.length + bad.length];
        System.arraycopy(head, 0, both, 0, head.length);
        System.arraycopy(bad, 0, both, head.length, bad.length);
        return both;
    }
}
