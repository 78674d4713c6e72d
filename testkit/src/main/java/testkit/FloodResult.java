package testkit;

/** What {@link Clients#flood} saw: bytes the kernel accepted (not all read), bytes received (a chapter sends none). */
public record FloodResult(long bytesSent, long bytesReceived, CutOff cutOff) {

    /** EOF: closed in order; RESET: ECONNRESET/EPIPE (unread data at close sends a RST); NONE: open at the limit. */
    public enum CutOff { EOF, RESET, NONE }

    public boolean wasCutOff() {
        return cutOff != CutOff.NONE;
    }
}
