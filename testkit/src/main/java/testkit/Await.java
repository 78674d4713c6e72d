package testkit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The one place where the testkit waits for a condition to become true. (The
 * other waits are the kernel's, in socket reads and Selector.select, bounded
 * by the same kind of deadline.)
 *
 * <p>Tests must not sleep a fixed time and hope: too short fails on a loaded
 * machine, too long wastes everyone's time. Instead, poll the condition and
 * give up at a limit. The pause between polls starts at 0.1 ms (most
 * conditions are met almost at once) and doubles up to 10 ms (so a long wait
 * costs little CPU, which matters when the test measures a server's CPU time).
 */
public final class Await {

    /**
     * The system property that scales the limits tests wait for a server's answer (not
     * start-up or kill limits): "0.25" waits a quarter as long. The lab check uses it, where
     * the tests are run against a chapter broken on purpose and are expected to time out.
     */
    public static final String PATIENCE_PROPERTY = "testkit.patience";

    private static final long FIRST_PAUSE_NANOS = 100_000;
    private static final long MAX_PAUSE_NANOS = 10_000_000;

    private Await() {
    }

    /** {@code limit} scaled by {@value #PATIENCE_PROPERTY} (1 when unset). */
    public static Duration patient(Duration limit) {
        double scale = Double.parseDouble(System.getProperty(PATIENCE_PROPERTY, "1"));
        if (!(scale > 0 && scale <= 10)) {
            throw new IllegalArgumentException(PATIENCE_PROPERTY + " must be in (0, 10], not " + scale);
        }
        return Duration.ofNanos((long) (limit.toNanos() * scale));
    }

    /**
     * Returns as soon as {@code condition} is true; waits at most {@code limit}.
     *
     * @param what what is awaited, for the message: "the server to exit"
     * @throws AssertionError naming {@code what} if the limit passes first
     */
    public static void until(BooleanSupplier condition, Duration limit, String what) {
        until(condition, limit, () -> what);
    }

    /**
     * As {@link #until(BooleanSupplier, Duration, String)}, with a message
     * computed only on timeout, so it can show the state at that moment
     * (for example the output a process has printed so far).
     */
    public static void until(BooleanSupplier condition, Duration limit, Supplier<String> what) {
        until(condition, Deadline.after(limit), what);
    }

    /** As above, sharing one deadline between several waits. */
    static void until(BooleanSupplier condition, Deadline deadline, Supplier<String> what) {
        long pause = FIRST_PAUSE_NANOS;
        while (!condition.getAsBoolean()) {
            if (deadline.expired()) {
                throw new AssertionError("timed out after " + Deadline.describe(deadline.limit())
                        + " waiting for " + what.get());
            }
            if (Thread.currentThread().isInterrupted()) {
                // parkNanos returns at once while the flag is set: stop rather than spin.
                throw new AssertionError("interrupted while waiting for " + what.get());
            }
            LockSupport.parkNanos(Math.min(pause, deadline.remainingNanos()));
            pause = Math.min(2 * pause, MAX_PAUSE_NANOS);
        }
    }
}
