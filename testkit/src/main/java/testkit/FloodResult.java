package testkit;

/**
 * What {@link Clients#flood} saw: bytes the kernel accepted (more than the server read: socket buffers hold megabytes)
 * and received (a chapter sends none), and the cut-off: EOF (the server closed in order), RESET (ECONNRESET or EPIPE:
 * a server that closes with unread data sends a RST) or NONE (the connection was still open at the time limit).
 */
public record FloodResult(long bytesSent, long bytesReceived, CutOff cutOff) {

    public enum CutOff { EOF, RESET, NONE }

    public boolean wasCutOff() {
        return cutOff != CutOff.NONE;
    }
}
