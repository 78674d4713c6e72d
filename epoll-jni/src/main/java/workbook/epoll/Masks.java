package workbook.epoll;

/** Event masks as text, for Epoll's and Poll's maskToString. */
final class Masks {
    private Masks() {
    }

    /** The names of the bits of {@code mask} joined by "|", bits without a name in hex; 0 is "0". */
    static String describe(int mask, String[] names, int[] bits) {
        if (mask == 0) {
            return "0";
        }
        StringBuilder text = new StringBuilder();
        int rest = mask;
        for (int i = 0; i < bits.length; i++) {
            if ((mask & bits[i]) != 0) {
                text.append(text.length() == 0 ? "" : "|").append(names[i]);
                rest &= ~bits[i];
            }
        }
        if (rest != 0) {
            text.append(text.length() == 0 ? "" : "|").append("0x").append(Integer.toHexString(rest));
        }
        return text.toString();
    }
}
