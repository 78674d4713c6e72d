package workbook.epoll;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An epoll instance: the Java counterpart of Python's {@code select.epoll}.
 * Each method is one system call (named in its Javadoc); a failed call
 * throws {@link ErrnoException}.
 *
 * <p>A registration belongs to the open file, not to the number: unregister
 * a descriptor before closing it. EPOLLHUP and EPOLLERR are reported even
 * when not asked for (even with mask 0). {@link #EPOLLET} is bit 31, so
 * masks that hold it are negative ints: print them with {@link #maskToString}
 * or in hex. Not thread-safe: poll reuses one buffer.
 *
 * <p>Any int is accepted as a descriptor or a mask: the kernel judges them,
 * and a bad one is an {@link ErrnoException} (EBADF, EINVAL...), as in
 * Python. A closed instance ({@link #fileno()} -1) fails every call but
 * {@link #close()} with EBADF.
 */
public final class Epoll implements AutoCloseable {
    public static final int EPOLLIN = Native.require("EPOLLIN");
    public static final int EPOLLOUT = Native.require("EPOLLOUT");
    public static final int EPOLLPRI = Native.require("EPOLLPRI");
    public static final int EPOLLERR = Native.require("EPOLLERR");
    public static final int EPOLLHUP = Native.require("EPOLLHUP");
    public static final int EPOLLRDHUP = Native.require("EPOLLRDHUP");
    public static final int EPOLLET = Native.require("EPOLLET");
    public static final int EPOLLONESHOT = Native.require("EPOLLONESHOT");

    private static final int EPOLL_CLOEXEC = Native.require("EPOLL_CLOEXEC");
    private static final int EPOLL_CTL_ADD = Native.require("EPOLL_CTL_ADD");
    private static final int EPOLL_CTL_MOD = Native.require("EPOLL_CTL_MOD");
    private static final int EPOLL_CTL_DEL = Native.require("EPOLL_CTL_DEL");

    /** Python's default when maxevents is not given (FD_SETSIZE - 1). */
    public static final int DEFAULT_MAX_EVENTS = 1023;
    private static final int MAX_EVENTS_LIMIT = 65536;

    private static final String[] NAMES = {"EPOLLIN", "EPOLLPRI", "EPOLLOUT", "EPOLLERR", "EPOLLHUP", "EPOLLRDHUP", "EPOLLONESHOT", "EPOLLET"};
    private static final int[] BITS = {EPOLLIN, EPOLLPRI, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDHUP, EPOLLONESHOT, EPOLLET};

    /** One ready descriptor: its number and the events that are ready on it. */
    public record Event(int fileno, int events) {
        /** {@code (fileno, EPOLLIN|...)}, as Python prints the tuple, with the mask's names (no system call). */
        @Override
        public String toString() {
            return "(" + fileno + ", " + maskToString(events) + ")";
        }
    }

    private int epfd;
    private int[] pairs = new int[0];

    /** A new epoll instance: {@code epoll_create1(EPOLL_CLOEXEC)}. */
    public Epoll() throws ErrnoException {
        epfd = Native.epollCreate1(EPOLL_CLOEXEC);
        if (epfd < 0) {
            throw ErrnoException.of(epfd, "epoll_create1(EPOLL_CLOEXEC)");
        }
    }

    /** The epoll instance's own descriptor (no system call); -1 once closed. */
    public int fileno() {
        return epfd;
    }

    /** Watches {@code fd} for the events in {@code mask}: {@code epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event)}. */
    public void register(int fd, int mask) throws ErrnoException {
        control(EPOLL_CTL_ADD, "ADD", fd, mask);
    }

    /** Replaces the mask of a watched {@code fd}: {@code epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &event)}. */
    public void modify(int fd, int mask) throws ErrnoException {
        control(EPOLL_CTL_MOD, "MOD", fd, mask);
    }

    /** Stops watching {@code fd}: {@code epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL)}. */
    public void unregister(int fd) throws ErrnoException {
        control(EPOLL_CTL_DEL, "DEL", fd, 0);
    }

    private void control(int op, String opName, int fd, int mask) throws ErrnoException {
        int result = Native.epollCtl(epfd, op, fd, mask);
        if (result < 0) {
            throw ErrnoException.of(result, "epoll_ctl(" + opName + ", fd " + fd + ")");
        }
    }

    /**
     * Waits for events, at most {@code timeoutSeconds} (rounded up to whole
     * milliseconds; negative waits forever; 0 only looks):
     * {@code epoll_wait(epfd, events, 1023, timeout_ms)}. Returns the ready
     * descriptors, none when the time ran out. A signal interrupting the wait
     * (EINTR) does not end it: it is retried with the time left.
     *
     * @throws IllegalArgumentException if {@code timeoutSeconds} is NaN or
     *         longer than {@code Integer.MAX_VALUE} milliseconds (about 24.8
     *         days), which epoll_wait cannot take (Python: ValueError, OverflowError)
     */
    public List<Event> poll(double timeoutSeconds) throws ErrnoException {
        return poll(timeoutSeconds, DEFAULT_MAX_EVENTS);
    }

    /**
     * As {@link #poll(double)}, returning at most {@code maxEvents} events per
     * call: {@code epoll_wait(epfd, events, maxEvents, timeout_ms)}, with the
     * events buffer on the C heap (as CPython's), never on the thread's stack.
     *
     * @throws IllegalArgumentException if {@code maxEvents} is not 1..65536,
     *         or for {@code timeoutSeconds} as {@link #poll(double)}
     */
    public List<Event> poll(double timeoutSeconds, int maxEvents) throws ErrnoException {
        if (maxEvents < 1 || maxEvents > MAX_EVENTS_LIMIT) {
            throw new IllegalArgumentException("maxEvents must be 1.." + MAX_EVENTS_LIMIT + ", not " + maxEvents);
        }
        long timeoutMillis = Timeouts.millis(timeoutSeconds, "timeoutSeconds");
        if (pairs.length < 2 * maxEvents) {
            pairs = new int[2 * maxEvents];
        }
        int ready = Timeouts.retryOnEintr(timeoutMillis, TimeUnit.MILLISECONDS,
                waitMillis -> Native.epollWait(epfd, pairs, maxEvents, (int) waitMillis));
        if (ready < 0) {
            throw ErrnoException.of(ready, "epoll_wait(epfd " + epfd + ")");
        }
        List<Event> events = new ArrayList<>(ready);
        for (int i = 0; i < ready; i++) {
            events.add(new Event(pairs[2 * i], pairs[2 * i + 1]));
        }
        return events;
    }

    /** Releases the epoll instance: {@code close(epfd)}. Closing twice is harmless; never retried. */
    @Override
    public void close() throws ErrnoException {
        int closing = epfd;
        if (closing < 0) {
            return;
        }
        epfd = -1;
        int result = Native.close(closing);
        if (result < 0) {
            throw ErrnoException.of(result, "close(epfd " + closing + ")");
        }
    }

    /** Names the bits of an event mask, e.g. {@code EPOLLIN|EPOLLET}; unknown bits in hex; 0 is "0". No system call. */
    public static String maskToString(int mask) {
        return Masks.describe(mask, NAMES, BITS);
    }
}
