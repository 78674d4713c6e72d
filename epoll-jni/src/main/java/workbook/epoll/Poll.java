package workbook.epoll;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A poll object: the Java counterpart of Python's {@code select.poll()}.
 *
 * <p>The interest set (descriptor to event mask) lives here, in Java, as
 * CPython keeps it in a dict: {@link #register}, {@link #modify} and
 * {@link #unregister} make no system call. Each {@link #poll} hands the whole
 * set to the kernel in one poll(2) call, which looks at every descriptor in
 * it, every time; epoll keeps the set in the kernel instead and hands back
 * only what is ready.
 *
 * <p>POLLHUP, POLLERR and POLLNVAL are reported even when not asked for (even
 * with mask 0), as epoll reports EPOLLHUP and EPOLLERR. A descriptor closed
 * while registered is reported POLLNVAL on every call: unregister before
 * closing. A negative descriptor or a mask outside 0..0xffff (pollfd's short)
 * throws IllegalArgumentException, as Python raises ValueError and
 * OverflowError. Not thread-safe.
 */
public final class Poll {
    public static final int POLLIN = Native.require("POLLIN");
    public static final int POLLPRI = Native.require("POLLPRI");
    public static final int POLLOUT = Native.require("POLLOUT");
    public static final int POLLERR = Native.require("POLLERR");
    public static final int POLLHUP = Native.require("POLLHUP");
    public static final int POLLNVAL = Native.require("POLLNVAL");
    public static final int POLLRDHUP = Native.require("POLLRDHUP");

    /** What {@link #register(int)} watches for, as Python's default: POLLIN | POLLPRI | POLLOUT. */
    public static final int DEFAULT_MASK = POLLIN | POLLPRI | POLLOUT;

    private static final int ENOENT = Native.require("ENOENT");
    private static final String[] NAMES =
        {"POLLIN", "POLLPRI", "POLLOUT", "POLLERR", "POLLHUP", "POLLNVAL", "POLLRDHUP"};
    private static final int[] BITS = {POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL, POLLRDHUP};

    /** One ready descriptor: its number and the events that are ready on it (pollfd's revents). */
    public record Event(int fileno, int events) {
        /** {@code (fileno, POLLIN|...)}, as Python prints the tuple, with the mask's names (no system call). */
        @Override
        public String toString() {
            return "(" + fileno + ", " + maskToString(events) + ")";
        }
    }

    /** In registration order, as CPython's dict, which is the order poll(2) sees and reports them in. */
    private final Map<Integer, Integer> interest = new LinkedHashMap<>();
    /** The interest set as poll(2) takes it, (fd, events) pairs; rebuilt when it changed (CPython: ufd_uptodate). */
    private int[] pairs = new int[0];
    private int[] revents = new int[0];
    private boolean changed;

    /** An empty interest set (no system call: poll keeps nothing in the kernel). */
    public Poll() {
    }

    /**
     * Watches {@code fd} for the events in {@code eventmask}, or gives it that
     * mask if it is watched already, which is not an error (no system call).
     *
     * @throws IllegalArgumentException for a negative fd or a mask outside 0..0xffff
     */
    public void register(int fd, int eventmask) {
        check(fd, eventmask);
        interest.put(fd, eventmask);
        changed = true;
    }

    /** As {@link #register(int, int)} with {@link #DEFAULT_MASK}, Python's default (no system call). */
    public void register(int fd) {
        register(fd, DEFAULT_MASK);
    }

    /**
     * Replaces the mask of a registered {@code fd} (no system call).
     *
     * @throws ErrnoException ENOENT if fd is not registered, as Python raises FileNotFoundError
     * @throws IllegalArgumentException as {@link #register(int, int)}
     */
    public void modify(int fd, int eventmask) throws ErrnoException {
        check(fd, eventmask);
        if (!interest.containsKey(fd)) {
            throw new ErrnoException("modify(fd " + fd + ")", ENOENT);
        }
        register(fd, eventmask);
    }

    /**
     * Stops watching {@code fd} (no system call).
     *
     * @throws IllegalArgumentException if fd is not registered (Python: KeyError)
     */
    public void unregister(int fd) {
        if (interest.remove(fd) == null) {
            throw new IllegalArgumentException("fd " + fd + " is not registered");
        }
        changed = true;
    }

    /**
     * Waits for events, at most {@code timeoutMillis} MILLISECONDS, as
     * Python's {@code poll.poll} takes them (negative waits forever; 0 only
     * looks): {@code poll(fds, nfds, timeout)}, every registered descriptor
     * in one call, the pollfd array on the C heap. Returns the descriptors
     * with events, none when the time ran out. A signal interrupting the wait
     * (EINTR) does not end it: it is retried with the time left.
     */
    public List<Event> poll(int timeoutMillis) throws ErrnoException {
        if (changed) {
            pairs = new int[2 * interest.size()];
            revents = new int[interest.size()];
            int i = 0;
            for (Map.Entry<Integer, Integer> entry : interest.entrySet()) {
                pairs[2 * i] = entry.getKey();
                pairs[2 * i++ + 1] = entry.getValue();
            }
            changed = false;
        }
        int count = revents.length;
        int ready = Timeouts.retryOnEintr(Math.max(timeoutMillis, -1), TimeUnit.MILLISECONDS,
                waitMillis -> Native.poll(pairs, count, revents, (int) waitMillis));
        if (ready < 0) {
            throw ErrnoException.of(ready, "poll(" + count + " fds)");
        }
        List<Event> events = new ArrayList<>(ready);
        for (int i = 0; i < count && events.size() < ready; i++) {
            if (revents[i] != 0) {
                events.add(new Event(pairs[2 * i], revents[i]));
            }
        }
        return events;
    }

    /** As {@link #poll(int)}, waiting until something is ready (Python's timeout None): {@code poll(fds, nfds, -1)}. */
    public List<Event> poll() throws ErrnoException {
        return poll(-1);
    }

    /** Names the bits of an event mask, e.g. {@code POLLIN|POLLHUP}; unknown bits in hex; 0 is "0". No system call. */
    public static String maskToString(int mask) {
        return Masks.describe(mask, NAMES, BITS);
    }

    private static void check(int fd, int eventmask) {
        if (fd < 0) {
            throw new IllegalArgumentException("file descriptor cannot be a negative integer (" + fd + ")");
        }
        if (eventmask < 0 || eventmask > 0xffff) {
            throw new IllegalArgumentException("eventmask must be 0..0xffff, not 0x" + Integer.toHexString(eventmask));
        }
    }
}
