package workbook.epoll;

/**
 * A non-blocking call had nothing to do right now (EAGAIN / EWOULDBLOCK):
 * no connection to accept, no byte to read, no room to write. Not an error:
 * it is how an edge-triggered drain loop learns that it has drained.
 */
public final class WouldBlockException extends ErrnoException {
    private static final long serialVersionUID = 1L;

    WouldBlockException(String call, int errno) {
        super(call, errno);
    }

    /**
     * No stack trace: an edge-triggered server meets this once per drained
     * socket, as flow control, and filling in a trace each time would cost
     * more than the system call that failed.
     */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
