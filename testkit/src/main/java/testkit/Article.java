package testkit;

import java.nio.charset.StandardCharsets;

/** The bytes every chapter exchanges, as the article defines them: shared arrays, so treat them as read-only. */
public final class Article {

    /** The article's reply, exactly 114 bytes: HTTP/1.0 headers and "Hello, world!". */
    public static final byte[] RESPONSE = ascii("HTTP/1.0 200 OK\r\nDate: Mon, 1 Jan 1996 01:01:01 GMT\r\n"
            + "Content-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world!");
    /** A request as curl sends it: lines end in CRLF, so it ends in the article's EOL2 ("\n\r\n"). */
    public static final byte[] REQUEST = ascii("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    /** The same request with bare LF line ends, as {@code nc} users type it: it ends in EOL1 ("\n\n"). */
    public static final byte[] REQUEST_LF = ascii("GET / HTTP/1.0\nHost: 127.0.0.1\n\n");
    /** The request's first line alone: a request without its end. */
    public static final byte[] REQUEST_LINE = ascii("GET / HTTP/1.0\r\n");
    /** The 40 dashes a chapter prints before each request. */
    public static final String DASHES = "-".repeat(40);

    private Article() {}

    /** A complete request with bytes that are not UTF-8 in its path: "GET /\xff HTTP/1.0", then more. */
    public static byte[] undecodableRequest() {
        return "GET /\u00ff HTTP/1.0\r\n\u00ff\u00fe\u00c3(\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    }

    public static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
