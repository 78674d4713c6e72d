package bench;

/**
 * How long and how often: the quick set (make bench, at most 5 minutes on a
 * 2-core machine) or the full set (make bench FULL=1: longer rows, repeated,
 * shown as median and min-max).
 *
 * @param reps      runs per row
 * @param seconds   load duration per row
 * @param warmup    least warm-up load before each row (JIT of JVM servers and of the generator)
 * @param warmupMax most warm-up: it goes on while the server's JIT compiler is busy
 * @param deadline  per-request deadline: a request still unfinished then is a timeout
 * @param idle      the scaling experiment's counts of idle connections (the last is capped by the open-file limit)
 * @param batches   the cold-start experiment's batches of ab -n 10000 -c 100
 */
record Settings(String name, int reps, double seconds, double warmup, double warmupMax, double deadline, int[] idle,
                int batches) {
    static final Settings QUICK = new Settings("quick", 1, 1.0, 1.0, 2.0, 3.5, new int[] {0, 5_000, 19_000}, 6);
    static final Settings FULL = new Settings("full", 3, 5.0, 2.0, 15.0, 16.0,
            new int[] {0, 100, 1_000, 5_000, 10_000, 19_000}, 10);

    boolean full() {
        return reps > 1;
    }
}
