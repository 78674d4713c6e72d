package testkit;

/**
 * What {@link Clients#flood} saw: {@code bytesSent} the kernel accepted (more than the server read, since
 * socket buffers hold megabytes), {@code bytesReceived} from the server (a chapter sends none to a flood).
 */
public record FloodResult(long bytesSent, long bytesReceived, CutOff cutOff) {

    /** How the server ended the flood. */
    public enum CutOff {
        /** It closed the connection in order: the client read end of stream (its FIN). */
        EOF,
        /** A read or write failed (ECONNRESET, EPIPE): a server that closes with unread data sends a RST. */
        RESET,
        /** It did not: the connection was still open at the time limit. */
        NONE
    }

    public boolean wasCutOff() {
        return cutOff != CutOff.NONE;
    }
}
