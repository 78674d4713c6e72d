package workbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import testkit.Article;
import testkit.Await;
import testkit.ChapterProcess;
import testkit.ChapterTests;
import testkit.Clients;
import testkit.Proc;

/** Chapter 2 serves client after client, one at a time: its lesson is what that costs. */
class ServerIT extends ChapterTests {
    /** How long a stalled client is watched getting nothing: the stall is the lesson, so it is waited out. */
    private static final Duration STALL = Duration.ofSeconds(1);

    @Test
    void servesConsecutiveClients() throws IOException {
        ChapterProcess chapter = start(1);
        for (int i = 0; i < 5; i++) {
            assertThat(Clients.exchange(chapter.port(), Article.REQUEST, REPLY_LIMIT)).isEqualTo(Article.RESPONSE);
        }
        chapter.awaitStdout(Article.DASHES, 5, LIMIT);
    }

    @Test
    void anIdleClientStallsTheNextOne() throws IOException {
        ChapterProcess chapter = start(8);
        try (Socket first = Clients.connect(chapter.port(), REPLY_LIMIT)) {
            // Accepted: the server now waits in recv for the first client's request.
            Await.until(() -> Proc.acceptQueueLength(chapter.port()) == 0, LIMIT, "the server to accept the first client");
            try (Socket second = Clients.connect(chapter.port(), REPLY_LIMIT)) {
                second.getOutputStream().write(request("/second"));
                second.setSoTimeout((int) STALL.toMillis());
                assertThat(catchThrowable(() -> second.getInputStream().read()))
                        .as("chapter 2's lesson: while the first client says nothing, the second, complete request"
                                + " gets no answer for a second (a blocking loop serves one client at a time)")
                        .isInstanceOf(SocketTimeoutException.class);
                first.getOutputStream().write(request("/first"));
                assertThat(Clients.readToEnd(first, LIMIT)).isEqualTo(Article.RESPONSE);
                assertThat(Clients.readToEnd(second, LIMIT)).isEqualTo(Article.RESPONSE);
            }
        }
        String stdout = chapter.awaitStdout("GET /second", LIMIT);
        assertThat(stdout.indexOf("GET /first")).as("the first client served first").isNotNegative()
                .isLessThan(stdout.indexOf("GET /second"));
    }

    /**
     * listen(backlog) lets backlog + 1 finished handshakes wait for accept (sk_acceptq_is_full
     * tests "more than"); while they do, the kernel drops further SYNs and counts each in
     * ListenOverflows. The server is kept busy with a silent client so nothing is accepted.
     */
    @Test
    void theAcceptQueueHoldsBacklogPlusOneAndDropsTheRest() throws IOException {
        int backlog = 1;
        ChapterProcess chapter = start(backlog);
        List<SocketChannel> crowd = new ArrayList<>();
        try (Socket silent = Clients.connect(chapter.port(), REPLY_LIMIT)) {
            Await.until(() -> Proc.acceptQueueLength(chapter.port()) == 0, LIMIT, "the server to accept the silent client");
            long overflowsBefore = Proc.tcpExtCounter("ListenOverflows");
            for (int i = 0; i < 5; i++) {
                SocketChannel channel = SocketChannel.open();
                crowd.add(channel);
                channel.configureBlocking(false);
                channel.connect(new InetSocketAddress("127.0.0.1", chapter.port()));
            }
            Await.until(() -> Proc.acceptQueueLength(chapter.port()) == backlog + 1
                            && Proc.tcpExtCounter("ListenOverflows") > overflowsBefore, LIMIT,
                    () -> "the accept queue to hold backlog + 1 = " + (backlog + 1) + " connections and the kernel to"
                            + " drop the next SYN (queue now " + Proc.acceptQueueLength(chapter.port())
                            + ", ListenOverflows +" + (Proc.tcpExtCounter("ListenOverflows") - overflowsBefore) + ")");
            assertThat(Proc.acceptQueueLength(chapter.port())).as("accept queue with listen(1)").isEqualTo(backlog + 1);
        } finally {
            for (SocketChannel channel : crowd) {
                channel.close();
            }
        }
    }

    @Test
    void aClientThatHalfClosesMidRequestCostsOnlyItsConnection() throws IOException {
        ChapterProcess chapter = start(8);
        assertThat(Clients.halfClose(chapter.port(), Article.REQUEST_LINE, REPLY_LIMIT)).isEmpty();
        chapter.awaitStderr("the client closed before its request was complete", LIMIT);
        assertThat(Clients.exchange(chapter.port(), Article.REQUEST, REPLY_LIMIT)).isEqualTo(Article.RESPONSE);
    }

    @Test
    void aResetCostsOnlyItsConnection() throws IOException {
        ChapterProcess chapter = start(8);
        Clients.resetAfter(chapter.port(), Article.REQUEST, REPLY_LIMIT);
        Clients.resetAfter(chapter.port(), Article.REQUEST_LINE, REPLY_LIMIT);
        assertThat(Clients.exchange(chapter.port(), Article.REQUEST, REPLY_LIMIT)).isEqualTo(Article.RESPONSE);
        assertThat(chapter.isAlive()).isTrue();
    }

    @Test
    void aFloodWithoutATerminatorIsCutOff() throws IOException {
        ChapterProcess chapter = start(8);
        assertThat(Clients.flood(chapter.port(), 64 << 20, LIMIT).wasCutOff()).as("the flood was cut off").isTrue();
        chapter.awaitStderr("cut off", LIMIT);
        assertThat(Clients.exchange(chapter.port(), Article.REQUEST, REPLY_LIMIT)).isEqualTo(Article.RESPONSE);
    }

    @Test
    void undecodableBytesDoNotStopTheLoop() throws IOException {
        ChapterProcess chapter = start(8);
        assertThat(Clients.exchange(chapter.port(), Article.undecodableRequest(), REPLY_LIMIT)).isEqualTo(Article.RESPONSE);
        assertThat(Clients.exchange(chapter.port(), Article.REQUEST, REPLY_LIMIT)).isEqualTo(Article.RESPONSE);
    }

    private static byte[] request(String path) {
        return Article.ascii("GET " + path + " HTTP/1.0\r\n\r\n");
    }
}
