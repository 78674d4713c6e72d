package workbook.epoll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The timeout rules every readiness call shares (Epoll.poll, Poll.poll,
 * Select.select). EINTR cannot be provoked on purpose from Java (a signal
 * goes to whichever thread the kernel picks), so the retry is shown with a
 * stand-in for the system call that reports EINTR twice.
 */
class TimeoutsTest {
    private static final int EINTR = Native.require("EINTR");

    @Test
    void aWaitInterruptedBySignalsIsRetriedWithTheTimeLeftAndTheCallerNeverSeesEintr() {
        List<Long> asked = new ArrayList<>();
        int result = Timeouts.retryOnEintr(5_000, TimeUnit.MILLISECONDS, timeout -> {
            asked.add(timeout);
            return asked.size() < 3 ? -EINTR : 7;
        });
        assertThat(result).isEqualTo(7);
        assertThat(asked).hasSize(3).first().isEqualTo(5_000L);
        assertThat(asked).isSortedAccordingTo((a, b) -> Long.compare(b, a)).allSatisfy(
                timeout -> assertThat(timeout).as("never more than asked, never negative").isBetween(0L, 5_000L));
    }

    @Test
    void aWaitWithoutEndStaysWithoutEndAfterEintr() {
        List<Long> asked = new ArrayList<>();
        Timeouts.retryOnEintr(-1, TimeUnit.MICROSECONDS, timeout -> {
            asked.add(timeout);
            return asked.size() < 2 ? -EINTR : 0;
        });
        assertThat(asked).containsExactly(-1L, -1L);
    }

    @Test
    void otherErrorsAreReturnedNotRetried() {
        List<Long> asked = new ArrayList<>();
        assertThat(Timeouts.retryOnEintr(10, TimeUnit.MILLISECONDS, timeout -> {
            asked.add(timeout);
            return -9;
        })).isEqualTo(-9);
        assertThat(asked).hasSize(1);
    }

    @Test
    void secondsAreRoundedUpSoAWaitNeverEndsEarly() {
        assertThat(Timeouts.millis(0, "t")).isZero();
        assertThat(Timeouts.millis(-0.0, "t")).isZero();
        assertThat(Timeouts.millis(Double.MIN_VALUE, "t")).isEqualTo(1);
        assertThat(Timeouts.millis(0.0015, "t")).isEqualTo(2);
        assertThat(Timeouts.millis(1, "t")).isEqualTo(1_000);
        assertThat(Timeouts.micros(1e-7, "t")).isEqualTo(1);
        assertThat(Timeouts.micros(2.5, "t")).isEqualTo(2_500_000);
        assertThat(Timeouts.millis(Integer.MAX_VALUE / 1000.0, "t")).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void negativeMeansForeverAndNanOrTooLongIsAnIllegalArgument() {
        assertThat(Timeouts.millis(-1, "t")).isEqualTo(-1);
        assertThat(Timeouts.micros(Double.NEGATIVE_INFINITY, "t")).isEqualTo(-1);
        assertThatThrownBy(() -> Timeouts.millis(Double.NaN, "timeout")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout must be a number of seconds, not NaN");
        assertThatThrownBy(() -> Timeouts.micros(Double.POSITIVE_INFINITY, "timeout"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout must be at most 2147483.647 seconds (Integer.MAX_VALUE ms), not Infinity");
    }
}
