package workbook.epoll;

import java.util.concurrent.TimeUnit;
import java.util.function.LongToIntFunction;

/**
 * Timeouts the way CPython's select module takes them: seconds (a double),
 * rounded up so that a wait never ends early; and its rule for signals
 * (PEP 475): a wait that a signal interrupts (EINTR) is retried with the
 * time left on the monotonic clock, so the caller never sees EINTR.
 */
final class Timeouts {
    /** The longest wait: epoll_wait and poll take an int of milliseconds (about 24.8 days). */
    static final long MAX_MILLIS = Integer.MAX_VALUE;

    private static final int EINTR = Native.require("EINTR");

    private Timeouts() {
    }

    /**
     * {@code seconds} in whole milliseconds, rounded up; -1 (wait forever)
     * for a negative number.
     *
     * @throws IllegalArgumentException for NaN or more than {@link #MAX_MILLIS}
     *         (CPython: ValueError, OverflowError "timeout is too large")
     */
    static long millis(double seconds, String name) {
        return inUnits(seconds, TimeUnit.MILLISECONDS, name);
    }

    /** As {@link #millis}, in microseconds (select's struct timeval), with the same longest wait. */
    static long micros(double seconds, String name) {
        return inUnits(seconds, TimeUnit.MICROSECONDS, name);
    }

    private static long inUnits(double seconds, TimeUnit unit, String name) {
        if (Double.isNaN(seconds)) {
            throw new IllegalArgumentException(name + " must be a number of seconds, not NaN");
        }
        if (seconds < 0) {
            return -1;
        }
        double units = Math.ceil(seconds * unit.convert(1, TimeUnit.SECONDS));
        if (units > unit.convert(MAX_MILLIS, TimeUnit.MILLISECONDS)) {
            throw new IllegalArgumentException(name + " must be at most " + MAX_MILLIS / 1000.0
                    + " seconds (Integer.MAX_VALUE ms), not " + seconds);
        }
        return (long) units;
    }

    /**
     * Calls {@code wait} with {@code timeout} (in {@code unit}; -1 waits
     * forever) until it returns anything but minus EINTR; after an EINTR
     * with the time left, rounded up.
     */
    static int retryOnEintr(long timeout, TimeUnit unit, LongToIntFunction wait) {
        long deadline = System.nanoTime() + unit.toNanos(Math.max(timeout, 0));
        while (true) {
            int result = wait.applyAsInt(timeout);
            if (result != -EINTR) {
                return result;
            }
            if (timeout >= 0) {
                long leftNanos = Math.max(0, deadline - System.nanoTime());
                timeout = -Math.floorDiv(-leftNanos, unit.toNanos(1));
            }
        }
    }
}
