package bench;

/** How long and how often: the quick set (make bench, under 5 minutes) or the full set (make bench FULL=1). */
record Settings(String name,
                int reps, // runs per row; the full set shows their median and min-max
                double seconds, // load per row
                double warmup, // least warm-up load before a row (the JIT of JVM servers and of the generator)
                double warmupMax, // most warm-up: it goes on while the server's JIT compiler is busy
                double deadline, // per request: one unfinished by then is a timeout
                int[] idle, // the scaling experiment's idle connections (the last capped by the open-file limit)
                int batches) { // the cold-start experiment's batches of ab -n 10000 -c 100
    static final int C = 100; // concurrent clients, as the article's ab -c 100
    static final int BACKLOG = 128; // the listen backlog, where an experiment does not vary it
    static final Settings QUICK = new Settings("quick", 1, 1.0, 1.0, 2.0, 3.5, new int[] {0, 5_000, 19_000}, 6);
    static final Settings FULL = new Settings("full", 3, 5.0, 2.0, 15.0, 16.0,
            new int[] {0, 100, 1_000, 5_000, 10_000, 19_000}, 10);

    boolean full() {
        return reps > 1;
    }
}
