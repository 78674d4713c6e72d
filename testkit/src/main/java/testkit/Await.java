package testkit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The one place where the testkit waits for a condition, instead of sleeping a fixed time and hoping. */
public final class Await {

    /** Scales answer limits (not start or kill): the lab check runs broken chapters, whose tests are to time out. */
    public static final String PATIENCE_PROPERTY = "testkit.patience";

    private Await() {}

    /** {@code limit} scaled by {@value #PATIENCE_PROPERTY} (1 when unset, "0.25" for a quarter). */
    public static Duration patient(Duration limit) {
        double scale = Double.parseDouble(System.getProperty(PATIENCE_PROPERTY, "1"));
        if (scale > 0 && scale <= 10) return Duration.ofNanos((long) (limit.toNanos() * scale));
        throw new IllegalArgumentException(PATIENCE_PROPERTY + " must be in (0, 10], not " + scale);
    }

    /** Returns once {@code condition} holds; fails naming {@code what} ("the server to exit") at the limit. */
    public static void until(BooleanSupplier condition, Duration limit, String what) {
        until(condition, Deadline.after(limit), () -> what);
    }

    /** As above, with a message made on timeout, so that it shows the state at that moment. */
    public static void until(BooleanSupplier condition, Duration limit, Supplier<String> what) {
        until(condition, Deadline.after(limit), what);
    }

    /** As above, sharing one deadline between several waits. */
    static void until(BooleanSupplier condition, Deadline deadline, Supplier<String> what) {
        // The pause starts at 0.1 ms (most conditions hold almost at once) and doubles up to 10 ms (a long wait
        // costs little CPU, which matters when a test measures a server's CPU time).
        for (long pause = 100_000; !condition.getAsBoolean(); pause = Math.min(2 * pause, 10_000_000)) {
            if (deadline.expired()) throw deadline.timedOut("waiting for " + what.get(), null);
            if (Thread.currentThread().isInterrupted()) { // parkNanos returns at once while it is set: do not spin
                throw new AssertionError("interrupted while waiting for " + what.get());
            }
            LockSupport.parkNanos(Math.min(pause, deadline.remainingNanos()));
        }
    }
}
