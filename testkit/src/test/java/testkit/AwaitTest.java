package testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

    @Test
    void returnsAsSoonAsTheConditionHolds() {
        AtomicInteger polls = new AtomicInteger();
        Await.until(() -> polls.incrementAndGet() == 3, Duration.ofSeconds(5), "the third poll");
        assertThat(polls).hasValue(3);
    }

    @Test
    void failsAtTheLimitNamingWhatItAwaited() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> Await.until(() -> false, Duration.ofMillis(50), "the moon to turn blue"))
                .isInstanceOf(AssertionError.class)
                .hasMessage("timed out after 50 ms waiting for the moon to turn blue");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isBetween(Duration.ofMillis(50), Duration.ofSeconds(2));
    }

    @Test
    void computesALazyMessageOnlyOnTimeout() {
        AtomicInteger built = new AtomicInteger();
        Await.until(() -> true, Duration.ofSeconds(1), () -> "message " + built.incrementAndGet());
        assertThat(built).hasValue(0);
    }
}
