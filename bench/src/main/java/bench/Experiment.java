package bench;

/** A named, runnable experiment: prints its table and saves its raw results and page section. */
interface Experiment {
    String name();

    void run(Settings settings);
}
