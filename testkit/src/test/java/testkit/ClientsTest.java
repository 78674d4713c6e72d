package testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import testkit.FakeServer.End;

class ClientsTest {

    private static final int CAP = 4096;
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration LIMIT = Duration.ofSeconds(10);

    private FakeServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = new FakeServer(64, CAP);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void exchangeSendsTheRequestAndReadsTheWholeReply() throws IOException {
        assertThat(Clients.exchange(server.port(), Article.REQUEST, LIMIT)).isEqualTo(Article.RESPONSE);
        FakeServer.Seen seen = server.awaitSeen(1);
        assertThat(seen.bytes()).isEqualTo(Article.REQUEST);
        assertThat(seen.end()).isEqualTo(End.REQUEST);
    }

    @Test
    void dribbledAndSegmentedRequestsArriveWhole() throws IOException {
        int dribbled = Article.REQUEST_LF.length;
        assertThat(Clients.exchangeInSegments(server.port(), Article.REQUEST_LF, dribbled, LIMIT)).isEqualTo(Article.RESPONSE);
        assertThat(Clients.exchangeInSegments(server.port(), Article.REQUEST, 2, LIMIT)).isEqualTo(Article.RESPONSE);
        assertThat(server.awaitSeen(1).bytes()).isEqualTo(Article.REQUEST_LF);
        assertThat(server.awaitSeen(2).bytes()).isEqualTo(Article.REQUEST);
    }

    @Test
    void segmentsMustBeBetweenOneAndOneByteEach() {
        assertThatThrownBy(() -> Clients.exchangeInSegments(server.port(), Article.REQUEST, 0, LIMIT))
                .isInstanceOf(IllegalArgumentException.class);
        int tooMany = Article.REQUEST.length + 1;
        assertThatThrownBy(() -> Clients.exchangeInSegments(server.port(), Article.REQUEST, tooMany, LIMIT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void silentClientSendsOnlyEndOfStream() throws IOException {
        Clients.connect(server.port(), LIMIT).close();
        FakeServer.Seen seen = server.awaitSeen(1);
        assertThat(seen.end()).isEqualTo(End.EOF);
        assertThat(seen.bytes()).isEmpty();
    }

    @Test
    void halfCloseSendsPartThenEndOfStreamAndReadsWhatComesBack() throws IOException {
        byte[] reply = Clients.halfClose(server.port(), Article.ascii("GET / HTTP/1.0\r\n"), LIMIT);
        assertThat(reply).isEmpty();
        FakeServer.Seen seen = server.awaitSeen(1);
        assertThat(seen.end()).isEqualTo(End.EOF);
        assertThat(seen.text()).isEqualTo("GET / HTTP/1.0\r\n");
    }

    @Test
    void resetAfterAbortsTheConnection() throws IOException {
        Clients.resetAfter(server.port(), Article.ascii("GET / HT"), LIMIT);
        assertThat(server.awaitSeen(1).end()).isEqualTo(End.RESET);
    }

    @Test
    void floodIsCutOffWhenTheServerCloses() throws IOException {
        FloodResult flood = Clients.flood(server.port(), 64 * 1024 * 1024, LIMIT);
        assertThat(flood.wasCutOff()).as("%s", flood).isTrue();
        assertThat(flood.bytesSent()).isBetween((long) CAP, 64L * 1024 * 1024 - 1);
        assertThat(flood.bytesReceived()).isZero();
        FakeServer.Seen seen = server.awaitSeen(1);
        assertThat(seen.end()).isEqualTo(End.CAP);
        assertThat(seen.text()).hasSize(CAP).startsWith("GET /AAAA").matches("GET /A+");
    }

    @Test
    void floodOfAServerThatNeverReadsEndsAtTheLimit() throws IOException {
        try (ServerSocket neverAccepts = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            long start = System.nanoTime();
            FloodResult flood = Clients.flood(neverAccepts.getLocalPort(), 64 * 1024 * 1024, SHORT);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(flood.cutOff()).isEqualTo(FloodResult.CutOff.NONE);
            // The kernel buffered some (the handshake completed), then writes would block.
            assertThat(flood.bytesSent()).isBetween(1L, 64L * 1024 * 1024 - 1);
        }
    }

    @Test
    void idleClientsAreOpenedAtThePaceTheServerAcceptsThem() throws IOException {
        try (FakeServer oneSlot = new FakeServer(1, CAP)) {
            try (IdleClients idle = Clients.openIdle(oneSlot.port(), 50, Duration.ofSeconds(5))) {
                assertThat(idle.size()).isEqualTo(50);
                assertThat(oneSlot.accepted()).isEqualTo(50);
                assertThat(oneSlot.seen()).isEmpty();
                // The server still answers someone else.
                assertThat(Clients.exchange(oneSlot.port(), Article.REQUEST, LIMIT)).isEqualTo(Article.RESPONSE);
            }
            assertThat(oneSlot.awaitSeen(51).end()).isEqualTo(End.EOF);
        }
    }

    @Test
    void idleClientsFailClearlyWhenTheServerDoesNotAccept() throws IOException {
        try (ServerSocket neverAccepts = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> Clients.openIdle(neverAccepts.getLocalPort(), 3, SHORT))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("timed out after 300 ms")
                    .hasMessageContaining("to accept idle connection 1 of 3");
        }
    }

    @Test
    void concurrentClientsAllGetTheReply() {
        List<byte[]> replies = Clients.concurrent(server.port(), 32, Article.REQUEST, Duration.ofSeconds(5));
        assertThat(replies).hasSize(32).allSatisfy(reply -> assertThat(reply).isEqualTo(Article.RESPONSE));
        assertThat(server.awaitSeen(32).end()).isEqualTo(End.REQUEST);
    }

    @Test
    void readToEndTimesOutShowingWhatArrived() throws IOException {
        try (ServerSocket stalls = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = Clients.connect(stalls.getLocalPort(), LIMIT);
             Socket accepted = stalls.accept()) {
            OutputStream out = accepted.getOutputStream();
            out.write(Article.ascii("HTTP/1.0 2"));
            assertThatThrownBy(() -> Clients.readToEnd(client, SHORT))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("timed out after 300 ms")
                    .hasMessageContaining("received 10 bytes: \"HTTP/1.0 2\"");
        }
    }

    @Test
    void otherNetworkErrorsAreThrownAsTheyAre() throws IOException {
        int closedPort;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = gone.getLocalPort();
        }
        assertThatThrownBy(() -> Clients.exchange(closedPort, Article.REQUEST, LIMIT)).isInstanceOf(ConnectException.class);
    }

    @Test
    void printableEscapesWhatIsNotText() {
        assertThat(Clients.printable(new byte[] {'o', 'k', '\r', '\n', 0, (byte) 0xff, '\\'}))
                .isEqualTo("\"ok\\r\\n\\x00\\xff\\x5c\"");
    }
}
