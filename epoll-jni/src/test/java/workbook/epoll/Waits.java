package workbook.epoll;

/**
 * How long the readiness tests wait. "Reports nothing" can only be observed
 * by waiting a while, so those checks wait {@code QUIET}; these waits are
 * bounds, not synchronisation. Seconds for epoll and select, milliseconds for
 * poll, as Python takes them.
 */
final class Waits {
    /** How long a wait lasts before we conclude that nothing is reported. */
    static final double QUIET = 0.2;
    /** How long a wait may last for something that must be reported. */
    static final double READY = 5;
    static final int QUIET_MILLIS = (int) (QUIET * 1000);
    static final int READY_MILLIS = (int) (READY * 1000);

    private Waits() {
    }
}
