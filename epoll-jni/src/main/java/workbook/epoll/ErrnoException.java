package workbook.epoll;

import java.io.IOException;

/**
 * A system call failed. The message names the call, the errno number and
 * name, and the C library's text, the way Python prints an OSError:
 * {@code epoll_ctl(ADD, fd 7): [Errno 17 EEXIST] File exists}.
 */
public class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    private static final int EAGAIN = Native.require("EAGAIN");
    private static final int EWOULDBLOCK = Native.require("EWOULDBLOCK");

    private final String call;
    private final int errno;

    ErrnoException(String call, int errno) {
        this.call = call;
        this.errno = errno;
    }

    /** Built when asked for (no system call): a drain loop that catches would-block never needs it. */
    @Override
    public String getMessage() {
        return call + ": [Errno " + errno + " " + errnoName() + "] " + strerror();
    }

    /** The failed call as it was described, e.g. {@code recv(fd 7)} (no system call). */
    public String call() {
        return call;
    }

    /** The errno value the kernel reported (no system call). */
    public int errno() {
        return errno;
    }

    /** errno's symbolic name, e.g. {@code ECONNRESET} (no system call). */
    public String errnoName() {
        return Native.errnoName(errno);
    }

    /** The C library's text for errno, e.g. {@code Address already in use}: strerror_r(3), no system call. */
    public String strerror() {
        return Native.strerror(errno);
    }

    /**
     * The exception for a native result that is minus errno: would-block gets
     * its own class, so that a drain loop can catch exactly that and nothing else.
     */
    static ErrnoException of(int negativeErrno, String call) {
        int errno = -negativeErrno;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return new WouldBlockException(call, errno);
        }
        return new ErrnoException(call, errno);
    }
}
