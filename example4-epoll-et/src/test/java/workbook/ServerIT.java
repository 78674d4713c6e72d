package workbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import testkit.Article;
import testkit.Await;
import testkit.ChapterProcess;
import testkit.Clients;
import testkit.EpollChapterTests;
import testkit.Proc;

/**
 * Chapter 4 passes the epoll contract, and shows that each edge-triggered
 * drain loop drains: one edge may stand for many bytes or many connections,
 * and whatever a loop leaves behind is never reported again. (A request longer
 * than one recv, in the contract, needs the read loop.)
 */
class ServerIT extends EpollChapterTests {
    @Test
    void everyRegistrationIsEdgeTriggered() throws IOException {
        startServing();
        assertEveryRegistration(true, "chapter 4 registers every descriptor with EPOLLET");
    }

    @Test
    void aRequestArrivingInManySegmentsIsServed() throws IOException {
        ChapterProcess chapter = startServing();
        assertThat(Clients.exchangeInSegments(chapter.port(), Article.REQUEST, 20, REPLY_LIMIT)).isEqualTo(Article.RESPONSE);
        assertHealthy();
    }

    /**
     * Twenty connections complete their handshakes while the server is stopped (SIGSTOP: the
     * kernel still answers them), so when it resumes they make one edge on the listening socket.
     */
    @Test
    void connectionsThatQueuedWhileTheServerWasStoppedAreAllAccepted() throws IOException {
        ChapterProcess chapter = startServing();
        List<Socket> burst = new ArrayList<>();
        try {
            chapter.signal("STOP");
            try {
                for (int i = 0; i < 20; i++) {
                    burst.add(Clients.connect(chapter.port(), REPLY_LIMIT));
                }
                Await.until(() -> Proc.acceptQueueLength(chapter.port()) == 20, LIMIT, "20 connections in the accept queue");
            } finally {
                chapter.signal("CONT");
            }
            for (Socket socket : burst) {
                socket.getOutputStream().write(Article.REQUEST);
            }
            for (int i = 0; i < burst.size(); i++) {
                assertThat(Clients.readToEnd(burst.get(i), LIMIT))
                        .as("reply to connection %d of 20: chapter 4's lesson is that one edge on the listening socket"
                                + " can stand for many connections, so the accept loop must drain the queue", i + 1)
                        .isEqualTo(Article.RESPONSE);
            }
        } finally {
            for (Socket socket : burst) {
                socket.close();
            }
        }
        assertHealthy();
    }
}
