package testkit;

import java.time.Duration;

/**
 * A point in time on the monotonic clock ({@link System#nanoTime()}), so that a
 * series of waits shares one overall bound instead of each getting its own.
 * Wall-clock time is not used: it can jump.
 */
final class Deadline {

    private final Duration limit;
    private final long end;

    private Deadline(Duration limit) {
        this.limit = limit;
        this.end = System.nanoTime() + limit.toNanos();
    }

    static Deadline after(Duration limit) {
        if (limit.isNegative()) {
            throw new IllegalArgumentException("negative time limit: " + limit);
        }
        return new Deadline(limit);
    }

    boolean expired() {
        return remainingNanos() <= 0;
    }

    long remainingNanos() {
        return end - System.nanoTime();
    }

    /**
     * Milliseconds left, at least 1: for APIs where 0 means "wait forever"
     * (SO_TIMEOUT, connect timeout, Selector.select). Check {@link #expired()} first.
     */
    int remainingMillisAtLeastOne() {
        long millis = Math.max(1, (remainingNanos() + 999_999) / 1_000_000);
        return (int) Math.min(Integer.MAX_VALUE, millis);
    }

    /** The failure when this deadline has passed: "timed out after 20 s " + {@code doing}. */
    AssertionError timedOut(String doing, Throwable cause) {
        long millis = limit.toMillis(); // not Duration.toString(): "PT20S" is not for people
        return new AssertionError("timed out after " + (millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms")
                + " " + doing, cause);
    }
}
