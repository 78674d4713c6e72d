package bench;

import java.nio.ByteBuffer;
import testkit.Article;

/** The article's bytes on the wire, as the generator and the java.nio reference use them. */
final class Http {
    /** The article's 114-byte response, read-only and direct (a channel write copies nothing): duplicate() to write. */
    static final ByteBuffer RESPONSE = ByteBuffer.allocateDirect(Article.RESPONSE.length).put(Article.RESPONSE).flip()
            .asReadOnlyBuffer();

    /** What ab sends, give or take the agent's name; {@code padding} bytes of an extra header make it longer. */
    static byte[] request(String hostPort, int padding) {
        return Article.ascii("GET / HTTP/1.0\r\nHost: " + hostPort + "\r\nUser-Agent: bench\r\nAccept: */*\r\n"
                + (padding > 0 ? "X-Padding: " + "x".repeat(padding) + "\r\n" : "") + "\r\n");
    }

    /** The chapters' end of request: "\n\n" or "\n\r\n" among the first len bytes. */
    static boolean hasEol(byte[] b, int len) {
        for (int i = 1; i < len; i++) {
            if (b[i] == '\n' && (b[i - 1] == '\n' || (i >= 2 && b[i - 1] == '\r' && b[i - 2] == '\n'))) return true;
        }
        return false;
    }

    /** A reply read to end of stream ({@code got}, flipped): the expected bytes are OK, a prefix SHORT, else WRONG. */
    static Outcome judge(ByteBuffer expected, ByteBuffer got) {
        int at = got.mismatch(expected);
        return at < 0 ? Outcome.OK : at == got.remaining() && at < expected.remaining() ? Outcome.SHORT : Outcome.WRONG;
    }

    private Http() {}
}
