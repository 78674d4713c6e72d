package bench;

/** Command-line helpers shared by the generator and the java.nio reference: one clear line and exit 2, no stack trace. */
final class Cli {
    static int intArg(String s, int lo, int hi, String what) {
        return (int) numberArg(s, Integer::parseInt, lo, hi, what);
    }

    static double doubleArg(String s, double lo, double hi, String what) {
        return numberArg(s, Double::parseDouble, lo, hi, what);
    }

    private static double numberArg(String s, java.util.function.ToDoubleFunction<String> parse, double lo, double hi,
                                    String what) {
        try {
            double v = parse.applyAsDouble(s);
            if (v >= lo && v <= hi) return v;
        } catch (NumberFormatException ignored) {
            // reported below
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
