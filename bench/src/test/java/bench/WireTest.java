package bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import testkit.Article;

/** The bytes on the wire: what the generator sends and judges, what the java.nio reference reads and writes. */
class WireTest {
    private static final byte[] RESPONSE = Article.RESPONSE;

    @Test
    void theResponseIsTheArticles114BytesReadOnly() {
        assertThat(NioServer.RESPONSE.remaining()).isEqualTo(114);
        assertThat(NioServer.RESPONSE.isReadOnly()).isTrue();
        assertThat(NioServer.RESPONSE.mismatch(ByteBuffer.wrap(RESPONSE))).isEqualTo(-1);
    }

    @Test
    void paddingLengthensTheRequestByAHeader() {
        LoadGen.Config load = LoadGen.Config.of(1).port(80);
        ByteBuffer request = LoadGen.request(load);
        assertThat(request.isDirect()).isTrue();
        String plain = StandardCharsets.US_ASCII.decode(request).toString();
        String padded = StandardCharsets.US_ASCII.decode(LoadGen.request(load.padding(4000))).toString();
        assertThat(plain).startsWith("GET / HTTP/1.0\r\nHost: localhost:80\r\n").endsWith("\r\n\r\n").doesNotContain("X-Padding");
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
        assertThat(LoadGen.judge(ByteBuffer.wrap(RESPONSE))).isEqualTo(Outcome.OK);
        assertThat(LoadGen.judge(ByteBuffer.wrap(RESPONSE, 0, 10).slice())).isEqualTo(Outcome.SHORT);
        assertThat(LoadGen.judge(ByteBuffer.allocate(0))).isEqualTo(Outcome.SHORT);
        byte[] other = RESPONSE.clone();
        other[113] = '?';
        assertThat(LoadGen.judge(ByteBuffer.wrap(other))).isEqualTo(Outcome.WRONG);
        assertThat(LoadGen.judge(ByteBuffer.wrap("HTTP/1.1 404".getBytes(StandardCharsets.US_ASCII)))).isEqualTo(Outcome.WRONG);
        assertThat(LoadGen.judge(ByteBuffer.allocate(115).put(RESPONSE).put((byte) 'x').flip())).isEqualTo(Outcome.WRONG);
    }

    private static boolean eol(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return NioServer.hasEol(b, b.length);
    }
}
