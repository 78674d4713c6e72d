package bench;

/** How one request ended. Every request ends in exactly one of these; none aborts a run. */
enum Outcome {
    /** The expected reply, then end of stream. */
    OK("ok"),
    /** The deadline passed before the connection was established (e.g. SYNs dropped by a full accept queue). */
    CONNECT_TIMEOUT("connect timeout"),
    /** connect() failed: refused, reset, no local port left, ... */
    CONNECT_ERROR("connect error"),
    /** The deadline passed after connecting, before the reply was complete. */
    READ_TIMEOUT("read timeout"),
    /** The connection was reset (or failed) after connecting. */
    RESET("reset"),
    /** End of stream before the whole reply: a proper prefix of it arrived. */
    SHORT("short reply"),
    /** Bytes other than the expected reply, or more of them. */
    WRONG("wrong reply");

    final String label;

    Outcome(String label) {
        this.label = label;
    }
}
