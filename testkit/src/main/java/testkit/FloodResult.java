package testkit;

/**
 * What {@link Clients#flood} saw: {@code bytesSent} the kernel accepted (more than the server read, since socket
 * buffers hold megabytes), {@code bytesReceived} from the server (a chapter sends none to a flood), and how the
 * server cut it off: EOF (it closed in order), RESET (a read or write failed, ECONNRESET or EPIPE: a server that
 * closes with unread data sends a RST) or NONE (the connection was still open at the time limit).
 */
public record FloodResult(long bytesSent, long bytesReceived, CutOff cutOff) {

    public enum CutOff { EOF, RESET, NONE }

    public boolean wasCutOff() {
        return cutOff != CutOff.NONE;
    }
}
