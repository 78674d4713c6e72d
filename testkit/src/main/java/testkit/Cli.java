package testkit;

import java.math.BigDecimal;

/** Command lines of the workbook's tools (Poke, bench): a bad argument is one clear line on stderr, exit 2. */
public final class Cli {
    private Cli() {}

    /** Digits in lo..hi, else {@link #fail}: {@code problem} is a format of the text, lo and hi, in this order. */
    public static int intArg(String text, int lo, int hi, String problem) {
        return (int) number(text, "[0-9]{1,10}", lo, hi, problem);
    }

    public static double doubleArg(String text, double lo, double hi, String problem) {
        return number(text, "[0-9]*\\.?[0-9]+", lo, hi, problem);
    }

    private static double number(String text, String digits, double lo, double hi, String problem) {
        double v = text.matches(digits) ? Double.parseDouble(text) : Double.NaN;
        if (v >= lo && v <= hi) return v;
        throw fail(problem.formatted(text, plain(lo), plain(hi)));
    }

    /** 2.0 as "2", 3.5 as "3.5": numbers as one would type them. */
    public static String plain(double v) {
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }

    /** Prints the message and exits with status 2, no stack trace; returns so that callers can write {@code throw}. */
    public static RuntimeException fail(String message) {
        System.err.println(message);
        System.exit(2);
        return new IllegalStateException(message); // not reached
    }
}
