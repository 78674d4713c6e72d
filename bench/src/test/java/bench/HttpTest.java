package bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import testkit.Article;

class HttpTest {
    private static final byte[] RESPONSE = Article.RESPONSE;

    @Test
    void theResponseIsTheArticles114BytesReadOnly() {
        assertThat(Http.RESPONSE.remaining()).isEqualTo(114);
        assertThat(Http.RESPONSE.isReadOnly()).isTrue();
        assertThat(Http.RESPONSE.mismatch(ByteBuffer.wrap(RESPONSE))).isEqualTo(-1);
    }

    @Test
    void paddingLengthensTheRequestByAHeader() {
        String plain = new String(Http.request("127.0.0.1:80", 0), StandardCharsets.US_ASCII);
        String padded = new String(Http.request("127.0.0.1:80", 4000), StandardCharsets.US_ASCII);
        assertThat(plain).startsWith("GET / HTTP/1.0\r\nHost: 127.0.0.1:80\r\n").endsWith("\r\n\r\n").doesNotContain("X-Padding");
        assertThat(padded).contains("\r\nX-Padding: " + "x".repeat(4000) + "\r\n\r\n").endsWith("\r\n\r\n");
        assertThat(padded).hasSize(plain.length() + "X-Padding: \r\n".length() + 4000);
    }

    @Test
    void endOfRequestIsEitherTerminator() {
        assertThat(eol("GET / HTTP/1.0\n\n")).isTrue();
        assertThat(eol("GET / HTTP/1.0\r\n\r\n")).isTrue();
        assertThat(eol("GET / HTTP/1.0\r\n")).isFalse();
        assertThat(eol("\r\n\r")).isFalse();
        assertThat(eol("")).isFalse();
    }

    @Test
    void judgesRepliesByTheirBytes() {
        ByteBuffer expected = Http.RESPONSE.duplicate();
        assertThat(Http.judge(expected, ByteBuffer.wrap(RESPONSE))).isEqualTo(Outcome.OK);
        assertThat(Http.judge(expected, ByteBuffer.wrap(RESPONSE, 0, 10).slice())).isEqualTo(Outcome.SHORT);
        assertThat(Http.judge(expected, ByteBuffer.allocate(0))).isEqualTo(Outcome.SHORT);
        byte[] other = RESPONSE.clone();
        other[113] = '?';
        assertThat(Http.judge(expected, ByteBuffer.wrap(other))).isEqualTo(Outcome.WRONG);
        assertThat(Http.judge(expected, ByteBuffer.wrap("HTTP/1.1 404".getBytes(StandardCharsets.US_ASCII)))).isEqualTo(Outcome.WRONG);
        assertThat(Http.judge(expected, ByteBuffer.allocate(115).put(RESPONSE).put((byte) 'x').flip())).isEqualTo(Outcome.WRONG);
    }

    private static boolean eol(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return Http.hasEol(b, b.length);
    }
}
