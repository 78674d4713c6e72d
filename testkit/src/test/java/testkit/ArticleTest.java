package testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ArticleTest {

    @Test
    void responseIsTheArticles114Bytes() {
        String response = new String(Article.RESPONSE, StandardCharsets.US_ASCII);
        assertThat(Article.RESPONSE).hasSize(114);
        assertThat(response).startsWith("HTTP/1.0 200 OK\r\n").endsWith("\r\n\r\nHello, world!");
        // The body is as long as the header says.
        assertThat(response.substring(response.indexOf("\r\n\r\n") + 4)).hasSize(13);
    }

    @Test
    void requestsEndTheWayTheChaptersLookFor() {
        assertThat(new String(Article.REQUEST, StandardCharsets.US_ASCII)).startsWith("GET / HTTP/1.0\r\n")
                .endsWith("\n\r\n");
        assertThat(new String(Article.REQUEST_LF, StandardCharsets.US_ASCII)).endsWith("\n\n")
                .doesNotContain("\r");
        assertThat(Article.DASHES).hasSize(40).matches("-+");
    }
}
