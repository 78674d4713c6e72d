package bench;

/** How one request ended. Every request ends in exactly one of these; none aborts a run. */
enum Outcome {
    OK("ok"), // the expected reply, then end of stream
    CONNECT_TIMEOUT("connect timeout"), // not connected by the deadline (e.g. SYNs dropped by a full accept queue)
    CONNECT_ERROR("connect error"), // connect() failed: refused, reset, no local port left, ...
    READ_TIMEOUT("read timeout"), // connected, but the reply was not complete by the deadline
    RESET("reset"), // the connection was reset (or failed) after connecting
    SHORT("short reply"), // end of stream after a proper prefix of the reply
    WRONG("wrong reply"); // bytes other than the expected reply, or more of them

    final String label;
    Outcome(String label) {
        this.label = label;
    }
}
