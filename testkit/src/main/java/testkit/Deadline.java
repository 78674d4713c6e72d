package testkit;

import java.time.Duration;

/** A point on the monotonic clock (wall-clock time can jump), so that a series of waits shares one bound. */
record Deadline(Duration limit, long end) {

    static Deadline after(Duration limit) {
        if (limit.isNegative()) throw new IllegalArgumentException("negative time limit: " + limit);
        return new Deadline(limit, System.nanoTime() + limit.toNanos());
    }

    boolean expired() {
        return remainingNanos() <= 0;
    }

    long remainingNanos() {
        return end - System.nanoTime();
    }

    /** Milliseconds left, at least 1: for SO_TIMEOUT, connect and select, where 0 means "wait forever". */
    int remainingMillisAtLeastOne() {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (remainingNanos() + 999_999) / 1_000_000));
    }

    /** The failure when this deadline has passed: "timed out after 20 s " + {@code doing}. */
    AssertionError timedOut(String doing, Throwable cause) {
        long millis = limit.toMillis(); // not Duration.toString(): "PT20S" is not for people
        return new AssertionError("timed out after " + (millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms")
                + " " + doing, cause);
    }
}
