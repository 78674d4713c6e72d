package workbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import testkit.Article;
import testkit.ChapterProcess;
import testkit.Clients;
import testkit.EpollChapterTests;

/**
 * Chapter 4 passes the epoll contract, and shows that each edge-triggered
 * drain loop drains: one edge may stand for many segments or many
 * connections, and whatever a loop leaves behind is never reported again.
 */
class ServerIT extends EpollChapterTests {
    @Test
    void aRequestArrivingInManySegmentsIsServed() throws IOException {
        ChapterProcess chapter = startServing();
        assertThat(Clients.exchangeInSegments(chapter.port(), Article.REQUEST, 20)).isEqualTo(Article.RESPONSE);
        assertHealthy();
    }

    @Test
    void aRequestLongerThanOneRecvIsServed() throws IOException {
        ChapterProcess chapter = startServing();
        // 5 KiB of headers: the recv loop must go round several times on one edge.
        String header = "X-Padding: " + "p".repeat(5000) + "\r\n";
        byte[] request = ("GET / HTTP/1.0\r\n" + header + "\r\n").getBytes();
        assertThat(Clients.exchange(chapter.port(), request)).isEqualTo(Article.RESPONSE);
        assertHealthy();
    }

    @Test
    void aBurstOfConnectionsArrivingTogetherIsAllAccepted() throws IOException {
        ChapterProcess chapter = startServing();
        List<Socket> burst = new ArrayList<>();
        try {
            // Connect them all before any sends: the accept loop must take every one of them.
            for (int i = 0; i < 50; i++) {
                burst.add(Clients.connect(chapter.port()));
            }
            for (Socket socket : burst) {
                socket.getOutputStream().write(Article.REQUEST);
            }
            for (Socket socket : burst) {
                assertThat(Clients.readToEnd(socket, LIMIT)).isEqualTo(Article.RESPONSE);
            }
        } finally {
            for (Socket socket : burst) {
                socket.close();
            }
        }
        assertHealthy();
    }
}
