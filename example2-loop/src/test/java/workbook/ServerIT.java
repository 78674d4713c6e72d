package workbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import testkit.Article;
import testkit.ChapterProcess;
import testkit.ChapterTests;
import testkit.Clients;

/** Chapter 2 serves client after client, one at a time: its lesson is what that costs. */
class ServerIT extends ChapterTests {
    @Test
    void servesConsecutiveClients() throws IOException {
        ChapterProcess chapter = start(1);
        for (int i = 0; i < 5; i++) {
            assertThat(Clients.exchange(chapter.port(), Article.REQUEST)).isEqualTo(Article.RESPONSE);
        }
        chapter.awaitStdout(Article.DASHES, 5, LIMIT);
    }

    @Test
    void anIdleClientStallsTheNextOne() throws IOException {
        ChapterProcess chapter = start(8);
        try (Socket first = Clients.connect(chapter.port()); Socket second = Clients.connect(chapter.port())) {
            // The second client asks first; the first client, accepted first, says nothing yet.
            second.getOutputStream().write(request("/second"));
            first.getOutputStream().write(request("/first"));
            assertThat(Clients.readToEnd(first, LIMIT)).isEqualTo(Article.RESPONSE);
            assertThat(Clients.readToEnd(second, LIMIT)).isEqualTo(Article.RESPONSE);
        }
        String stdout = chapter.awaitStdout("GET /second", LIMIT);
        // Though its request was sent first, the second client was served only after the first.
        assertThat(stdout.indexOf("GET /first")).isNotNegative().isLessThan(stdout.indexOf("GET /second"));
    }

    @Test
    void misbehavingClientsCostOnlyTheirOwnConnection() throws IOException {
        ChapterProcess chapter = start(8);
        assertThat(Clients.halfClose(chapter.port(), "GET / HTTP/1.0\r\n".getBytes())).isEmpty();
        Clients.resetAfter(chapter.port(), Article.REQUEST);
        assertThat(Clients.flood(chapter.port(), 64 << 20, LIMIT).wasCutOff()).isTrue();
        assertThat(Clients.exchange(chapter.port(), undecodableRequest())).isEqualTo(Article.RESPONSE);
        assertThat(Clients.exchange(chapter.port(), Article.REQUEST)).isEqualTo(Article.RESPONSE);
        assertThat(chapter.isAlive()).isTrue();
    }

    private static byte[] request(String path) {
        return ("GET " + path + " HTTP/1.0\r\n\r\n").getBytes();
    }
}
