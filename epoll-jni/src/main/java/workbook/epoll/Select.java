package workbook.epoll;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Python's {@code select.select(rlist, wlist, xlist, timeout)}, in Java:
 * {@code Select.select(rlist, wlist, xlist, timeout)}.
 *
 * <p>select(2) keeps no interest list: every call hands the kernel three
 * bitmaps of FD_SETSIZE (1024) bits, and the kernel looks at every
 * descriptor in them, every time. A descriptor at or above FD_SETSIZE does
 * not fit in the bitmap (FD_SET would write past it), so it is refused before
 * the call, with Python's message; so is a negative one. There is no hang-up
 * event: a socket whose peer closed, or that was shut down, is reported
 * readable (and recv then returns end of stream).
 */
public final class Select {
    /** The bitmap's size: select(2) can watch descriptors 0..FD_SETSIZE-1 only. */
    public static final int FD_SETSIZE = Native.require("FD_SETSIZE");

    /** What select found ready: subsets of the three lists given, in their order (Python's triple). */
    public record Ready(List<Integer> readable, List<Integer> writable, List<Integer> exceptional) {
    }

    private Select() {
    }

    /**
     * Waits until a descriptor of {@code rlist} is readable, one of
     * {@code wlist} writable or one of {@code xlist} has an exceptional
     * condition (TCP urgent data), at most {@code timeoutSeconds} (rounded up
     * to whole microseconds; 0 only looks):
     * {@code select(nfds, &readfds, &writefds, &exceptfds, &timeout)}. Returns
     * the ready ones, none when the time ran out. A signal interrupting the
     * wait (EINTR) does not end it: it is retried with the time left.
     *
     * @throws IllegalArgumentException for a descriptor outside
     *         0..FD_SETSIZE-1 ("filedescriptor out of range in select()", as
     *         Python's ValueError), a negative timeout ("timeout must be
     *         non-negative", as Python), NaN, or more than Integer.MAX_VALUE ms
     * @throws NullPointerException for a null list or descriptor
     */
    public static Ready select(Collection<Integer> rlist, Collection<Integer> wlist, Collection<Integer> xlist,
                               double timeoutSeconds) throws ErrnoException {
        if (timeoutSeconds < 0) {
            throw new IllegalArgumentException("timeout must be non-negative, not " + timeoutSeconds);
        }
        return selectMicros(rlist, wlist, xlist, Timeouts.micros(timeoutSeconds, "timeoutSeconds"));
    }

    /**
     * As {@link #select(Collection, Collection, Collection, double)} without a
     * timeout: waits until something is ready (Python's timeout None):
     * {@code select(nfds, &readfds, &writefds, &exceptfds, NULL)}.
     */
    public static Ready select(Collection<Integer> rlist, Collection<Integer> wlist, Collection<Integer> xlist)
            throws ErrnoException {
        return selectMicros(rlist, wlist, xlist, -1);
    }

    private static Ready selectMicros(Collection<Integer> rlist, Collection<Integer> wlist, Collection<Integer> xlist,
                                     long timeoutMicros) throws ErrnoException {
        int[] read = descriptors(rlist);
        int[] write = descriptors(wlist);
        int[] except = descriptors(xlist);
        int ready = Timeouts.retryOnEintr(timeoutMicros, TimeUnit.MICROSECONDS,
                waitMicros -> Native.select(read, write, except, waitMicros));
        if (ready < 0) {
            throw ErrnoException.of(ready, "select(" + (read.length + write.length + except.length) + " fds)");
        }
        return new Ready(stillThere(read), stillThere(write), stillThere(except));
    }

    private static int[] descriptors(Collection<Integer> fds) {
        int[] array = fds.stream().mapToInt(Integer::intValue).toArray();
        for (int fd : array) {
            if (fd < 0 || fd >= FD_SETSIZE) {
                throw new IllegalArgumentException("filedescriptor out of range in select()");
            }
        }
        return array;
    }

    /** The entries the C side left in place: the ready descriptors (it wrote -1 over the others). */
    private static List<Integer> stillThere(int[] fds) {
        List<Integer> ready = new ArrayList<>();
        for (int fd : fds) {
            if (fd >= 0) {
                ready.add(fd);
            }
        }
        return Collections.unmodifiableList(ready);
    }
}
