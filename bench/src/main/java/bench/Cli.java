package bench;

/** Command-line helpers for the generator, the java.nio reference and Main: one clear line, exit 2, no stack trace. */
final class Cli {
    static int intArg(String s, int lo, int hi, String what) {
        return (int) numberArg(s, true, lo, hi, what);
    }

    static double doubleArg(String s, double lo, double hi, String what) {
        return numberArg(s, false, lo, hi, what);
    }

    private static double numberArg(String s, boolean integer, double lo, double hi, String what) {
        try {
            double v = integer ? Integer.parseInt(s) : Double.parseDouble(s);
            if (v >= lo && v <= hi) return v;
        } catch (NumberFormatException ignored) { // reported below
        }
        throw fail("bad " + what + " '" + s + "': expected " + plain(lo) + ".." + plain(hi));
    }

    /** 2.0 as "2", 3.5 as "3.5": numbers as one would type them. */
    static String plain(double v) {
        return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }

    static RuntimeException fail(String message) {
        System.err.println(message);
        System.exit(2);
        return new IllegalStateException(message); // not reached; lets callers write `throw fail(...)`
    }

    private Cli() {}
}
