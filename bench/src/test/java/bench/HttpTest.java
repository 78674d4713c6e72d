package bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpTest {
    @Test
    void theResponseIsTheArticles114Bytes() {
        assertThat(Http.RESPONSE).hasSize(114);
        assertThat(new String(Http.RESPONSE, StandardCharsets.US_ASCII)).startsWith("HTTP/1.0 200 OK\r\n").endsWith("\r\n\r\nHello, world!");
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
        ByteBuffer expected = Http.RESPONSE_BUFFER.duplicate();
        assertThat(Http.judge(expected, ByteBuffer.wrap(Http.RESPONSE))).isEqualTo(Outcome.OK);
        assertThat(Http.judge(expected, ByteBuffer.wrap(Http.RESPONSE, 0, 10).slice())).isEqualTo(Outcome.SHORT);
        assertThat(Http.judge(expected, ByteBuffer.allocate(0))).isEqualTo(Outcome.SHORT);
        byte[] other = Http.RESPONSE.clone();
        other[113] = '?';
        assertThat(Http.judge(expected, ByteBuffer.wrap(other))).isEqualTo(Outcome.WRONG);
        assertThat(Http.judge(expected, ByteBuffer.wrap("HTTP/1.1 404".getBytes(StandardCharsets.US_ASCII)))).isEqualTo(Outcome.WRONG);
        assertThat(Http.judge(expected, ByteBuffer.allocate(115).put(Http.RESPONSE).put((byte) 'x').flip())).isEqualTo(Outcome.WRONG);
    }

    private static boolean eol(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return Http.hasEol(b, b.length);
    }
}
