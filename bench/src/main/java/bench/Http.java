package bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The article's bytes on the wire, and the rules for judging a reply. */
final class Http {
    /** The article's exact 114-byte HTTP/1.0 response. */
    static final byte[] RESPONSE = ("HTTP/1.0 200 OK\r\nDate: Mon, 1 Jan 1996 01:01:01 GMT\r\n"
            + "Content-Type: text/plain\r\nContent-Length: 13\r\n\r\n"
            + "Hello, world!").getBytes(StandardCharsets.US_ASCII);

    /** Read-only and direct, so a channel write copies nothing; duplicate() per use. */
    static final ByteBuffer RESPONSE_BUFFER = direct(RESPONSE);

    /** What ab sends, give or take the agent's name. */
    static byte[] request(String hostPort) {
        return ("GET / HTTP/1.0\r\nHost: " + hostPort + "\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip().asReadOnlyBuffer();
    }

    /** The chapters' end of request: "\n\n" or "\n\r\n" among the first len bytes. */
    static boolean hasEol(byte[] b, int len) {
        for (int i = 1; i < len; i++) {
            if (b[i] == '\n' && (b[i - 1] == '\n' || (i >= 2 && b[i - 1] == '\r' && b[i - 2] == '\n'))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Judges a reply read up to end of stream: the expected bytes exactly are OK,
     * a proper prefix of them is SHORT, anything else (other bytes, more bytes) is WRONG.
     * {@code got} is flipped: position 0, limit = bytes received.
     */
    static Outcome judge(ByteBuffer expected, ByteBuffer got) {
        int mismatch = got.mismatch(expected);
        if (mismatch < 0) return Outcome.OK;
        if (mismatch == got.remaining() && got.remaining() < expected.remaining()) return Outcome.SHORT;
        return Outcome.WRONG;
    }

    private Http() {}
}
