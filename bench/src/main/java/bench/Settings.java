package bench;

/**
 * How long and how often: the quick set (make bench, at most 5 minutes on a
 * 2-core machine) or the full set (make bench FULL=1: longer rows, each
 * repeated 3 times and shown as median and min-max).
 *
 * @param reps      runs per row
 * @param seconds   load duration per row
 * @param warmup    least warm-up load before each row (JIT of JVM servers and of the generator)
 * @param warmupMax most warm-up: it goes on while the server's JIT compiler is busy
 * @param steadyMax most warm-up for the rows the performance bars compare (steady state matters there)
 * @param deadline  per-request deadline: a request still unfinished then is a timeout
 */
record Settings(String name, int reps, double seconds, double warmup, double warmupMax, double steadyMax, double deadline) {
    static final Settings QUICK = new Settings("quick", 1, 1.5, 1.0, 2.0, 6.0, 3.5);
    static final Settings FULL = new Settings("full", 3, 5.0, 2.0, 15.0, 20.0, 16.0);

    boolean full() {
        return reps > 1;
    }
}
