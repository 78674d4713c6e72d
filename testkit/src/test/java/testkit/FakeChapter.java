package testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in for a chapter's {@code workbook.Server}, so that ChapterProcess
 * is tested end to end: the same command line, start-up line, output, reply
 * and exit code 2 on bad arguments or a busy port. One client at a time.
 */
public final class FakeChapter {

    private static final int REQUEST_CAP = 64 * 1024;

    public static void main(String[] args) throws IOException {
        int port;
        int backlog;
        try {
            if (args.length > 2) {
                throw new IllegalArgumentException("too many arguments");
            }
            port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
            backlog = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        } catch (IllegalArgumentException e) {
            System.err.println("usage: FakeChapter [port [backlog]]: " + e.getMessage());
            System.exit(2);
            return;
        }
        ServerSocket server = new ServerSocket();
        try {
            server.bind(new InetSocketAddress("0.0.0.0", port), backlog);
        } catch (IOException e) {
            System.err.println("cannot listen on port " + port + ": " + e.getMessage());
            System.exit(2);
        }
        System.out.println("listening on 0.0.0.0:" + server.getLocalPort() + " (backlog " + backlog + ")");
        while (true) {
            try (Socket client = server.accept()) {
                byte[] request = readRequest(client.getInputStream());
                String text = new String(request, StandardCharsets.UTF_8);
                if (!text.endsWith("\n\n") && !text.endsWith("\n\r\n")) {
                    System.err.println("hung up on after " + request.length + " bytes, no complete request");
                    continue;
                }
                System.out.println(Article.DASHES);
                System.out.println(text);
                client.getOutputStream().write(Article.RESPONSE);
            } catch (IOException e) {
                System.out.println("client failed: " + e);
            }
        }
    }

    /** Reads until "\n\n" or "\n\r\n", end of stream or the cap. */
    private static byte[] readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        while (request.size() < REQUEST_CAP) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            request.write(b);
            String text = request.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\n\n") || text.endsWith("\n\r\n")) {
                break;
            }
        }
        return request.toByteArray();
    }
}
